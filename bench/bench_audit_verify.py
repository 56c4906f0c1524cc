"""Time verifying one organisation's audit chain, and checkpointing it, at 100,000 entries.

Builds the chain with bulk inserts (hash and signature computed as ``audit.record`` does),
then prints the seconds for: a full verification (every SHA-256 hash, every HMAC, every
stored checkpoint), the first checkpoint (which verifies the whole chain), and a daily
checkpoint after 1,000 more entries (which verifies only what is new).

    .venv/bin/python bench/bench_audit_verify.py [--entries 100000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ctpat_bench .venv/bin/python bench/...
"""

import argparse
import time

from bench_profile_exports import setup_django


def build(org, start: int, count: int, prev_hash: str) -> str:
    from django.utils import timezone

    from openctpat.core import checkpoints
    from openctpat.core.models import AuditEntry

    batch = []
    for seq in range(start, start + count):
        entry = AuditEntry(
            chain=f"org:{org.pk}",
            seq=seq,
            timestamp=timezone.now(),
            organisation_id=org.pk,
            actor_label="bench@example.test",
            action="update",
            object_type="partners.businesspartner",
            object_id=str(seq),
            object_repr=f"Partner {seq}",
            changes={"notes": ["", f"Reviewed {seq}"]},
            via="web",
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.mac = checkpoints.entry_mac(entry.hash)
        prev_hash = entry.hash
        batch.append(entry)
        if len(batch) == 5000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    return prev_hash


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.core import audit
    from openctpat.core.models import AuditEntry

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    owner = User.objects.create_user(f"bench-{time.time_ns()}@example.test", "bench-pass-123")
    org = create_organisation(name=f"Bench Audit {time.time_ns()}", owner=owner)
    chain = audit.chain_name(org.pk)
    head = AuditEntry.objects.get(chain=chain).hash
    head = timed(f"build {args.entries:,} entries", lambda: build(org, 2, args.entries - 1, head))
    report = timed("verify the whole chain", lambda: audit.verify_chain(chain))
    assert report.intact, report.reason
    first = timed("first checkpoint (verifies everything)", lambda: audit.write_checkpoint(chain))
    build(org, args.entries + 1, 1000, head)
    daily = timed("next checkpoint, 1,000 entries later", lambda: audit.write_checkpoint(chain))
    print(f"checkpoints at entries {first.seq:,} and {daily.seq:,}")
    report = timed("verify again (with the two checkpoints)", lambda: audit.verify_chain(chain))
    assert report.intact and report.last_checkpoint.seq == daily.seq


if __name__ == "__main__":
    main()
