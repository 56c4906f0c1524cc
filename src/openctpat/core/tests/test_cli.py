import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from openctpat.accounts.models import Membership, Organisation
from openctpat.cli import main
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role

PY = sys.executable


@pytest.mark.django_db
class TestCli:
    def test_createorg_and_verify(self, capsys):
        code = main(
            ["createorg", "Delta Brokers", "--owner", "pcso@delta.test", "--password", "x" * 16,
             "--entity-type", "customs_broker"]
        )  # fmt: skip
        assert code == 0
        org = Organisation.objects.get(name="Delta Brokers")
        assert org.entity_types == ["customs_broker"]
        membership = Membership.objects.get(organisation=org)
        assert membership.role == Role.OWNER and membership.user.email == "pcso@delta.test"
        assert AuditEntry.objects.for_org(org).get().via == "cli"
        assert main(["verify-audit"]) == 0
        assert "Audit trail intact." in capsys.readouterr().out

    def test_createorg_new_owner_needs_password(self, capsys):
        assert main(["createorg", "Echo", "--owner", "new@echo.test"]) == 1
        assert "--password" in capsys.readouterr().err

    def test_demo_setup_without_serving(self, capsys):
        assert main(["demo", "--no-serve"]) == 0
        out = capsys.readouterr().out
        assert "pcso@demo.openctpat.org" in out and "auditor@demo.openctpat.org" in out
        assert "auditor@demo.openctpat.org" in out.rstrip().splitlines()[-1]  # logins last
        importer = Organisation.objects.get(name="Acme Imports Inc.")
        roles = set(Membership.objects.for_org(importer).values_list("role", flat=True))
        assert roles == set(Role.values)
        from openctpat.profiles.models import SecurityProfile
        from openctpat.risk.models import Assessment
        from openctpat.risk.services import readiness

        profile = SecurityProfile.objects.for_org(importer).get(entity_type="importer")
        assert profile.answers.exclude(status="not_started").count() > 50
        (assessment,) = Assessment.objects.for_org(importer)
        assert assessment.is_frozen and readiness(assessment).ready
        countries = set(assessment.threats.values_list("country", flat=True))
        assert assessment.lanes.count() >= 3 and len(countries) >= 4
        from openctpat.partners.models import BusinessPartner, Questionnaire

        toys = BusinessPartner.objects.for_org(importer).get(legal_name="Shenzhen Bright Toys Co.")
        assert toys.lane_nodes.exists() and toys.actions.exists()
        assert BusinessPartner.objects.for_org(importer).count() >= 1000  # the shipped file
        assert Questionnaire.objects.for_org(importer).filter(status="reviewed").exists()
        assert "/partner-link/" in out
        from openctpat.screening.models import Alert, ListVersion

        assert ListVersion.objects.filter(active=True).count() == 2
        assert Alert.objects.for_org(importer).filter(entry_id="15120").exists()
        self.check_inspections(importer)
        assert main(["demo", "--no-serve"]) == 0  # idempotent
        assert Organisation.objects.filter(name="Acme Imports Inc.").count() == 1
        assert Assessment.objects.for_org(importer).count() == 1
        from openctpat.inspections.models import Inspection

        assert Inspection.objects.for_org(importer).count() == 40
        assert main(["verify-audit"]) == 0

    def check_inspections(self, org):
        import datetime

        from django.utils import timezone

        from openctpat.inspections import services as inspection_services
        from openctpat.inspections.models import (
            ChecklistTemplate,
            Incident,
            Inspection,
            Seal,
            SealAudit,
            SealBatch,
        )

        now = timezone.now()
        assert ChecklistTemplate.objects.for_org(org).count() == 5
        inspections = Inspection.objects.for_org(org)
        assert inspections.count() == 40 and not inspections.filter(status="in_progress")
        oldest = min(inspections.values_list("inspected_at", flat=True))
        assert now - datetime.timedelta(days=61) < oldest < now - datetime.timedelta(days=58)
        failed = inspections.filter(result="fail")
        assert failed.count() == 2 and not failed.filter(seals__isnull=False).exists()
        assert all(i.points.filter(result="fail").exclude(note="").exists() for i in failed)
        passed = inspections.filter(result="pass")
        assert passed.count() == 38 and not passed.filter(seals__isnull=True).exists()
        batches = SealBatch.objects.for_org(org)
        assert batches.count() == 2
        assert batches.filter(iso_class="H").exclude(certificate_reference="").count() == 1
        seals = Seal.objects.for_org(org)
        assert seals.filter(state="verified").count() > 30
        assert seals.filter(state="lost").exclude(reason="").count() == 1
        (issued,) = seals.filter(state="issued")
        assert (now - issued.issued_at).days == 10
        (incident,) = Incident.objects.for_org(org)
        assert incident.incident_type == "seal_discrepancy" and incident.cbp_reported_at
        assert incident.seal.verifications.get().passed is False
        assert incident.actions.get().risk_action is not None
        (count,) = SealAudit.objects.for_org(org)
        assert count.is_signed_off and (timezone.localdate() - count.audited_on).days == 80
        report = inspection_services.reconciliation_report(org)
        assert [u["number"] for u in report.unaccounted] == [seals.get(state="lost").number]
        assert [s["number"] for s in report.issued_unapplied] == [issued.number]
        assert report.gaps == []


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openctpat.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CTPAT_AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "ctpat.example.com",
        "CTPAT_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this same run
    result = _run(env, PY, "-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openctpat.settings.production",
        "SECRET_KEY": "short",
        "CTPAT_DATA_DIR": str(tmp_path),
    }
    result = _run(env, PY, "-m", "django", "check")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


UNSET = "DJANGO_SETTINGS_MODULE SECRET_KEY CTPAT_AUDIT_KEY DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE"


def _without_settings(tmp_path, **extra) -> dict:
    """The environment of a server or shell that was given no settings module and no keys."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET.split()}
    return {**env, "CTPAT_DATA_DIR": str(tmp_path), **extra}


def _run(env, *command):
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("entry_point", ["openctpat.wsgi", "openctpat.asgi"])
def test_a_server_without_settings_runs_production_and_needs_keys(tmp_path, entry_point):
    refused = _run(_without_settings(tmp_path), PY, "-c", f"import {entry_point}")
    assert refused.returncode != 0 and "Set SECRET_KEY" in refused.stderr
    env = _without_settings(tmp_path, SECRET_KEY=secrets.token_urlsafe(64))
    no_audit_key = _run(env, PY, "-c", f"import {entry_point}")
    assert no_audit_key.returncode != 0 and "CTPAT_AUDIT_KEY" in no_audit_key.stderr
    keys = {"SECRET_KEY": secrets.token_urlsafe(64), "CTPAT_AUDIT_KEY": secrets.token_urlsafe(48)}
    code = (
        f"import {entry_point}; from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.SESSION_COOKIE_SECURE)"
    )
    started = _run(_without_settings(tmp_path, **keys), PY, "-c", code)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["openctpat.settings.production", "True"]


def test_production_refuses_the_secret_key_as_audit_key(tmp_path):
    key = secrets.token_urlsafe(64)
    env = _without_settings(tmp_path, SECRET_KEY=key, CTPAT_AUDIT_KEY=key)
    result = _run(env, PY, "-c", "import openctpat.wsgi")
    assert result.returncode != 0 and "different from SECRET_KEY" in result.stderr


def test_ctpat_runs_production_except_the_demo(tmp_path):
    from openctpat import cli

    assert cli.settings_module("demo") == "openctpat.settings.dev"
    commands = ("serve", "migrate", "verify-audit", "audit", "reminders", "manage", "createorg")
    for command in commands:
        assert cli.settings_module(command) == "openctpat.settings.production"
    env = _without_settings(tmp_path)
    result = _run(env, str(Path(PY).with_name("ctpat")), "verify-audit")
    assert result.returncode == 1 and result.stderr.startswith("ctpat: Set SECRET_KEY")
    manage = _run(env, PY, str(Path(__file__).parents[4] / "manage.py"), "check")
    assert manage.returncode != 0 and "Set SECRET_KEY" in manage.stderr


def test_the_demo_runs_a_task_worker_beside_the_server(monkeypatch):
    """``ctpat demo`` serves with a background worker, stopped when the server stops."""
    from openctpat import cli

    started = []

    class Worker:
        def __init__(self, args, env):
            started.append(args)
            self.stopped = False

        def terminate(self):
            self.stopped = True

        def wait(self, timeout):
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", Worker)
    with cli.task_worker() as worker:
        assert not worker.stopped
    assert worker.stopped
    assert started[0][-4:] == ["db_worker", "--queue-name", "*", "--no-reload"]


def test_the_demo_prints_its_address_last_and_writes_its_mail_to_files(monkeypatch, capsys):
    """What ``make demo`` leaves on screen is the sign-in details and the address: demo mail
    goes to files under var/, and the development server's banner is not printed."""
    import contextlib

    from openctpat import cli
    from openctpat.settings import dev

    assert dev.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert dev.EMAIL_FILE_PATH == dev.DATA_DIR / "mail"

    def call_command(name, *args, **options):
        if name == "load_demo":
            print("Sign in with: pcso@demo.openctpat.org")
        elif name == "runserver":  # Django's commands write to the stdout they are given
            (options.get("stdout") or sys.stdout).write("Starting development server\n")

    monkeypatch.setattr(cli, "_django", lambda command: call_command)
    monkeypatch.setattr(cli, "task_worker", contextlib.nullcontext)
    assert cli.main(["demo", "--addr", "127.0.0.1:8123"]) == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert lines[-2:] == [
        "Sign in with: pcso@demo.openctpat.org",
        "OpenCTPAT is at http://127.0.0.1:8123/ (Ctrl-C stops it).",
    ]
