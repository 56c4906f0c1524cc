"""Time the validator's inspection log and seal log exports at 100,000 inspections.

Bulk-inserts N inspections (default 100,000) over the past year in a new organisation: four
points each, one inspection in twenty failed at one point (with a note), half of the passed
ones sealed (an issued and an applied movement per seal, and a VVTT for one seal in ten).
Then times the XLSX inspection log for the whole range (target: under 30 s), the XLSX seal
log for the whole range, and a PDF of each at the largest size allowed
(``exports.PDF_MAX_ROWS`` rows, the most recent days that fit).

    .venv/bin/python bench/bench_inspection_exports.py                  # SQLite in a temp dir
    .venv/bin/python bench/bench_inspection_exports.py --db postgres    # ctpat_bench
    .venv/bin/python bench/bench_inspection_exports.py --db both --inspections 20000

PostgreSQL: ``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/ctpat_bench).
The run works in its own organisation and deletes its rows at the end (``--keep`` leaves
them). Times are wall-clock seconds; on a busy machine compare them with the CPU seconds.
"""

import argparse
import datetime
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_partners import use_database  # noqa: E402

TARGET_XLSX_S = 30
POINTS = 4
BATCH = 2_000


def build(count: int, seed: int):
    """The organisation and its inspections, points, seals, movements and VVTT, bulk-inserted."""
    from django.utils import timezone

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.inspections import services
    from openctpat.inspections.models import (
        Inspection,
        InspectionPoint,
        Seal,
        SealBatch,
        SealMovement,
        SealVerification,
    )
    from openctpat.partners.models import BusinessPartner
    from openctpat.profiles.models import Site

    rng = random.Random(seed)
    owner = User.objects.create_user(
        f"bench-{time.time_ns()}@example.test",
        "bench-pass-123",
        first_name="Ines",
        last_name="Inspector",
    )
    org = create_organisation(name=f"Bench Inspections {time.time_ns()}", owner=owner)
    template = services.templates_for(org).get(standard_key="container-7")
    points = list(template.points.order_by("position")[:POINTS])
    sites = [
        Site.objects.create(organisation=org, name=name, country="MX", site_type="warehouse")
        for name in ("Monterrey DC", "Laredo cross-dock", "Nuevo Laredo plant")
    ]
    partners = BusinessPartner.objects.bulk_create(
        BusinessPartner(
            organisation=org,
            legal_name=f"Transportes Bench {n} SA de CV",
            name_key=f"transportes bench {n}",
            partner_type="service_provider",
            country="MX",
        )
        for n in range(20)
    )
    now = timezone.now()
    year = 365 * 24 * 3600
    stamp = {"organisation": org, "created_by": owner, "updated_by": owner}

    started = time.perf_counter()
    inspections = []
    for n in range(count):
        at = now - datetime.timedelta(seconds=rng.randrange(60, year))
        failed = n % 20 == 7
        inspections.append(
            Inspection(
                **stamp,
                template=template,
                template_name=template.name,
                template_version=template.version,
                conveyance_type=template.conveyance_type,
                site=sites[n % len(sites)],
                inspected_at=at,
                inspector=owner,
                container_number=f"BNCU{n:07d}",
                truck_plate=f"{rng.randrange(100, 999)}-AB-{n % 100:02d}",
                driver_name=f"Driver {n % 500}",
                driver_id=f"LIC-{rng.randrange(10**6, 10**7)}",
                shipment_reference=f"SHP-{n:08d}",
                partner=partners[n % len(partners)],
                status="completed",
                result="fail" if failed else "pass",
                signature_name="Ines Inspector",
                signed_at=at + datetime.timedelta(minutes=12),
                supervisor_name="Sam Supervisor" if n % 3 == 0 else "",
            )
        )
    inspections = Inspection.objects.bulk_create(inspections, batch_size=BATCH)
    rows = []
    for inspection in inspections:
        for point in points:
            fail = inspection.result == "fail" and point.position == points[1].position
            rows.append(
                InspectionPoint(
                    **stamp,
                    inspection=inspection,
                    position=point.position,
                    section=point.section,
                    title=point.title,
                    result="fail" if fail else "pass",
                    note="Fresh welds and new rivets on the front wall" if fail else "",
                )
            )
    InspectionPoint.objects.bulk_create(rows, batch_size=BATCH)
    del rows

    sealed = [i for n, i in enumerate(inspections) if i.result == "pass" and n % 2 == 0]
    batch = SealBatch.objects.create(
        **stamp,
        manufacturer="TydenBrooks",
        seal_type="bolt",
        iso_class="H",
        certificate_reference="ISO 17712:2013 H cert 42",
        prefix="TB",
        first_number=1,
        last_number=len(sealed),
        digits=8,
        received_on=(now - datetime.timedelta(days=400)).date(),
        storage_location="Locked cabinet",
    )
    seals = Seal.objects.bulk_create(
        (
            Seal(
                **stamp,
                batch=batch,
                number=batch.number(n),
                sequence=n,
                state="applied",
                issued_to=owner,
                issued_at=i.inspected_at - datetime.timedelta(hours=1),
                inspection=i,
                applied_at=i.signed_at,
                container_number=i.container_number,
                shipment_reference=i.shipment_reference,
            )
            for n, i in enumerate(sealed, start=1)
        ),
        batch_size=BATCH,
    )
    movements = []
    for seal in seals:
        movements.append(
            SealMovement(
                **stamp,
                seal=seal,
                event="issue",
                from_state="in_stock",
                to_state="issued",
                at=seal.issued_at,
                by=owner,
                note=f"to {owner.email}",
            )
        )
        movements.append(
            SealMovement(
                **stamp,
                seal=seal,
                event="apply",
                from_state="issued",
                to_state="applied",
                at=seal.applied_at,
                by=owner,
                site=seal.inspection.site,
            )
        )
    SealMovement.objects.bulk_create(movements, batch_size=BATCH)
    SealVerification.objects.bulk_create(
        (
            SealVerification(
                **stamp,
                seal=seal,
                site=sites[0],
                verified_at=seal.applied_at + datetime.timedelta(hours=20),
                verified_by=owner,
                document_seal_number=seal.number,
                found_seal_number=seal.number,
                view_ok=True,
                tug_ok=True,
                twist_ok=True,
                number_matches=True,
                passed=True,
            )
            for seal in seals[::10]
        ),
        batch_size=BATCH,
    )
    built = time.perf_counter() - started
    print(
        f"built {len(inspections):,} inspections, {len(inspections) * POINTS:,} points, "
        f"{len(seals):,} seals, {len(movements):,} movements in {built:.1f} s"
    )
    return org, owner


def vacuum() -> None:
    from django.db import connection

    from openctpat.inspections import models

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (
                models.Inspection,
                models.InspectionPoint,
                models.Seal,
                models.SealMovement,
                models.SealVerification,
            ):
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                )


def pdf_range(dates: list[datetime.date], limit: int) -> tuple[datetime.date, datetime.date, int]:
    """The most recent whole days holding at most ``limit`` rows."""
    per_day: dict[datetime.date, int] = {}
    for day in dates:
        per_day[day] = per_day.get(day, 0) + 1
    end = max(per_day)
    start, total = end, 0
    day = end
    while day >= min(per_day):
        if total + per_day.get(day, 0) > limit:
            break
        total += per_day.get(day, 0)
        start = day
        day -= datetime.timedelta(days=1)
    return start, end, total


def timed(label: str, call):
    started, cpu = time.perf_counter(), time.process_time()
    data, name, _type = call()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:44} {seconds:7.2f} s  (CPU {cpu:6.2f} s)  {len(data) / 2**20:7.2f} MiB")
    return seconds


def cleanup(org) -> None:
    from django.db import connection

    from openctpat.accounts.models import Organisation
    from openctpat.core.models import AuditEntry
    from openctpat.inspections import models
    from openctpat.partners.models import BusinessPartner

    for model in (
        models.SealVerification,
        models.SealMovement,
        models.Seal,
        models.SealBatch,
        models.InspectionPoint,
        models.Inspection,
        BusinessPartner,
    ):
        model.objects.filter(organisation=org)._raw_delete(connection.alias)
    AuditEntry.objects.filter(organisation=org)._raw_delete(connection.alias)
    Organisation.objects.filter(pk=org.pk).delete()


def run(args) -> None:
    use_database(args.db)
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from openctpat.inspections import exports
    from openctpat.inspections.models import Inspection, SealMovement

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    org, owner = build(args.inspections, args.seed)
    try:
        vacuum()
        inspected = [
            timezone.localtime(at).date()
            for at in Inspection.objects.for_org(org).values_list("inspected_at", flat=True)
        ]
        first, last = min(inspected), max(inspected)
        print(f"exports {first} to {last}:")
        xlsx_s = timed(
            f"inspection log XLSX, {len(inspected):,} rows",
            lambda: exports.inspection_log(org, first, last, "xlsx", actor=owner),
        )
        events = SealMovement.objects.for_org(org).count()
        timed(
            f"seal log XLSX, {events:,} events",
            lambda: exports.seal_log(org, first, last, "xlsx", actor=owner),
        )
        limit = exports.PDF_MAX_ROWS
        start, end, rows = pdf_range(inspected, limit)
        timed(
            f"inspection log PDF, {rows:,} rows ({start} to {end})",
            lambda: exports.inspection_log(org, start, end, "pdf", actor=owner),
        )
        # A range ending on the last day holds every seal whose latest event is in it.
        latest = (
            SealMovement.objects.for_org(org)
            .values("seal_id")
            .annotate(latest=Max("at"))
            .values_list("latest", flat=True)
        )
        start, end, rows = pdf_range([timezone.localtime(at).date() for at in latest], limit)
        timed(
            f"seal log PDF, {rows:,} seals ({start} to {end})",
            lambda: exports.seal_log(org, start, end, "pdf", actor=owner),
        )
        verdict = "met" if xlsx_s < TARGET_XLSX_S else "MISSED"
        print(
            f"target: {len(inspected):,} inspections to XLSX in under {TARGET_XLSX_S} s: {verdict}"
        )
    finally:
        if not args.keep:
            cleanup(org)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the rows afterwards")
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):  # one process each: Django sets up one database
            options = ["--inspections", str(args.inspections), "--seed", str(args.seed)]
            options += ["--keep"] if args.keep else []
            subprocess.run([sys.executable, __file__, "--db", db, *options], check=True)
        return
    run(args)


if __name__ == "__main__":
    main()
