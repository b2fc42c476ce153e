"""Interrupted at any moment, a run leaves nothing behind: no server, no container, no temporary directory.

Each test starts a real run (`certlog test`, which starts a server and builds its databases), waits
until its server is up, then interrupts it the way it happens in practice, and looks for leftovers.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from certlog.paths import ROOT
from certlog.provision import docker_api
from certlog.provision.container import OWNER_LABEL
from certlog.provision.tempdirs import OWNER_FILE, process_identity, remove_stale, roots


def _start(reports: Path, env: dict | None = None, command: str = "test", capture: bool = False,
           select: str = "describe") -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")}
    environment.update(env or {}, CERTLOG_REPORT_DIR=str(reports))
    return subprocess.Popen([sys.executable, "-m", "certlog", command, "-q", "-k", select], cwd=ROOT,
                            env=environment, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if capture else subprocess.DEVNULL, text=True,
                            start_new_session=True)


def _owned_by(identity: str, *extra_roots: Path) -> list[Path]:
    found = []
    for directory in (d for root in roots(*extra_roots) for d in root.glob("certlog-*-*")):
        try:
            if json.loads((directory / OWNER_FILE).read_text())["owner"] == identity:
                found.append(directory)
        except (OSError, ValueError, KeyError):
            continue
    return found


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _server_up(run: subprocess.Popen, *extra_roots: Path) -> tuple[str, int]:
    """The run's identity and its postmaster's pid, once its server runs."""
    identity = _until(lambda: process_identity(run.pid), 10, "the run to start")

    def postmaster():
        for directory in _owned_by(identity, *extra_roots):
            pid_file = directory / "data" / "postmaster.pid"
            lines = pid_file.read_text().splitlines() if pid_file.exists() else []
            if len(lines) > 7 and lines[7].strip() == "ready" and int(lines[0]) > 0:  # the postmaster, serving
                return int(lines[0])
        return None

    return identity, _until(postmaster, 60, "the run's server")


def _postmaster_of(identity: str) -> int | None:
    """The pid the run's server directory names now (another one once its server restarted)."""
    for directory in _owned_by(identity):
        lines = (directory / "data" / "postmaster.pid").read_text().splitlines() \
            if (directory / "data" / "postmaster.pid").exists() else []
        if lines and lines[0].strip().isdigit():
            return int(lines[0])
    return None


def _janitor_of(pid: int) -> int | None:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"certlog.provision.janitor" in cmdline:
            return int(stat.parent.name)
    return None


def _nothing_left(identity: str, postmaster: int, *extra_roots: Path) -> None:
    _until(lambda: not _owned_by(identity, *extra_roots) and process_identity(postmaster) is None, 30,
           "the run's server and directories to be gone")


def _tox_interrupt(run: subprocess.Popen) -> None:
    """What tox does on Ctrl-C: SIGINT, then SIGTERM 0.3 s later, then SIGKILL 0.2 s after that."""
    for signum, wait in ((signal.SIGINT, 0.3), (signal.SIGTERM, 0.2), (signal.SIGKILL, 0)):
        if run.poll() is not None:
            return
        os.killpg(run.pid, signum)
        time.sleep(wait)


def _scenario(how: str, reports: Path) -> str | None:
    """One real run, interrupted `how`; what was left behind (None: nothing). The run whose janitor is killed
    too keeps its server in a directory of its own, which only the test's own clean-up searches: the other
    runs, started beside it, would otherwise clean up after it first."""
    own = None
    if how == "SIGKILL of the run and its janitor":
        own = Path(tempfile.mkdtemp(prefix="certlog-test-servers-"))
        own.chmod(0o755)  # the postgres OS user enters it
    run = _start(reports, {"CERTLOG_SERVER_DIR": str(own)} if own else None)
    roots_of_run = (own,) if own else ()
    try:
        identity, postmaster = _server_up(run, *roots_of_run)
        if how == "Ctrl-C under tox":
            _tox_interrupt(run)
        elif how == "SIGKILL of the run and its janitor":
            janitor = _janitor_of(run.pid)
            if janitor is None:
                return "the run has no janitor"
            os.kill(janitor, signal.SIGKILL)
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=60)
            time.sleep(0.5)
            if not (_owned_by(identity, *roots_of_run) and process_identity(postmaster) is not None):
                return "nothing was left for the next run to clean"
            remove_stale(own)  # what the next run does first (with the same server directory)
        else:
            run.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
        run.wait(timeout=60)
        _nothing_left(identity, postmaster, *roots_of_run)
        return None
    except AssertionError as failure:
        return str(failure)
    finally:
        if run.poll() is None:
            run.kill()
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)


SCENARIOS = ("Ctrl-C under tox", "SIGTERM", "SIGKILL", "SIGKILL of the run and its janitor")


def test_ctrl_c_sent_again_and_again_still_ends_in_the_last_word_and_keeps_the_evidence(tmp_path):
    """A terminal's Ctrl-C reaches make, tox and certlog at once, and tox forwards it again: the first starts
    the clean-up, the others wait for it; the run says where its partial results are; the last complete
    evidence (here stand-ins for it) is untouched."""
    kept = {name: f"the last complete run's {name}\n" for name in ("evidence.md", "junit-verify.xml", "results.json")}
    for name, text in kept.items():
        (tmp_path / name).write_text(text)
    run = _start(tmp_path, command="verify", capture=True)
    try:
        identity, postmaster = _server_up(run)
        for _ in range(3):
            os.killpg(run.pid, signal.SIGINT)
            time.sleep(0.1)
        said = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, said[-2000:]
    assert "the last complete evidence is unchanged; partial results:" in said and "Traceback" not in said, said
    assert {name: (tmp_path / name).read_text() for name in kept} == kept
    _nothing_left(identity, postmaster)


def test_an_interrupted_run_leaves_nothing_behind(tmp_path, subtests):
    """Each way a run gets interrupted in practice, side by side (each its own run and server)."""
    with ThreadPoolExecutor(max_workers=len(SCENARIOS)) as pool:
        found = dict(zip(SCENARIOS, pool.map(lambda how: _scenario(how, tmp_path / how.replace(" ", "-")),
                                             SCENARIOS), strict=True))
    for how, left in found.items():
        with subtests.test(msg=how):
            assert left is None, left


def test_a_killed_container_run_leaves_no_container(tmp_path):
    run = _start(tmp_path, {"CERTLOG_BACKEND": "container", "CERTLOG_IMAGE": "localhost/certlog-local/postgres:15"})
    identity = _until(lambda: process_identity(run.pid), 10, "the run to start")
    with docker_api.docker_api() as api, docker_api.environment(api):
        import docker

        client = docker.from_env()
        mine = {"label": f"{OWNER_LABEL}={identity}"}

        def containers() -> list | None:
            try:
                return client.containers.list(all=True, filters=mine)
            except docker.errors.APIError:  # it went while being listed
                return None

        _until(containers, 120, "the run's container")
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        _until(lambda: containers() == [], 60, "the container to be removed")


def test_ctrl_c_during_the_crash_test_ends_in_the_one_line_and_exit_130(tmp_path):
    """Ctrl-C while the crash test restarts the server (its databases then cannot be dropped at once): the run
    still ends with its one line, no traceback, and leaves nothing behind."""
    run = _start(tmp_path, capture=True, select="crash_mid_run")
    try:
        identity, postmaster = _server_up(run)
        _until(lambda: _postmaster_of(identity) not in (postmaster, None) or run.poll() is not None, 60,
               "the crash test's restart")
        assert run.poll() is None, "the run ended before its server restarted"
        os.killpg(run.pid, signal.SIGINT)
        said = run.communicate(timeout=60)[0]
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, said[-2000:]
    assert "certlog: interrupted" in said and "Traceback" not in said, said[-3000:]
    _nothing_left(identity, postmaster)


def test_sigterm_to_make_returns_only_once_everything_started_is_gone(tmp_path):
    """make's recipe runs tox through scripts/tox.sh: a SIGTERM (make forwards one; a CI job being cancelled)
    reaches tox and certlog as a Ctrl-C, and the recipe returns after them, nothing of the run left."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")}
    environment.update(CERTLOG_REPORT_DIR=str(tmp_path))
    recipe = subprocess.Popen([str(ROOT / "scripts" / "tox.sh"), "-e", "tests", "--", "-q", "-k", "describe"],
                              cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        certlog = _until(lambda: _child_running(recipe.pid, b"certlog"), 60, "certlog under tox")
        identity, postmaster = _server_up(_Pid(certlog))
        recipe.send_signal(signal.SIGTERM)
        said = recipe.communicate(timeout=90)[0]
    finally:
        if recipe.poll() is None:
            os.killpg(recipe.pid, signal.SIGKILL)
    assert recipe.returncode == 143, said[-2000:]
    assert "certlog: interrupted" in said, said[-2000:]
    assert not _owned_by(identity) and not _running(postmaster)  # gone before it returned


def _running(pid: int) -> bool:
    """Whether `pid` runs (a zombie a non-reaping init has not collected yet does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class _Pid:
    """A process known by its pid (what _server_up reads of a run)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid


def _child_running(ancestor: int, marker: bytes) -> int | None:
    """A descendant of `ancestor` whose command line has `marker` (certlog's own process under tox)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = (int(stat.read_text().rsplit(")", 1)[1].split()[1]),
                                              (stat.parent / "cmdline").read_bytes())
        except (OSError, ValueError):
            continue
    for pid, (_, cmdline) in parents.items():
        if marker in cmdline and b"-m\x00certlog" in cmdline:
            up = pid
            while up in parents and up != ancestor:
                up = parents[up][0]
            if up == ancestor:
                return pid
    return None
