"""The package's layers are enforced by import-linter, not by review: the contract in pyproject.toml holds for
the package as it is, and fails on an import that points up and on the layers read in reverse."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certlog.paths import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture
def copy(tmp_path):
    """The package and pyproject.toml, copied: what lint-imports reads, free to be broken."""
    shutil.copytree(ROOT / "certlog", tmp_path / "certlog", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} is missing: import-linter is pinned in pyproject's extra `lint`", pytrace=False)
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)})


def test_the_package_keeps_its_layers(copy):
    out = lint_imports(copy)
    assert out.returncode == 0 and "1 kept, 0 broken" in out.stdout, out.stdout + out.stderr


def test_an_import_that_points_up_breaks_the_contract(copy):
    keys = copy / "certlog" / "model" / "keys.py"
    keys.write_text(keys.read_text() + "\nfrom certlog.runners import gate  # noqa: E402,F401\n")
    out = lint_imports(copy)
    assert out.returncode == 1, out.stdout
    assert "certlog.model is not allowed to import certlog.runners" in out.stdout, out.stdout


def test_the_layers_read_in_reverse_break_the_contract(copy):
    pyproject = copy / "pyproject.toml"
    text = pyproject.read_text()
    listed = re.search(r"layers = \[\n(.*?)\n\]", text, re.DOTALL)
    reversed_layers = "\n".join(reversed(listed.group(1).splitlines()))
    pyproject.write_text(text.replace(listed.group(1), reversed_layers))
    out = lint_imports(copy)
    assert out.returncode == 1 and "BROKEN" in out.stdout, out.stdout
