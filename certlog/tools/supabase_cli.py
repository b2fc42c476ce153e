"""The Supabase CLI (npm `supabase`, pinned in package.json), run for real against the server.

Every call gets --remote=<url> (TCP on 127.0.0.1, the run's password) and a scratch project
directory whose supabase/migrations is the directory under test, so the CLI reads exactly
the migrations the suite verifies and writes its own files (supabase/.temp) outside the
repository. `supabase test db` starts the pg_prove container through a Docker API.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from certlog.errors import CertlogError
from certlog.provision.janitor import Janitor
from certlog.provision.server import Server

VERSION = "3.1.0"  # package.json pins it; the evidence shows what actually ran
PG_PROVE_IMAGE = "public.ecr.aws/supabase/pg_prove:3.36"  # the image CLI 3.1.0 (as 2.x) runs for `supabase test db`
TIMEOUT = 300


class CliMissing(CertlogError):
    @classmethod
    def at(cls, executable: Path) -> CliMissing:
        return cls(f"the Supabase CLI is not installed at {executable}: run `npm ci` in the repository "
                   "(`make setup` does; it needs Node.js and npm: apt-get install nodejs npm), "
                   "or set CERTLOG_SUPABASE_CLI")


@dataclasses.dataclass(frozen=True)
class CliRun:
    command: str  # as run, with the password replaced by ***
    exit_code: int
    output: str  # stderr (the CLI's progress) then stdout (its result), as a terminal shows them; password replaced
    seconds: float
    stdout: str = ""  # the result alone (JSON with --output-format json)
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # CSV files it wrote: name -> text

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def json(self):
        """The JSON document a command printed with --output-format json."""
        start = self.stdout.find("{")
        return json.JSONDecoder().raw_decode(self.stdout[start:])[0] if start >= 0 else None

    def table(self, name: str) -> list[dict[str, str]]:
        """The rows of a CSV file the command wrote (`inspect report`)."""
        return list(csv.DictReader(io.StringIO(self.files[name])))


class SupabaseCli:
    def __init__(self, executable: Path, server: Server, scratch: Path) -> None:
        if not os.access(executable, os.X_OK):
            raise CliMissing.at(executable)
        self.executable = platform_binary(executable)
        self.server = server
        self.scratch = scratch
        self._running: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopped = False

    def stop(self) -> None:
        """End every command still running (each in a process group of its own), and start no more."""
        with self._lock:
            self._stopped = True
            running = list(self._running)
        for process in running:
            _end(process)

    def version(self) -> str:
        """What `supabase --version` says, or why it said nothing (a run with a broken CLI still reports)."""
        try:
            stat = self.executable.stat()
        except OSError as exc:
            return f"unknown ({type(exc).__name__})"
        return _version(str(self.executable), stat.st_mtime_ns, stat.st_size)

    def _remote(self, dbname: str) -> str:
        """The target database: 3.x takes it as --remote=<url> (--db-url is deprecated, to be removed in v4)."""
        return f"--remote={self.server.tcp_url(dbname)}"

    def db_push(self, dbname: str, migrations: Path) -> CliRun:
        """`supabase db push`: the CLI's own statement splitter, one transaction per file, history recorded."""
        return self._run(["db", "push", self._remote(dbname)], migrations=migrations)

    def test_db(self, dbname: str, tests: Path, docker_env: dict[str, str]) -> CliRun:
        """`supabase test db`: pgTAP created if missing, then pg_prove --ext .pg --ext .sql -r in a container."""
        return self._run(["test", "db", self._remote(dbname), str(tests)], env=docker_env)

    def db_lint(self, dbname: str, level: str = "warning") -> CliRun:
        """`supabase db lint`: plpgsql_check over every function of the public schema."""
        return self._run(["db", "lint", self._remote(dbname), "--level", level,
                          "--fail-on", level, "--schema", "public", "--output-format", "json"])

    def db_advisors(self, dbname: str, exposed_schemas: list[str]) -> CliRun:
        """`supabase db advisors`: Supabase's own linter (splinter), security and performance, every level, as JSON.
        The CLI tells its lint session which schemas the API exposes (pgrst.db_schemas) from the project's
        `[api] schemas`: the scratch project's config names `exposed_schemas` (none given: the CLI's default).
        It exits 0 whatever it finds (`--fail-on none`): the suite judges the lints (certlog.model.advisors)."""
        config = f"[api]\nschemas = {json.dumps(exposed_schemas)}\n" if exposed_schemas else None
        return self._run(["db", "advisors", self._remote(dbname), "--type", "all", "--level", "info",
                          "--fail-on", "none", "--output-format", "json"], config=config)

    def inspect_report(self, dbname: str) -> CliRun:
        """`supabase inspect report`: every `inspect db` report (index-stats, table-stats, outliers, ...) as a CSV
        file, in one run (kept in `files`), and the CLI's verdict on its rules."""
        with tempfile.TemporaryDirectory(dir=self.scratch, prefix="inspect-") as out:
            run = self._run(["inspect", "report", self._remote(dbname), "--output-dir", out])
            files = {path.name: path.read_text() for path in sorted(Path(out).glob("*/*.csv"))}
        return dataclasses.replace(run, files=files)

    def _run(self, args: list[str], *, migrations: Path | None = None, env: dict[str, str] | None = None,
             config: str | None = None) -> CliRun:
        with tempfile.TemporaryDirectory(dir=self.scratch, prefix="project-") as project:
            supabase = Path(project, "supabase")
            supabase.mkdir()
            if config is not None:
                (supabase / "config.toml").write_text(config)
            if migrations is not None:
                (supabase / "migrations").symlink_to(migrations.resolve(), target_is_directory=True)
            argv = [str(self.executable), *args, "--workdir", project, "--yes"]
            started = time.perf_counter()
            with self._lock:
                if self._stopped:
                    raise CliStopped(f"not run (the session is ending): supabase {' '.join(args[:2])}")
                process = subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                    start_new_session=True,  # ended as a group by stop(), whichever thread runs it
                    env={**os.environ, "DO_NOT_TRACK": "1", "SUPABASE_TELEMETRY_DISABLED": "1", **(env or {})})
                self._running.add(process)
            ended_if_the_run_dies = Janitor.get().register("kill", pid=process.pid)  # SIGTERM: it cleans up
            try:
                stdout, stderr = process.communicate(timeout=TIMEOUT)
                code, output = process.returncode, stderr + stdout
            except subprocess.TimeoutExpired:
                _end(process)
                stdout, stderr = process.communicate()
                code, output = -1, f"timed out after {TIMEOUT} s\n{stderr}{stdout}"
            finally:
                with self._lock:
                    self._running.discard(process)
                if process.poll() is None:  # interrupted while waiting for it
                    _end(process)
                Janitor.get().done(ended_if_the_run_dies)
            seconds = time.perf_counter() - started
        command = "supabase " + " ".join(args)
        redact = self.server.redact
        return CliRun(redact(command), code, redact(output), seconds, redact(stdout))


NPM_LAUNCHER = Path("supabase", "dist", "supabase.js")  # what node_modules/.bin/supabase links to
PLATFORM_PACKAGES = {"x86_64": ("cli-linux-x64", "cli-linux-x64-musl"),
                     "aarch64": ("cli-linux-arm64", "cli-linux-arm64-musl")}


def platform_binary(executable: Path) -> Path:
    """The npm package's launcher is a Node.js script that only starts the CLI binary of its platform package
    (@supabase/cli-<platform>/bin/supabase) and passes its signals on: that binary is run directly (a Node.js
    start less per command). Any other executable is run as it is."""
    launcher = Path(os.path.normpath(executable.parent / os.readlink(executable))) if executable.is_symlink() \
        else executable  # named through node_modules as the user named it, not through the cache it links to
    if launcher.parts[-3:] != NPM_LAUNCHER.parts or sys.platform != "linux":
        return executable
    modules = launcher.parents[2]
    for package in PLATFORM_PACKAGES.get(os.uname().machine, ()):
        binary = modules / "@supabase" / package / "bin" / "supabase"
        if os.access(binary, os.X_OK):
            return binary
    return executable


@functools.cache
def _version(executable: str, _mtime_ns: int, _size: int) -> str:
    """Asked once per executable (as it is on disk) per process: the mutation runs' sessions share it."""
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({type(exc).__name__})"
    lines = out.stdout.strip().splitlines()
    return lines[0] if out.returncode == 0 and lines else f"unknown (--version exited {out.returncode})"


class CliStopped(CertlogError):
    pass


def _end(process: subprocess.Popen) -> None:
    """SIGTERM to the command's process group (the CLI removes the containers it started), SIGKILL if it lingers."""
    for signum, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
