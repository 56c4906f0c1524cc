"""The import contracts hold, and a violation of them fails the lint (``make lint``)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "data", "static", "templates")
    shutil.copytree(ROOT / "src" / "openctpat", src / "openctpat", ignore=ignore)
    return src


def test_the_tree_keeps_every_contract(tmp_path):
    result = lint(copy_of_the_source(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_a_domain_app_breaks_the_lint(tmp_path):
    src = copy_of_the_source(tmp_path)
    (src / "openctpat" / "core" / "probe.py").write_text("from openctpat.partners import models\n")
    result = lint(src)
    assert result.returncode != 0
    assert "Apps import down the layers BROKEN" in result.stdout
    assert "core and accounts import no domain app BROKEN" in result.stdout
    assert "openctpat.core.probe -> openctpat.partners" in result.stdout


def test_a_pure_module_importing_django_breaks_the_lint(tmp_path):
    src = copy_of_the_source(tmp_path)
    scoring = src / "openctpat" / "risk" / "scoring.py"
    scoring.write_text("from django.utils import timezone  # noqa\n" + scoring.read_text())
    result = lint(src)
    assert result.returncode != 0
    assert "Pure modules import no Django BROKEN" in result.stdout
