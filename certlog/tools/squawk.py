"""Static checks the evidence shows beside the tests: squawk on the migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from certlog.model.evidence import StaticCheck
from certlog.paths import ROOT, migration_files


def squawk(directory: Path) -> StaticCheck:
    tool = f"squawk on {directory.name}/*.sql (rule exclusions justified in .squawk.toml)"
    executable = shutil.which("squawk") or shutil.which("squawk", path=str(Path(sys.executable).parent))
    if not executable:
        return StaticCheck(tool=tool, ok=False, output="squawk not found: pip install squawk-cli "
                                                         "(pinned in pyproject.toml, extra `lint`)")
    out = subprocess.run([executable, *map(str, migration_files(directory))], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    return StaticCheck(tool=tool, ok=out.returncode == 0, output=(out.stdout + out.stderr).strip())


def run_all(migrations: Path) -> list[StaticCheck]:
    return [squawk(migrations)]
