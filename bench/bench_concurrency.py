"""Hammer one partner and a batch of seals over loopback HTTP; count lost updates and double
seal moves (both must be 0).

The app is served by a threaded WSGI server on 127.0.0.1 inside this process; client
threads speak HTTP to it with API tokens, as outside callers do.

1. ``--editors`` clients (default 10) each PATCH their own field of one partner for
   ``--seconds`` (default 20). A lost update is a field whose stored value is not the last
   one its client saw acknowledged with 200; an audit break is an update entry whose
   "before" is not the previous entry's "after" for that field.
2. For each of ``--seals`` seals (default 50), ``--racers`` clients (default 4) send
   ``{"event": "issue"}`` at the same moment. A double move is a seal with more than one
   issue in its log, or more than one 200 answer.

    .venv/bin/python bench/bench_concurrency.py              # SQLite in a temp dir
    .venv/bin/python bench/bench_concurrency.py --db postgres
    .venv/bin/python bench/bench_concurrency.py --db both --seconds 30 2>/dev/null

(Django logs each refused 409 on stderr.)
"""

import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_partners import use_database  # noqa: E402

FIELDS = {
    "legal_name": lambda i: f"Bench Concurrent Supplier {i} Ltd",
    "address": lambda i: f"{i} Harbour Road, Ningbo",
    "notes": lambda i: f"note {i}",
    "tax_id": lambda i: f"TAX{i:07d}",
    "ior": lambda i: f"IOR{i:07d}",
    "iata_code": lambda i: f"I{i % 100:02d}",
    "other_names": lambda i: [f"Alias {i}"],
    "start_date": lambda i: f"2020-01-{1 + i % 28:02d}",
    "duns": lambda i: f"{i % 1000000000:09d}",
    "mid": lambda i: f"CNBENCH{i:06d}",
}


class Caller:
    """One client: its own keep-alive connection to the server."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None) -> tuple[int, dict, float]:
        started = time.perf_counter()
        payload = json.dumps(body) if body is not None else None
        self.conn.request(method, path, body=payload, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, (json.loads(data) if data else {}), elapsed


def serve():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def edit_race(port, token, partner_id, fields, seconds):
    acknowledged, latencies, errors = {}, [], []
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(len(fields))

    def editor(field):
        caller = Caller(port, token)
        barrier.wait()
        i = 0
        while time.monotonic() < deadline:
            value = FIELDS[field](i)
            status, body, ms = caller.call(
                "PATCH", f"/api/v1/partners/{partner_id}", {field: value}
            )
            latencies.append(ms)
            if status == 200:
                acknowledged[field] = value
            else:
                errors.append((field, status, body))
            i += 1

    threads = [threading.Thread(target=editor, args=(f,)) for f in fields]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acknowledged, latencies, errors


def seal_race(port, token, seal_ids, racers):
    answers = {}

    def racer(seal_id, barrier):
        caller = Caller(port, token)
        barrier.wait()
        status, _body, _ms = caller.call(
            "POST", f"/api/v1/seals/{seal_id}/events", {"event": "issue"}
        )
        answers.setdefault(seal_id, []).append(status)

    for seal_id in seal_ids:
        barrier = threading.Barrier(racers)
        threads = [threading.Thread(target=racer, args=(seal_id, barrier)) for _ in range(racers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return answers


def run(args) -> None:
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    use_database(args.db)
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.core.models import AuditEntry
    from openctpat.core.permissions import Role
    from openctpat.inspections import services as inspection_services
    from openctpat.inspections.models import SealMovement
    from openctpat.partners import services as partner_services
    from openctpat.testing import token_for

    stamp = time.time_ns()
    owner = User.objects.create_user(f"bench-{stamp}@example.test", "bench-pass-123")
    org = create_organisation(name=f"Bench Concurrency {stamp}", owner=owner)
    partner = partner_services.create_partner(
        org,
        owner,
        legal_name="Bench Concurrent Supplier Ltd",
        partner_type="supplier",
        country="CN",
        services=["manufacturing"],
    )
    first = 500_000 + stamp % 1_000_000 * 10
    batch = inspection_services.create_batch(
        org,
        owner,
        manufacturer="TydenBrooks",
        seal_type="bolt",
        iso_class="H",
        certificate_reference="ISO 17712 H",
        prefix="BC",
        first_number=first,
        last_number=first + args.seals - 1,
        storage_location="Cabinet",
        received_on=datetime.date.today(),
    )
    token = token_for(org, Role.OWNER)
    server = serve()
    port = server.server_address[1]
    print(
        f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']}); "
        f"server on 127.0.0.1:{port}"
    )
    fields = list(FIELDS)[: args.editors]
    started = time.perf_counter()
    acknowledged, latencies, errors = edit_race(port, token, partner.pk, fields, args.seconds)
    took = time.perf_counter() - started
    status, stored, _ = Caller(port, token).call("GET", f"/api/v1/partners/{partner.pk}")
    lost = [f for f in fields if stored.get(f) != acknowledged.get(f)]
    breaks, entries = 0, 0
    seen = {}
    for entry in AuditEntry.objects.filter(
        object_type="partners.businesspartner", object_id=str(partner.pk), action="update"
    ).order_by("seq"):
        entries += 1
        for field, (before, after) in entry.changes.items():
            if field in seen and before != seen[field]:
                breaks += 1
            seen[field] = after
    latencies.sort()
    print(
        f"edits: {len(fields)} clients x {args.seconds} s: {len(latencies)} PATCH "
        f"({len(latencies) / took:.0f}/s), p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, "
        f"{len(errors)} refused"
    )
    print(f"lost updates: {len(lost)} of {len(fields)} fields {lost if lost else ''}")
    print(f"audit breaks: {breaks} in {entries} update entries")

    seal_ids = list(batch.seals.order_by("sequence").values_list("pk", flat=True))
    answers = seal_race(port, token, seal_ids, args.racers)
    issued = dict(
        SealMovement.objects.filter(seal_id__in=seal_ids, event="issue")
        .values_list("seal_id")
        .annotate(n=Count("id"))
    )
    double = [s for s in seal_ids if issued.get(s, 0) > 1 or answers[s].count(200) > 1]
    unissued = [s for s in seal_ids if issued.get(s, 0) == 0]
    print(
        f"seal issue races: {len(seal_ids)} seals x {args.racers} clients: "
        f"double moves {len(double)}, seals never issued {len(unissued)}, "
        f"answers {sorted({c for a in answers.values() for c in a})}"
    )
    server.shutdown()
    if errors:
        print("first refusals:", errors[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--editors", type=int, default=10, choices=range(1, len(FIELDS) + 1))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seals", type=int, default=50)
    parser.add_argument("--racers", type=int, default=4)
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):
            cmd = [sys.executable, __file__, "--db", db, "--editors", str(args.editors)]
            cmd += ["--seconds", str(args.seconds), "--seals", str(args.seals)]
            cmd += ["--racers", str(args.racers)]
            subprocess.run(cmd, check=True)
        return
    run(args)


if __name__ == "__main__":
    main()
