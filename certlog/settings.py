"""Every CERTLOG_* setting: declared once here, read once, validated before anything starts.

The README's settings table is generated from SETTINGS (and checked against it by a test).
A malformed value, a setting that the chosen backend would not use, or an unknown CERTLOG_*
name is a UsageError: one line, exit code 2, nothing started.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from certlog.errors import ExecutableMissing, UsageError
from certlog.paths import ROOT, TABLE_MIGRATION

BACKENDS = ("auto", "embedded", "container", "external")
PRIVILEGE_MODES = ("legacy", "revoked")
MINIMUM_MAJOR = 15  # the task's PostgreSQL
TASK_ROWS = 50_000  # the task's scale: "batch checks across up to 50 000 rows"
MIN_SEED_ROWS = 1_000
SHORT_NIGHTS = 40  # the simulation's stretch where the year itself is not what is verified
MIN_BENCH_ROWS = 2_000  # a benchmark batch replays 1 000 seeded rows and adds 1 000 new ones


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting("CERTLOG_BACKEND", "auto", "`embedded` (local binaries), `container` (Testcontainers), `external`, "
            "or `auto`: external if CERTLOG_DATABASE_URL is set, else embedded, else a reachable Docker API"),
    Setting("CERTLOG_DATABASE_URL", "", "superuser connection string of an existing server (`external` backend)"),
    Setting("CERTLOG_PG_MAJOR", "15", "major version of the server (15 or newer)"),
    Setting("CERTLOG_PG_BINDIR", "", "directory of the local server binaries (`embedded`; default "
            "`/usr/lib/postgresql/<major>/bin`)"),
    Setting("CERTLOG_SERVER_DIR", "", "where the `embedded` server's throwaway cluster is made (default `/dev/shm`, "
            "in memory, when it is writable with 2 GiB free, else the system temp dir)"),
    Setting("CERTLOG_IMAGE", "postgres:15", "image of the `container` backend"),
    Setting("CERTLOG_IMAGE_PGTAP", "", "`present` when the image already ships pgTAP (`container`)"),
    Setting("CERTLOG_MIGRATIONS_DIR", "supabase/migrations", "migrations to verify (the mutation tests point it "
            "at a broken copy)"),
    Setting("CERTLOG_SEED_ROWS", "50000", f"log rows seeded (at least {MIN_SEED_ROWS:,}; the requirements about "
            f"scale need {TASK_ROWS:,})"),
    Setting("CERTLOG_SEED", "20261125", "seed of the synthetic data"),
    Setting("CERTLOG_BENCH_SCALES", "50000", f"comma-separated table sizes for the benchmarks (each at least "
            f"{MIN_BENCH_ROWS:,})"),
    Setting("CERTLOG_REPORT_DIR", "reports", "where evidence, results, JUnit XML and benchmark tables go"),
    Setting("CERTLOG_SUPABASE_CLI", "node_modules/.bin/supabase", "the Supabase CLI (installed by `npm ci`)"),
    Setting("CERTLOG_DENO", "node_modules/.bin/deno", "Deno, the Edge Functions' runtime (installed by `npm ci`)"),
    Setting("CERTLOG_CACHE", "~/.cache/certlog", "where `make setup` keeps, per machine, the npm packages (one entry "
            "per package-lock.json), tox itself (one per set of pins) and tox's environments (one set per uv.lock "
            "and tox.ini)"),
    Setting("CERTLOG_NIGHTS", "365", "nights of the cron-run simulation, from 2024-01-01; the sessions that verify "
            f"another backend or major, or a mutant, run {SHORT_NIGHTS} unless this is set (`certlog simulate` takes "
            "more or fewer)"),
)
KNOWN = {s.name for s in SETTINGS}
DEFAULTS = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    backend: str = "auto"
    database_url: str | None = None
    pg_major: int = 15
    pg_bindir: Path | None = None
    server_dir: Path | None = None  # None: memory, else the system temp dir (tempdirs.server_root)
    image: str = "postgres:15"
    image_has_pgtap: bool = False
    migrations_dir: Path = ROOT / "supabase" / "migrations"
    seed_rows: int = TASK_ROWS
    seed: int = 20261125
    bench_scales: tuple[int, ...] = (TASK_ROWS,)
    report_dir: Path = ROOT / "reports"
    supabase_cli: Path = ROOT / "node_modules" / ".bin" / "supabase"
    deno: Path = ROOT / "node_modules" / ".bin" / "deno"
    nights: int = 365
    given: frozenset[str] = field(default_factory=frozenset)  # the settings the user set explicitly

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        given = {k: v for k, v in env.items() if k.startswith("CERTLOG_") and v != ""}
        for name in given:
            if name not in KNOWN:
                close = difflib.get_close_matches(name, KNOWN, n=1)
                raise UsageError(f"unknown setting {name}" + (f"; did you mean {close[0]}?" if close else "")
                                 + " (README: Settings)")
        raw = {**DEFAULTS, **given}
        backend = raw["CERTLOG_BACKEND"]
        if backend not in BACKENDS:
            raise UsageError(f"CERTLOG_BACKEND={backend!r}: choose one of {', '.join(BACKENDS)}")
        database_url = raw["CERTLOG_DATABASE_URL"] or None
        if backend == "external" and not database_url:
            raise UsageError("CERTLOG_BACKEND=external needs CERTLOG_DATABASE_URL (a superuser connection string)")
        if database_url and backend in ("embedded", "container"):
            raise UsageError(f"CERTLOG_DATABASE_URL is set but CERTLOG_BACKEND={backend} would not use it; "
                             "unset one of them")
        if database_url:
            _check_url(database_url)
        pg_major = _int(raw, "CERTLOG_PG_MAJOR", minimum=MINIMUM_MAJOR)
        pg_bindir = _path(raw["CERTLOG_PG_BINDIR"]) if raw["CERTLOG_PG_BINDIR"] else None
        embedded_only = [n for n in ("CERTLOG_PG_BINDIR", "CERTLOG_SERVER_DIR") if n in given]
        if embedded_only and (backend in ("container", "external") or (backend == "auto" and database_url)):
            raise UsageError(f"{embedded_only[0]} is set but the backend is not embedded; unset it or set "
                             "CERTLOG_BACKEND=embedded")
        if pg_bindir is not None and not (pg_bindir / "postgres").is_file():
            raise UsageError(f"CERTLOG_PG_BINDIR={raw['CERTLOG_PG_BINDIR']}: no postgres executable there")
        server_dir = _server_dir(raw["CERTLOG_SERVER_DIR"]) if "CERTLOG_SERVER_DIR" in given else None
        container_only = [n for n in ("CERTLOG_IMAGE", "CERTLOG_IMAGE_PGTAP") if n in given]
        if container_only and backend != "container":
            raise UsageError(f"{container_only[0]} is set but CERTLOG_BACKEND={backend}; it only applies to "
                             "CERTLOG_BACKEND=container")
        pgtap = raw["CERTLOG_IMAGE_PGTAP"]
        if pgtap not in ("", "present"):
            raise UsageError(f"CERTLOG_IMAGE_PGTAP={pgtap!r}: the only value is 'present' (or leave it unset)")
        seed_rows = _int(raw, "CERTLOG_SEED_ROWS", minimum=MIN_SEED_ROWS)
        for name in ("CERTLOG_SUPABASE_CLI", "CERTLOG_DENO"):
            if name in given:
                _tool(name, given[name])
        return cls(
            backend=backend,
            database_url=database_url,
            pg_major=pg_major,
            pg_bindir=pg_bindir,
            server_dir=server_dir,
            image=raw["CERTLOG_IMAGE"],
            image_has_pgtap=pgtap == "present",
            migrations_dir=_migrations_dir(raw["CERTLOG_MIGRATIONS_DIR"], given),
            seed_rows=seed_rows,
            seed=_int(raw, "CERTLOG_SEED", minimum=0),
            bench_scales=_scales(raw["CERTLOG_BENCH_SCALES"]),
            report_dir=_path(raw["CERTLOG_REPORT_DIR"], base=None if "CERTLOG_REPORT_DIR" in given else ROOT),
            supabase_cli=_path(raw["CERTLOG_SUPABASE_CLI"], base=None if "CERTLOG_SUPABASE_CLI" in given else ROOT),
            deno=_path(raw["CERTLOG_DENO"], base=None if "CERTLOG_DENO" in given else ROOT),
            nights=_int(raw, "CERTLOG_NIGHTS", minimum=1),
            given=frozenset(given),
        )

    def shorter_year(self) -> Settings:
        """These settings for a session that verifies something else than the year (another backend or major, a
        mutant): a shorter stretch of nights, unless CERTLOG_NIGHTS was given."""
        return self if "CERTLOG_NIGHTS" in self.given else dataclasses.replace(self, nights=SHORT_NIGHTS)

    def environment(self) -> dict[str, str]:
        """These settings as CERTLOG_* variables, for a child process that must see exactly them."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")}
        env.update({name: os.environ[name] for name in self.given if name in os.environ})
        return env


VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")


def _tool(name: str, value: str) -> None:
    """A tool the user named must be there and answer --version with a version: one line naming the setting, else
    (no executable there: a usage error; an executable that is not the tool: exit 3)."""
    path = _path(value)
    if not os.access(path, os.X_OK):
        raise UsageError(f"{name}={value}: no executable there")
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
        said, code = (out.stdout + out.stderr).strip(), out.returncode
    except (OSError, subprocess.TimeoutExpired) as exc:
        said, code = str(exc), -1
    if code != 0 or not VERSION.search(said):
        raise ExecutableMissing(f"{name}={value}: it does not answer --version with a version (exit {code}"
                                + (f": {said.splitlines()[0][:120]}" if said else ", nothing said") + ")")


def _path(value: str, *, base: Path | None = None) -> Path:
    """A path as given; a relative one from the current directory (or from `base` for a default)."""
    path = Path(value).expanduser()  # made absolute, not resolved: a link (node_modules) is named as it is
    return path if path.is_absolute() else Path(os.path.abspath((base or Path.cwd()) / path))


def _int(raw: dict[str, str], name: str, *, minimum: int) -> int:
    value = raw[name]
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise UsageError(f"{name}={number} is below the minimum of {minimum:,}")
    return number


def _scales(value: str) -> tuple[int, ...]:
    parts = [p.strip() for p in value.split(",")]
    scales = []
    for part in parts:
        try:
            scales.append(int(part.replace("_", "")))
        except ValueError:
            raise UsageError(f"CERTLOG_BENCH_SCALES={value!r}: {part!r} is not a row count "
                             "(expected comma-separated numbers, e.g. 50000,500000)") from None
    low = min(scales)
    if low < MIN_BENCH_ROWS:
        raise UsageError(f"CERTLOG_BENCH_SCALES={value!r}: {low} is below the minimum of {MIN_BENCH_ROWS:,} rows")
    return tuple(sorted(set(scales)))


def _server_dir(value: str) -> Path:
    path = _path(value)
    try:
        usable = path.is_dir() and os.access(path, os.W_OK | os.X_OK)
    except OSError:  # a parent this user cannot enter
        usable = False
    if not usable:
        raise UsageError(f"CERTLOG_SERVER_DIR={value}: not a directory this user can write to")
    if os.geteuid() == 0 and not all(p.stat().st_mode & 0o001 for p in [path, *path.parents]):
        raise UsageError(f"CERTLOG_SERVER_DIR={value}: the postgres OS user (the server runs as postgres, not "
                         "root) cannot enter it; give each directory on its path o+x, or choose another")
    return path


def _migrations_dir(value: str, given) -> Path:
    path = _path(value, base=None if "CERTLOG_MIGRATIONS_DIR" in given else ROOT)
    if not path.is_dir():
        raise UsageError(f"CERTLOG_MIGRATIONS_DIR={value}: no such directory")
    files = sorted(p.name for p in path.glob("*.sql"))
    if not files:
        raise UsageError(f"CERTLOG_MIGRATIONS_DIR={value}: no .sql migration in it")
    if not any(path.glob(TABLE_MIGRATION)):
        raise UsageError(f"CERTLOG_MIGRATIONS_DIR={value}: no {TABLE_MIGRATION} in it "
                         f"(found {', '.join(files)})")
    return path


def _check_url(url: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    try:
        conninfo_to_dict(url)
    except Exception as exc:  # noqa: BLE001 - psycopg raises ProgrammingError for malformed strings
        raise UsageError(f"CERTLOG_DATABASE_URL is not a valid connection string: {str(exc).strip()}") from None
