"""Time screening as the product runs it: loading the full SDN + CSL into the database, the
first index build, a single screen through the API, and rescreening a registry.

Targets (issue 7): loading full SDN + CSL in 10 s or less; a single screen through the API
50 ms p95 or less. The matcher's accuracy and batch speed are in bench_screening.py.

    .venv/bin/python bench/bench_screening_api.py --db both
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_partners import use_database  # noqa: E402

LISTS = ROOT / "tests" / "data" / "lists"
SDN = [LISTS / "ofac" / f for f in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")]
CSL = [LISTS / "csl" / "csl.csv"]
QUERIES = [
    "Arta Shipping Enterprises Ltd.",
    "Maple Leaf Customs Brokers",
    "Banco Nacional de Cuba",
    "Shenzhen Bright Toys Co. Ltd",
    "Mohammed Al Hassan",
    "Novatek Industrial Supply",
    "Pacific Star Line",
    "Islamic Republic of Iran Shipping Lines",
]


def run(args) -> None:
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    use_database(args.db)
    from django.db import connection

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.core.permissions import Role
    from openctpat.screening import services
    from openctpat.screening.models import ListVersion, RescreenRun
    from openctpat.testing import token_for
    from openctpat.testing.api import ApiClient

    ListVersion.objects.all().delete()  # a clean slate in the bench database
    started = time.perf_counter()
    services.load_list_files(SDN, rescreen=False)
    sdn_s = time.perf_counter() - started
    services.load_list_files(CSL, rescreen=False)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    services._index_cache.clear()
    services.current_index()
    index_s = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(
        f"load SDN (8,976 entries) + CSL (4,226) into the database: {load_s:.2f} s "
        f"(SDN {sdn_s:.2f} s); target 10 s"
    )
    print(f"first index build from the database: {index_s:.2f} s (then cached per process)")

    owner = User.objects.create_user(f"bench-{time.time_ns()}@example.test", "bench-pass-123")
    org = create_organisation(name=f"Bench Screening {time.time_ns()}", owner=owner)
    api = ApiClient(token_for(org, Role.OWNER))
    api.post("/api/v1/screening/screen", {"name": "warm up"})
    times = []
    for n in range(args.requests):
        query = QUERIES[n % len(QUERIES)]
        started = time.perf_counter()
        response = api.post("/api/v1/screening/screen", {"name": query})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"POST /api/v1/screening/screen x{len(times)}: p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms; target p95 50 ms"
    )
    if args.partners:
        from openctpat.partners.models import BusinessPartner

        BusinessPartner.objects.bulk_create(
            BusinessPartner(
                organisation=org,
                legal_name=f"{QUERIES[n % len(QUERIES)]} {n}",
                name_key=f"bench {n}",
                partner_type="supplier",
                country="CN",
            )
            for n in range(args.partners)
        )
        started = time.perf_counter()
        run_ = RescreenRun.objects.create(version=services.active_versions().first())
        services.rescreen(run_)
        took = time.perf_counter() - started
        print(
            f"rescreen {run_.total} partners (every organisation on the server): {took:.1f} s, "
            f"{1000 * took / max(run_.total, 1):.1f} ms per partner, "
            f"{run_.alerts_raised} alerts"
        )
    if connection.vendor == "postgresql":
        BusinessPartner.objects.filter(organisation=org).delete()
        ListVersion.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--partners", type=int, default=1000, help="registry to rescreen")
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):
            options = ["--requests", str(args.requests), "--partners", str(args.partners)]
            subprocess.run([sys.executable, __file__, "--db", db, *options], check=True)
        return
    run(args)


if __name__ == "__main__":
    main()
