"""Time and size every import as the product runs it: the lane CSV, the partner file, and
the files the imports must refuse early (a zip bomb, a 100,000-row CSV).

Targets (issue 14): a 300-row lane CSV in under 3 s; a workbook that unpacks to 20 MB and a
100,000-row CSV refused within 2 s in bounded memory (peak traced with tracemalloc, in a run
of its own so tracing does not distort the time).

    .venv/bin/python bench/bench_imports.py              # SQLite in a temp dir
    .venv/bin/python bench/bench_imports.py --db postgres
    .venv/bin/python bench/bench_imports.py --db both
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_partners import use_database  # noqa: E402

PARTNER_HEADER = "Legal name,Type,Country,DUNS,City"


SYLLABLES = ("ka", "lo", "mi", "zu", "ter", "van", "dor", "shi", "pra", "nex", "qui", "bel")


def partner_row(i: int) -> str:
    """A made-up company name unlike its neighbours (the import's fuzzy check stays quiet)."""
    word = "".join(SYLLABLES[(i * 7 + k * 5 + i // 12**k) % len(SYLLABLES)] for k in range(4))
    second = "".join(SYLLABLES[(i // 12**k) % len(SYLLABLES)] for k in range(4))
    country = ("CN", "VN", "MX", "IN")[i % 4]
    return f"{word.title()} {second.title()} Co. Ltd,supplier,{country},,Ningbo"


def run(args) -> None:
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    use_database(args.db)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.partners import services as partner_services
    from openctpat.risk import services as risk_services
    from openctpat.testing.files import csv_rows, measure, zip_bomb_xlsx
    from openctpat.testing.risk import lanes_csv

    stamp = time.time_ns()
    owner = User.objects.create_user(f"bench-{stamp}@example.test", "bench-pass-123")
    org = create_organisation(name=f"Bench Imports {stamp}", owner=owner)
    print(f"database: {connection.vendor}")

    assessment = risk_services.create_assessment(org, owner, title="Bench imports")
    lanes = lanes_csv(300)
    started = time.perf_counter()
    result = risk_services.import_lanes_csv(
        org, owner, assessment, SimpleUploadedFile("lanes.csv", lanes)
    )
    print(
        f"lane CSV, 300 rows ({len(lanes) / 1024:.0f} KB): {time.perf_counter() - started:.2f} s, "
        f"{result['nodes_created']} parties in {result['lanes_created']} lanes; target 3 s"
    )

    partners = csv_rows(PARTNER_HEADER, partner_row, args.partners)
    started = time.perf_counter()
    imp = partner_services.start_import(org, owner, SimpleUploadedFile("partners.csv", partners))
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    preview = partner_services.preview(org, imp)
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    if preview.errors:
        raise SystemExit(f"bench file has errors: {preview.errors[0].errors}")
    created = partner_services.commit_import(
        org, owner, imp, background=False, skip_duplicates=True
    )
    commit_s = time.perf_counter() - started
    print(
        f"partner CSV, {args.partners:,} rows ({len(partners) / 1024 / 1024:.1f} MB): upload and "
        f"read {read_s:.2f} s, preview {preview_s:.2f} s ({len(preview.errors)} errors), commit "
        f"{commit_s:.2f} s ({created:,} partners, batches of {partner_services.BATCH_ROWS})"
    )

    for label, name, data in (
        ("workbook unpacking to 20 MB", "bomb.xlsx", zip_bomb_xlsx()),
        ("100,000-row CSV", "big.csv", csv_rows(PARTNER_HEADER, partner_row, 100_000)),
    ):
        cost = measure(
            lambda name=name, data=data: partner_services.start_import(
                org, owner, SimpleUploadedFile(name, data)
            )
        )
        print(
            f"{label} ({len(data) / 1024:.0f} KB on disk): refused in {cost.seconds:.2f} s, "
            f"peak {cost.peak_mb:.1f} MB traced; targets 2 s and bounded memory: "
            f"{getattr(cost.error, 'message', cost.error)!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--partners", type=int, default=20_000)
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):
            cmd = [sys.executable, __file__, "--db", db, "--partners", str(args.partners)]
            subprocess.run(cmd, check=True)
        return
    run(args)


if __name__ == "__main__":
    main()
