"""Static checks the evidence report shows: squawk on the migrations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from certlog.paths import ROOT


@dataclass(frozen=True)
class LintResult:
    name: str
    ok: bool
    output: str


def squawk(directory: Path) -> LintResult:
    name = "squawk on supabase/migrations (config: .squawk.toml)"
    executable = shutil.which("squawk") or shutil.which("squawk", path=str(Path(sys.executable).parent))
    if not executable:
        return LintResult(name, False, "squawk not found: pip install squawk-cli (pinned in pyproject [lint])")
    files = sorted(str(p) for p in directory.glob("*.sql"))
    out = subprocess.run([executable, *files], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "NO_COLOR": "1"})
    return LintResult(name, out.returncode == 0, (out.stdout + out.stderr).strip())


def run_all(migrations: Path) -> list[LintResult]:
    return [squawk(migrations)]
