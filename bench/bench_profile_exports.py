"""Time the validator exports of a full importer profile.

Every criterion answered with a narrative, 200 evidence files linked (each answer has two
or three). Prints the seconds each export takes and the output size.

    .venv/bin/python bench/bench_profile_exports.py            # SQLite in a temp dir
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/...
"""

import os
import sys
import tempfile
import time
from pathlib import Path

EVIDENCE_FILES = 200


def setup_django():
    tmp = Path(tempfile.mkdtemp(prefix="ctpat-bench-"))
    os.environ.setdefault("CTPAT_DATA_DIR", str(tmp))
    os.environ.setdefault("MEDIA_ROOT", str(tmp / "media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openctpat.settings.dev")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_profile():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.profiles import services

    owner = User.objects.create_user(f"bench-{time.time_ns()}@example.test", "bench-pass-123")
    org = create_organisation(
        name=f"Bench Imports {time.time_ns()}", owner=owner, entity_types=["importer"]
    )
    profile = services.create_profile(org, owner, entity_type="importer")
    documents = [
        services.upload_evidence(
            org,
            owner,
            SimpleUploadedFile(f"doc-{i}.txt", f"Evidence document {i}\n".encode() * 50),
            title=f"Evidence document {i:03d}",
        )
        for i in range(EVIDENCE_FILES)
    ]
    answers = list(profile.answers.select_related("criterion"))
    for answer in answers:
        services.update_answer(
            org,
            owner,
            answer,
            status="meets",
            narrative=(f"How we meet {answer.criterion.criterion_id}: {answer.criterion.guidance} ")
            * 3,
        )
    # Spread the 200 documents over the answers so every one is linked at least once.
    for i, document in enumerate(documents):
        answer = answers[i % len(answers)]
        answer.evidence.add(document)
    return profile, len(answers)


def timed(label, build, profile):
    start = time.perf_counter()
    data = build(profile)
    seconds = time.perf_counter() - start
    print(f"{label:5} {seconds:6.2f} s  {len(data) / 1024:8.0f} KiB")
    return seconds


def main():
    setup_django()
    from django.db import connection

    from openctpat.profiles import exports

    started = time.perf_counter()
    profile, criteria = build_profile()
    links = profile.answers.filter(evidence__isnull=False).count()
    print(
        f"database: {connection.vendor}; profile with {criteria} criteria answered, "
        f"{EVIDENCE_FILES} evidence files, {links} evidence links "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    for _ in range(2):  # the second run shows the steady state (templates and fonts cached)
        pdf = timed("PDF", exports.build_pdf, profile)
        xlsx = timed("XLSX", exports.build_xlsx, profile)
    print(f"both exports: {pdf + xlsx:.2f} s (target: under 10 s)")


if __name__ == "__main__":
    main()
