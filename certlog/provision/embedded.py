"""The embedded default: local PostgreSQL binaries, a throwaway cluster in a temp dir.

A unix socket for the harness (trust), and a listener on 127.0.0.1 only (password logins,
a random password per run) for the tools that need TCP: the Supabase CLI and the pg_prove
container it starts. fsync off, C.UTF-8, the cluster in memory where it can be (/dev/shm, see
tempdirs.server_root). When running as root the cluster belongs to the `postgres` OS user,
since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from certlog.errors import ExecutableMissing, ServerStartFailed
from certlog.provision.janitor import Janitor
from certlog.provision.server import SUPERUSER, Server
from certlog.provision.tempdirs import TempDir, server_root

CACHE = Path("/var/tmp/certlog-cache")  # copies of wheel-installed servers the postgres user can run
CRON_DATABASE = "certlog_cron"  # the one database pg_cron runs jobs in


def find_bindir(major: int, override: str | None = None) -> str:
    searched: list[str] = []
    candidates = [override] if override else []
    candidates.append(f"/usr/lib/postgresql/{major}/bin")
    pg_config = shutil.which("pg_config")
    if pg_config and not override:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())
    for bindir in candidates:
        searched.append(bindir)
        postgres = os.path.join(bindir, "postgres")
        if os.access(postgres, os.X_OK) and server_major(postgres) == major:
            return bindir
    others = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    raise ExecutableMissing.not_found(
        f"PostgreSQL {major} server binaries",
        searched,
        f"install postgresql-{major} (Debian) or set CERTLOG_PG_BINDIR"
        + (f"; other majors found: {', '.join(others)} (set CERTLOG_PG_MAJOR)" if others else ""),
    )


def server_major(postgres: str) -> int | None:
    out = subprocess.run([postgres, "--version"], capture_output=True, text=True)
    try:
        return int(out.stdout.split()[-1].split(".")[0])
    except (IndexError, ValueError):
        return None


def _run_as() -> dict:
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        raise ExecutableMissing(
            "running as root but there is no 'postgres' OS user to own the cluster; "
            "create one (useradd --system postgres) or run as an ordinary user"
        ) from None
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _reachable_by_owner(bindir: str, as_owner: dict) -> str:
    """Binaries the postgres OS user can run: a wheel's server inside a root-only directory is copied out."""
    if not as_owner or _runs_as_owner(bindir, as_owner):
        return bindir
    install = Path(bindir).resolve().parent  # e.g. site-packages/pgserver/pginstall, through .tox's link: one
    # copy per machine and wheel, whichever clone asks
    package = install.parent
    libs = package.parent / f"{package.name}.libs"  # where the wheel's RPATH ($ORIGIN/../../../<pkg>.libs) points
    trees = [(install, Path(package.name) / install.name)] + ([(libs, Path(libs.name))] if libs.is_dir() else [])
    files = [p for tree, _ in trees for p in tree.rglob("*")]
    stamp = f"{install}:{len(files)}:{max(p.lstat().st_mtime for p in files)}"
    cache = CACHE / f"pginstall-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}"  # kept between runs
    if not (cache / ".complete").exists():
        _copy_out(trees, cache)
    return str(cache / package.name / install.name / Path(bindir).name)


def _copy_out(trees: list[tuple[Path, Path]], cache: Path) -> None:
    """The trees into `cache`, readable by all: made beside and renamed into place, one maker at a time (the key
    is the machine's: a run of another clone may want the same copy), so a complete copy is never touched again."""
    CACHE.mkdir(parents=True, exist_ok=True)
    lock = os.open(CACHE / ".pginstall.lock", os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (cache / ".complete").exists():
            return  # made while this run waited
        shutil.rmtree(cache, ignore_errors=True)  # a copy an interrupted run left half made
        staging = Path(tempfile.mkdtemp(prefix=f"{cache.name}.", dir=CACHE))
        try:
            for tree, target in trees:
                shutil.copytree(tree, staging / target, symlinks=True)
            for path in [staging, *staging.rglob("*")]:
                if not path.is_symlink():
                    readable = 0o055 if path.is_dir() or os.access(path, os.X_OK) else 0o044
                    path.chmod(path.stat().st_mode | readable)
            (staging / ".complete").touch()
            staging.rename(cache)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        os.close(lock)


def _runs_as_owner(bindir: str, as_owner: dict) -> bool:
    try:
        return subprocess.run([f"{bindir}/postgres", "--version"], capture_output=True, **as_owner).returncode == 0
    except PermissionError:
        return False


@contextmanager
def embedded_server(*, major: int = 15, bindir: str | None = None, root: Path | None = None):
    """A fresh cluster under `root` (default: tempdirs.server_root): unix socket for the harness,
    127.0.0.1 (password logins) for the Supabase CLI."""
    as_owner = _run_as()
    bindir = _reachable_by_owner(find_bindir(major, bindir), as_owner)
    directory = TempDir("pg", server_root(root))
    base = directory.path
    options = preload_options(bindir, base)
    janitor = Janitor.get()
    owner_ids = {"uid": as_owner["user"], "gid": as_owner["group"]} if as_owner else {}
    stop_token = None
    data, log = base / "data", base / "server.log"
    if as_owner:
        os.chown(base, as_owner["user"], as_owner["group"])
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": str(base)}
    password = secrets.token_hex(16)
    started = time.perf_counter()
    try:
        _check(["cp", "-a", str(initialized_cluster(bindir, as_owner, env)), str(data)], as_owner, env,
               "copying the initialized cluster failed", log)
        stop_token = janitor.register("stop_postgres", bindir=bindir, data=str(data), **owner_ids)
        tcp_port = _start(bindir, data, log, base, as_owner, env, options)
        server = Server(
            kind="embedded", host=str(base), port=tcp_port, superuser=SUPERUSER, password=password, tcp_port=tcp_port,
            bindir=bindir, startup_seconds=time.perf_counter() - started,
            details={"data_directory": str(data), "log": str(log), "options": _options(base, tcp_port, options)},
        )
        server.crash_and_start = lambda: restart(server)
        _set_password(server)
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True, env=env, **as_owner,
            )
        if stop_token is not None:
            janitor.done(stop_token)
        directory.remove()


INITDB_OPTIONS = ("-U", SUPERUSER, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync", "--no-instructions")
INITDB_RECIPE = 1  # raise when what a cached cluster must hold changes


def initialized_cluster(bindir: str, as_owner: dict, env: dict) -> Path:
    """A data directory as initdb makes it, made once per machine and server binaries (CACHE/initdb-<key>):
    every run copies it (initdb itself takes longer than the rest of the server's start)."""
    version = subprocess.run([f"{bindir}/postgres", "--version"], capture_output=True, text=True).stdout
    key = hashlib.sha256(f"{INITDB_RECIPE}|{os.path.realpath(bindir)}|{version}|{INITDB_OPTIONS}".encode())
    cache = _cache_dir(as_owner)
    owner = as_owner.get("user", os.geteuid())  # whose it is: the OS user the server runs as must read it
    cached = cache / f"initdb-{key.hexdigest()[:16]}-uid{owner}"
    if (cached / "PG_VERSION").exists():
        return cached
    lock = os.open(cache / ".initdb.lock", os.O_RDONLY | os.O_CREAT, 0o644)  # one maker at a time
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cached / "PG_VERSION").exists():
            _make_initialized_cluster(bindir, as_owner, env, cached)
    finally:
        os.close(lock)
    return cached


def _make_initialized_cluster(bindir: str, as_owner: dict, env: dict, cached: Path) -> None:
    shutil.rmtree(cached, ignore_errors=True)  # what is left of a partly deleted entry
    staging = cached.with_name(f"{cached.name}.{os.getpid()}")  # made beside it, then renamed: never seen half-made
    token = Janitor.get().register("rmtree", path=str(staging))
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700)
        if as_owner:
            os.chown(staging, as_owner["user"], as_owner["group"])
        _check([f"{bindir}/initdb", "-D", str(staging), *INITDB_OPTIONS], as_owner, env, "initdb failed",
               staging / "initdb.log")
        staging.rename(cached)
    except OSError as exc:
        raise ServerStartFailed(f"the initialized cluster could not be kept at {cached}: {exc}", "") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        Janitor.get().done(token)


def _cache_dir(as_owner: dict) -> Path:
    """CACHE; for a user who cannot write there (it is another user's), that user's own cache directory: the
    server runs as that user then. As root, always CACHE, which the postgres OS user can enter."""
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        if as_owner or os.access(CACHE, os.W_OK | os.X_OK):
            return CACHE
    except OSError:
        if as_owner:
            raise
    own = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "certlog"
    own.mkdir(parents=True, exist_ok=True)
    return own


def _set_password(server: Server) -> None:
    """The run's own password for the superuser (the copied cluster came with none): TCP logins need it."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:  # the unix socket: trust
        conn.execute(sql.SQL("alter role {} password {}").format(sql.Identifier(SUPERUSER),
                                                                   sql.Literal(server.password)))


def preload_options(bindir: str, socket_dir: Path) -> tuple[str, ...]:
    """The libraries hosted Supabase preloads, where this server has them: pg_stat_statements (for
    `supabase inspect report`), pg_cron (Supabase Cron; its jobs connect over the unix socket, and it
    serves the database certlog_cron, see certlog.standin.cron)."""
    libdir = Path(bindir).parent / "lib"
    found = [lib for lib in ("pg_stat_statements", "pg_cron") if (libdir / f"{lib}.so").exists()]
    options = [f"-c shared_preload_libraries={','.join(found)}"] if found else []
    if "pg_cron" in found:
        options += [f"-c cron.database_name={CRON_DATABASE}", f"-c cron.host={socket_dir}"]
    return tuple(options)


def _options(base: Path, tcp_port: int, extra: tuple[str, ...]) -> str:
    return " ".join([f"-F -k {base} -p {tcp_port} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB",
                     "-c full_page_writes=off -c max_connections=120", *extra])


def _start(bindir: str, data: Path, log: Path, base: Path, as_owner: dict, env: dict,
           extra: tuple[str, ...]) -> int:
    """Start on a free port of 127.0.0.1; the socket file in `base` is named after that port."""
    for attempt in range(5):
        port = _free_port()
        try:
            _check([f"{bindir}/pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60",
                    "-o", _options(base, port, extra), "start"], as_owner, env, "the server did not start", log)
            return port
        except ServerStartFailed:
            if attempt == 4 or "Address already in use" not in log.read_text(errors="replace"):
                raise
    raise AssertionError("unreachable")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def restart(server: Server, *, mode: str = "immediate") -> None:
    """Stop the server (immediate: as a crash would, no checkpoint) and start it again on the same data."""
    data = server.details["data_directory"]
    as_owner = _run_as()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": server.host}
    log = Path(server.details["log"])
    _check([f"{server.bindir}/pg_ctl", "-D", data, "-m", mode, "-w", "stop"], as_owner, env, "stop failed", log)
    _check([f"{server.bindir}/pg_ctl", "-D", data, "-l", str(log), "-w", "-t", "60", "-o", server.details["options"],
            "start"], as_owner, env, "restart failed", log)


def _check(argv, as_owner, env, what, log: Path) -> None:
    out = subprocess.run(argv, capture_output=True, text=True, env=env, **as_owner)
    if out.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise ServerStartFailed(f"{what}: {' '.join(argv[:2])} exited {out.returncode}\n{out.stderr.strip()}", tail)
