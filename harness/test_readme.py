"""The README is true to the letter where a test can tell: the commands it names exist and do what it says,
its gate table is the gate's steps, its exit codes are the tool's, its settings table is the settings code
(generated; schema/test_contract.py checks it)."""

import re
import subprocess
import sys

from certlog import errors
from certlog.commands import COMMANDS
from certlog.paths import ROOT
from certlog.runners import gate
from certlog.settings import Settings

README = (ROOT / "README.md").read_text()


def test_it_opens_with_the_two_commands_and_they_are_the_makefiles():
    opening = README.split("```sh", 1)[1].split("```", 1)[0]
    assert re.findall(r"^make (\w+)", opening, re.MULTILINE) == ["verify", "test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "scripts/tox.sh -e verify" in makefile.split("verify: setup", 1)[1].split("\n\n")[0]
    assert "scripts/tox.sh -e gate" in makefile.split("test: setup", 1)[1].split("\n\n")[0]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_gate_step_and_command_has_the_tox_environment_it_names():
    environments = tox_environments()
    assert {step.name for step in gate.steps(Settings.from_env({}))} <= environments
    assert {c.tox_env for c in COMMANDS if c.tox_env} <= environments


def test_the_gate_table_lists_exactly_the_gates_steps():
    section = README.split("## The gate", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([\w-]+)` \|", section, re.MULTILINE)
    assert listed == [step.name for step in gate.steps(Settings.from_env({}))]


def test_every_certlog_command_is_in_the_help_and_the_readme():
    commands = {command.name for command in COMMANDS}
    helped = subprocess.run([sys.executable, "-m", "certlog", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert helped.returncode == 0
    assert {c for c in commands if f"certlog {c}" not in helped.stdout} == set()
    mentioned = set(re.findall(r"certlog (\w[\w-]*)", README))
    assert commands <= mentioned | {"supabase-test"}, commands - mentioned


def test_the_exit_codes_it_lists_are_the_tools():
    line = README.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    assert [int(n) for n in re.findall(r"(\d+) [a-z]", line)] == [
        errors.EXIT_OK, errors.EXIT_FAILED, errors.EXIT_USAGE, errors.EXIT_ENVIRONMENT, errors.EXIT_INTERRUPTED]


def tox_environments() -> set[str]:
    """The environments tox.ini declares, its generative sections ([testenv:{a,b}]) spelt out."""
    sections = re.findall(r"^\[testenv:([\w{},-]+)\]", (ROOT / "tox.ini").read_text(), re.MULTILINE)
    return {name for section in sections for name in section.strip("{}").split(",")}


def test_every_tox_environment_it_names_exists():
    environments = tox_environments()
    named = set(re.findall(r"tox -e ([\w-]+)", README))
    assert named <= environments, named - environments


def test_every_path_it_names_exists():
    paths = {p for p in re.findall(r"`((?:supabase|certlog|scripts|containers|mutants|bench|schema|conformance|"
                                   r"harness|\.github)/[\w./-]*)`", README) if "*" not in p and "<" not in p}
    assert paths and {p for p in paths if not (ROOT / p).exists()} == set()


def test_where_it_says_certlog_lives_is_where_tox_builds_it():
    tox = (ROOT / "tox.ini").read_text()
    environments = tox_environments()
    assert "env_dir" not in tox, "tox.ini moved its environments; the README's paths need a word"
    named = set(re.findall(r"`\.tox/([\w-]+)/", README))
    assert named and named <= environments, named - environments
