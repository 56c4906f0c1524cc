"""``ctpat screen``: screen a file of names against list files, no database needed.

Writes one JSON line per input name, in input order, to stdout; progress goes to stderr.
"""

import csv
import io
import json
import os
import sys
import time
from pathlib import Path

from . import lists, matcher
from .entries import ListFileError

CHUNK = 1000


def read_names(path: str) -> list[dict]:
    """Queries from a text file (one name per line) or a CSV with a ``name`` column."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    header = [h.strip().lower() for h in next(csv.reader([first]), [])]
    if "name" in header:
        rows = csv.DictReader(io.StringIO(text))
        queries = []
        for row in rows:
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            query = {"name": row.get("name", "")}
            if row.get("country"):
                query["country"] = row["country"]
            queries.append(query)
        return queries
    return [{"name": line.strip()} for line in text.splitlines() if line.strip()]


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-6)
    print(f"screened {done}/{total} names ({rate:.0f}/s)", file=sys.stderr, flush=True)


def run(list_paths, names_path, *, threshold=None, top=5, out=None) -> int:
    out = out or sys.stdout
    try:
        parsed = lists.load_all(list_paths)
    except (ListFileError, OSError) as exc:
        print(f"ctpat screen: {exc}", file=sys.stderr)
        return 2
    try:
        queries = read_names(names_path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        print(f"ctpat screen: cannot read {names_path}: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    entries = [e for p in parsed for e in p.entries]
    index = matcher.Index(entries)
    print(
        f"{len(entries)} list entries from {', '.join(p.source for p in parsed)} indexed in "
        f"{time.monotonic() - started:.1f} s; screening {len(queries)} names",
        file=sys.stderr,
        flush=True,
    )
    threshold = matcher.DEFAULT_THRESHOLD if threshold is None else threshold
    workers = min(os.cpu_count() or 1, 4)
    started = time.monotonic()
    for start in range(0, len(queries), CHUNK):
        chunk = queries[start : start + CHUNK]
        results = index.screen_many(chunk, threshold=threshold, top=top, workers=workers)
        for query, matches in zip(chunk, results, strict=True):
            line = {
                "query": query["name"],
                "matches": [
                    {
                        "list": m.list,
                        "entry_id": m.entry_id,
                        "name": m.name,
                        "score": round(m.score, 4),
                        "explanation": m.explanation,
                    }
                    for m in matches
                ],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        if len(queries) > CHUNK:
            _progress(min(start + CHUNK, len(queries)), len(queries), started)
    out.flush()
    return 0
