"""A killed run's directories are removed by the next run, and only its own processes are stopped."""

import json
import signal
import subprocess
import sys
import time

from certlog.provision.tempdirs import OWNER_FILE, remove_stale


def _stale(root, kind: str, pid_in_data: int):
    directory = root / f"certlog-{kind}-leftover"
    (directory / "data").mkdir(parents=True)
    (directory / "data" / "postmaster.pid").write_text(f"{pid_in_data}\n")
    (directory / OWNER_FILE).write_text(json.dumps({"owner": "999999999:1", "helpers": []}))  # no such process
    return directory


def test_a_stale_container_volume_is_removed_without_signalling_the_pid_it_names(tmp_path):
    """A container's postmaster.pid holds a pid of the container's namespace: on this host it is someone else."""
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        volume = _stale(tmp_path, "volume", bystander.pid)
        assert volume in remove_stale(tmp_path)
        assert not volume.exists()
        assert bystander.poll() is None, "remove_stale signalled a process named by a container's postmaster.pid"
    finally:
        bystander.kill()
        bystander.wait()


def test_a_stale_server_directory_has_its_postmaster_stopped_and_is_removed(tmp_path):
    # A leftover postmaster's stand-in: SIGQUIT ends it, as it ends a postmaster (whatever the parent ignores).
    server = subprocess.Popen([sys.executable, "-c",
                               "import signal, time; signal.signal(signal.SIGQUIT, signal.SIG_DFL); time.sleep(30)"])
    time.sleep(0.3)  # started, its SIGQUIT its own
    try:
        directory = _stale(tmp_path, "pg", server.pid)
        assert directory in remove_stale(tmp_path)
        assert not directory.exists()
        assert server.wait(timeout=10) == -signal.SIGQUIT
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
