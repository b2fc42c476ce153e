"""The gate runner itself, on stand-in steps: it says what runs, shows a failing step's log, exits 1."""

import sys

import pytest

from certlog.errors import EXIT_FAILED
from certlog.runners import gate
from certlog.settings import Settings


def test_a_failing_step_fails_the_gate_with_its_log_and_long_steps_show_progress(tmp_path, monkeypatch):
    python = sys.executable
    monkeypatch.setattr(gate, "HEARTBEAT_SECONDS", 0.3)
    monkeypatch.setattr(gate, "steps", lambda settings: [
        # What the steps print is put together as they run: the command line the log starts with cannot match.
        gate.GateStep("slow", "sleeps", ((python, "-c", "import time; print('[1/2] ' + 'working'); "
                                             "print('Assertion' + 'Error: noise', flush=True); time.sleep(1.2)"),)),
        gate.GateStep("broken", "fails", ((python, "-c", "print('the reason ' + 'it broke'); raise SystemExit(4)"),)),
    ])
    said = []
    settings = Settings.from_env({"CERTLOG_REPORT_DIR": str(tmp_path)})

    assert gate.main(settings, say=lambda text, **_: said.append(text)) == EXIT_FAILED

    words = "\n".join(said)
    assert "gate: still running slow" in words and "[1/2] working" in words and "AssertionError" not in words
    assert "gate: broken FAILED (exit 4)" in words and "the reason it broke" in words
    profile = (tmp_path / "gate.md").read_text()
    assert "1 of 2 steps passed" in profile
    rows = [line.split(" | ") for line in profile.splitlines() if line.startswith(("| slow ", "| broken "))]
    assert [row[0] for row in rows] == ["| slow", "| broken"]  # in the order they started
    assert 0 <= float(rows[0][2]) < 1.0  # timed from the gate's start
    assert "UTC on commit " in profile  # which run it profiles


def test_an_interrupted_gate_says_so_in_its_profile(tmp_path, monkeypatch):
    """Its step logs are the interrupted run's: a profile of an earlier gate beside them would mislead."""
    python = sys.executable
    (tmp_path / "gate.md").write_text("# The gate: 9 of 9 steps passed in 99.0 s\n")
    (tmp_path / "gate").mkdir()
    (tmp_path / "gate" / "never.log").write_text("an earlier gate's log\n")
    monkeypatch.setattr(gate, "steps", lambda settings: [
        gate.GateStep("quick", "ends", ((python, "-c", "pass"),)),
        gate.GateStep("long", "sleeps", ((python, "-c", "import time; time.sleep(60)"),)),
        gate.GateStep("never", "waits for both cores", ((python, "-c", "pass"),), cores=2),
    ])
    started = []

    def say(text, **_):
        started.append(text)
        if "gate: quick passed" in text:
            raise KeyboardInterrupt  # Ctrl-C once the first step is done

    with pytest.raises(KeyboardInterrupt):
        gate.main(Settings.from_env({"CERTLOG_REPORT_DIR": str(tmp_path)}), say=say)

    profile = (tmp_path / "gate.md").read_text()
    assert profile.startswith("# The gate: interrupted after")
    assert (tmp_path / "gate" / "never.log").read_text() == "(not started)\n"  # not an earlier gate's log
    assert "| quick | 1 |" in profile and "| passed |" in profile and "| long | 1 |" in profile and "stopped" in profile
