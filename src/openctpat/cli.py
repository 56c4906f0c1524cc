"""The ``ctpat`` command: a thin front over Django's management commands.

Every command runs production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise;
only ``ctpat demo`` (what ``make demo`` runs) uses the development settings and their
public keys.
"""

import argparse
import contextlib
import io
import os
import subprocess
import sys

PRODUCTION = "openctpat.settings.production"
DEVELOPMENT = "openctpat.settings.dev"
DEVELOPMENT_COMMANDS = {"demo"}


def settings_module(command: str) -> str:
    """The settings a command runs when ``DJANGO_SETTINGS_MODULE`` is not set."""
    return DEVELOPMENT if command in DEVELOPMENT_COMMANDS else PRODUCTION


def _django(command: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module(command))
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


@contextlib.contextmanager
def task_worker():
    """A background-task worker beside the demo server (large imports, rescreens), stopped
    with it."""
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "django", "db_worker", "--queue-name", "*", "--no-reload"],
        env={**os.environ},
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="ctpat", description="OpenCTPAT command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="Migrate, load demo data and serve the app.")
    demo.add_argument("--addr", default="127.0.0.1:8000")
    demo.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")
    org = sub.add_parser("createorg", help="Create an organisation and its owner.")
    org.add_argument("name")
    org.add_argument("--owner", required=True)
    org.add_argument("--password")
    org.add_argument("--entity-type", action="append", default=[])
    verify = sub.add_parser("verify-audit", help="Verify the audit trail's hash chains.")
    verify.add_argument("--org", type=int)
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="Also check against a checkpoint kept elsewhere (the audit page's download or "
        "the JSON block of a reminder email).",
    )
    audit = sub.add_parser("audit", help="The audit trail.")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="Verify each chain and save a signed checkpoint of its head."
    )
    checkpoint.add_argument("--org", type=int)
    serve = sub.add_parser("serve", help="Serve the app (development server).")
    serve.add_argument("--addr", default="127.0.0.1:8000")
    sub.add_parser("migrate", help="Apply database migrations.")
    catalog = sub.add_parser("catalog", help="The MSC catalog data files.")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    load = catalog_sub.add_parser("load", help="Load MSC files (the packaged ones by default).")
    load.add_argument("paths", nargs="*")
    sub.add_parser("reminders", help="Email the reminders that are due (run daily).")
    lists = sub.add_parser("lists", help="Restricted-party list files.")
    lists_sub = lists.add_subparsers(dest="lists_command", required=True)
    lists_load = lists_sub.add_parser("load", help="Load list files and rescreen partners.")
    lists_load.add_argument("paths", nargs="+")
    lists_load.add_argument("--no-rescreen", action="store_true")
    screen = sub.add_parser(
        "screen",
        help="Screen names against list files (no database); JSON lines on stdout.",
    )
    screen.add_argument("--list", dest="lists", action="append", required=True, metavar="FILE")
    screen.add_argument("--threshold", type=float)
    screen.add_argument("--top", type=int, default=5)
    screen.add_argument(
        "names",
        help="A text file with one name per line, or a CSV with a "
        "'name' column (and optionally 'country').",
    )
    manage = sub.add_parser("manage", help="Run any Django management command.")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)

    if ns.command == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module(ns.command))
        from django.core.management import execute_from_command_line

        execute_from_command_line(["ctpat manage", *ns.args])
        return 0
    if ns.command == "screen":
        from openctpat.screening.batch import run

        return run(ns.lists, ns.names, threshold=ns.threshold, top=ns.top)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError

    try:
        call_command = _django(ns.command)
    except ImproperlyConfigured as exc:
        print(f"ctpat: {exc}", file=sys.stderr)
        return 1
    try:
        if ns.command == "demo":
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_demo")
            if not ns.no_serve:
                # The server's own banner would push the sign-in details up: the address
                # is the last line instead (requests are still logged, on stderr).
                print(f"OpenCTPAT is at http://{ns.addr}/ (Ctrl-C stops it).", flush=True)
                with task_worker():
                    call_command("runserver", ns.addr, use_reloader=False, stdout=io.StringIO())
        elif ns.command == "createorg":
            call_command(
                "createorg",
                ns.name,
                owner=ns.owner,
                password=ns.password,
                entity_type=ns.entity_type,
            )
        elif ns.command == "verify-audit":
            call_command("verify_audit_chain", org=ns.org, checkpoint=ns.checkpoint)
        elif ns.command == "audit":
            call_command("audit_checkpoint", org=ns.org)
        elif ns.command == "serve":
            call_command("runserver", ns.addr, use_reloader=False)
        elif ns.command == "migrate":
            call_command("migrate", interactive=False)
        elif ns.command == "catalog":
            call_command("load_catalog", *ns.paths)
        elif ns.command == "reminders":
            call_command("send_reminders")
        elif ns.command == "lists":
            call_command("load_lists", *ns.paths, no_rescreen=ns.no_rescreen)
    except CommandError as exc:
        print(f"ctpat: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
