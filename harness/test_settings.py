"""Every bad setting or argument gets one line saying what is wrong and what to do, and its exit code:
2 for usage (nothing is started), 3 for something this machine lacks. Never a traceback, never a
setting silently ignored."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from certlog import settings as settings_module
from certlog.errors import EXIT_ENVIRONMENT, EXIT_USAGE, UsageError
from certlog.paths import ROOT
from certlog.settings import Settings

BAD_SETTINGS = {
    # case: (environment, what the one line must say)
    "unknown backend": ({"CERTLOG_BACKEND": "docker"}, "CERTLOG_BACKEND='docker': choose one of"),
    "external without a URL": ({"CERTLOG_BACKEND": "external"}, "needs CERTLOG_DATABASE_URL"),
    "malformed URL": ({"CERTLOG_DATABASE_URL": "host='unterminated"}, "not a valid connection string"),
    "URL the backend would ignore": ({"CERTLOG_BACKEND": "embedded", "CERTLOG_DATABASE_URL": "postgresql://x@h/d"},
                                     "would not use it"),
    "major too old": ({"CERTLOG_PG_MAJOR": "14"}, "below the minimum of 15"),
    "major not a number": ({"CERTLOG_PG_MAJOR": "fifteen"}, "not a whole number"),
    "bindir that does not exist": ({"CERTLOG_PG_BINDIR": "/nope"}, "no postgres executable there"),
    "bindir the backend would ignore": ({"CERTLOG_BACKEND": "container", "CERTLOG_PG_BINDIR": "/usr/bin"},
                                        "not embedded"),
    "server directory that does not exist": ({"CERTLOG_SERVER_DIR": "/nope"}, "not a directory this user can"),
    "server directory the backend would ignore": ({"CERTLOG_BACKEND": "container", "CERTLOG_SERVER_DIR": "/tmp"},
                                                  "not embedded"),
    "image without the container backend": ({"CERTLOG_IMAGE": "postgres:16"}, "only applies to CERTLOG_BACKEND"),
    "pgTAP flag with a wrong value": ({"CERTLOG_BACKEND": "container", "CERTLOG_IMAGE_PGTAP": "yes"},
                                      "the only value is 'present'"),
    "pgTAP flag without the container backend": ({"CERTLOG_IMAGE_PGTAP": "present"}, "only applies to"),
    "missing migrations directory": ({"CERTLOG_MIGRATIONS_DIR": "/nope"}, "no such directory"),
    "migrations directory that is a file": ({"CERTLOG_MIGRATIONS_DIR": str(ROOT / "README.md")}, "no such directory"),
    "empty migrations directory": ({"CERTLOG_MIGRATIONS_DIR": "{empty}"}, "no .sql migration in it"),
    "migrations without the table's": ({"CERTLOG_MIGRATIONS_DIR": "{other}"},
                                        "no *_create_cert_notification_log.sql"),
    "seed rows too few": ({"CERTLOG_SEED_ROWS": "500"}, "below the minimum of 1,000"),
    "seed rows not a number": ({"CERTLOG_SEED_ROWS": "lots"}, "not a whole number"),
    "negative seed": ({"CERTLOG_SEED": "-1"}, "below the minimum of 0"),
    "bench scale zero": ({"CERTLOG_BENCH_SCALES": "0"}, "below the minimum of 2,000"),
    "bench scale negative": ({"CERTLOG_BENCH_SCALES": "-5"}, "below the minimum of 2,000"),
    "bench scale not a number": ({"CERTLOG_BENCH_SCALES": "foo"}, "'foo' is not a row count"),
    "bench scales with an empty part": ({"CERTLOG_BENCH_SCALES": "50000,"}, "'' is not a row count"),
    "no nights": ({"CERTLOG_NIGHTS": "0"}, "below the minimum of 1"),
    "Supabase CLI that is not there": ({"CERTLOG_SUPABASE_CLI": "/nope/supabase"}, "no executable there"),
    "Deno that is not there": ({"CERTLOG_DENO": "/nope/deno"}, "no executable there"),
    "misspelt setting": ({"CERTLOG_SEED_ROW": "5"},
                         "unknown setting CERTLOG_SEED_ROW; did you mean CERTLOG_SEED_ROWS?"),
    "unknown setting": ({"CERTLOG_COLOUR": "1"}, "unknown setting CERTLOG_COLOUR"),
}


def _env(environment: dict, tmp_path) -> dict:
    (tmp_path / "empty").mkdir(exist_ok=True)
    (tmp_path / "other").mkdir(exist_ok=True)
    (tmp_path / "other" / "20260101000000_something_else.sql").write_text("select 1;\n")
    return {k: v.format(empty=tmp_path / "empty", other=tmp_path / "other") for k, v in environment.items()}


@pytest.mark.parametrize("case", list(BAD_SETTINGS))
def test_a_bad_setting_is_refused_with_what_to_do(case, tmp_path):
    environment, said = BAD_SETTINGS[case]
    with pytest.raises(UsageError) as refused:
        Settings.from_env(_env(environment, tmp_path))
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_the_defaults_and_every_valid_form_are_accepted(tmp_path):
    settings = Settings.from_env({"CERTLOG_SEED_ROWS": "50_000", "CERTLOG_BENCH_SCALES": "500000, 50000",
                                  "CERTLOG_MIGRATIONS_DIR": "supabase/migrations", "CERTLOG_REPORT_DIR": "out"})
    assert settings.seed_rows == 50_000 and settings.bench_scales == (50_000, 500_000)
    assert settings.report_dir == (os.getcwd() / Path("out")).resolve()
    assert Settings.from_env({}).report_dir == ROOT / "reports"  # a default is the repository's, from anywhere
    assert Settings.from_env({"CERTLOG_SERVER_DIR": "/tmp"}).server_dir == Path("/tmp")


@pytest.mark.skipif(os.geteuid() != 0, reason="only a run as root hands its cluster to the postgres OS user")
def test_a_server_directory_the_postgres_user_cannot_enter_is_refused(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    with pytest.raises(UsageError, match="the postgres OS user .* cannot enter it"):
        Settings.from_env({"CERTLOG_SERVER_DIR": str(private)})


def _certlog(*args: str, env: dict | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")}
    return subprocess.run([sys.executable, "-m", "certlog", *args], capture_output=True, text=True, cwd=cwd,
                          env={**environment, **(env or {})}, timeout=120)


COMMAND_LINES = {
    # case: (arguments, environment, exit code, what stderr says)
    "bad setting": (["test"], {"CERTLOG_SEED_ROWS": "500"}, EXIT_USAGE, "CERTLOG_SEED_ROWS=500"),
    "unknown command": (["frobnicate"], {}, EXIT_USAGE, "invalid choice"),
    "unknown option of a command that takes none": (["mutants", "--fast"], {}, EXIT_USAGE, "unrecognized"),
    "unknown mutant": (["mutants", "--only", "nope"], {}, EXIT_USAGE, "unknown mutant(s): nope"),
    "bench against a ref that is not there": (["bench", "--against", "no-such-ref"], {}, EXIT_USAGE,
                                              "not a commit in this repository"),
    "bench with two comparisons at once": (["bench", "--against", "HEAD", "--compare"], {}, EXIT_USAGE,
                                           "give one"),
    "bench threshold without a comparison": (["bench", "--fail", "10%"], {}, EXIT_USAGE,
                                             "give it with --against or --compare"),
    "bench threshold that is not a percentage": (["bench", "--compare", "--fail", "abc"], {}, EXIT_USAGE,
                                                 "give a percentage above 0 such as 25%"),
    "bench threshold that can never be crossed": (["bench", "--compare", "--fail", "inf"], {}, EXIT_USAGE,
                                                  "--fail 'inf': give a percentage above 0"),
    "bench scales with --against": (["bench", "--against", "HEAD"], {"CERTLOG_BENCH_SCALES": "2000"}, EXIT_USAGE,
                                    "CERTLOG_BENCH_SCALES sets the table sizes of certlog bench alone"),
    "gate with bench scales its comparison would not use": (["gate"], {"CERTLOG_BENCH_SCALES": "2000"}, EXIT_USAGE,
                                                            "CERTLOG_BENCH_SCALES sets the table sizes"),
    "no night to simulate": (["simulate", "--nights", "0"], {}, EXIT_USAGE, "at least one night"),
    "a Supabase CLI that is not one": (["test"], {"CERTLOG_SUPABASE_CLI": "/bin/false"}, EXIT_ENVIRONMENT,
                                       "CERTLOG_SUPABASE_CLI=/bin/false: it does not answer --version"),
    "gate --only a step it does not have": (["gate", "--only", "nope"], {}, EXIT_USAGE,
                                            "certlog gate --only nope: no such step"),
    "report of results that are not there": (["report", "/nope/results.json"], {}, EXIT_USAGE, "no results at"),
    "report of a file that is not results": (["report", "README.md"], {"CERTLOG_REPORT_DIR": "{reports}"}, EXIT_USAGE,
                                             "README.md is not the results of a certlog verify run"),
    "report of a directory": (["report", "harness"], {"CERTLOG_REPORT_DIR": "{reports}"}, EXIT_USAGE,
                              "harness cannot be read"),
    "verify with an argument pytest refuses": (["verify", "-k", "("], {"CERTLOG_REPORT_DIR": "{reports}"},
                                               EXIT_USAGE, "Wrong expression passed to '-k'"),
    "report of JSON of another shape": (["report", "package.json"], {"CERTLOG_REPORT_DIR": "{reports}"}, EXIT_USAGE,
                                        "package.json is not the results of a certlog verify run"),
    "report directory under a file": (["test"], {"CERTLOG_REPORT_DIR": str(ROOT / "README.md" / "x")},
                                      EXIT_ENVIRONMENT, "cannot take files"),
    "a major below the task's": (["majors", "14"], {}, EXIT_USAGE, "certlog majors 14: below the minimum of 15"),
    "major with no binaries here": (["simulate"], {"CERTLOG_PG_MAJOR": "17", "CERTLOG_BACKEND": "embedded"},
                                    EXIT_ENVIRONMENT, "install postgresql-17"),
    "verify on a major with no binaries here": (["verify"], {"CERTLOG_PG_MAJOR": "17", "CERTLOG_BACKEND": "embedded",
                                                             "CERTLOG_REPORT_DIR": "{reports}"},
                                                 EXIT_ENVIRONMENT, "install postgresql-17"),
    "server directory where no embedded server can start": (
        ["simulate"], {"CERTLOG_PG_MAJOR": "17", "CERTLOG_SERVER_DIR": "/tmp"}, EXIT_ENVIRONMENT,
        "CERTLOG_SERVER_DIR is set, but no embedded server can start here"),
}


@pytest.fixture(scope="module")
def command_lines(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Every command line below, run side by side (each is a process of its own, mostly starting up)."""
    reports = tmp_path_factory.mktemp("reports")

    def run(case: str) -> subprocess.CompletedProcess:
        arguments, environment = COMMAND_LINES[case][:2]
        return _certlog(*arguments, env={k: v.format(reports=reports) for k, v in environment.items()})

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(COMMAND_LINES, pool.map(run, COMMAND_LINES), strict=True))


@pytest.mark.parametrize("case", list(COMMAND_LINES))
def test_a_bad_command_line_gets_one_line_and_its_exit_code(case, command_lines):
    _args, _env, code, said = COMMAND_LINES[case]
    out = command_lines[case]
    assert out.returncode == code, out.stderr[-2000:]
    assert said in out.stderr + out.stdout  # a session's own stop (pytest.exit) is said in its output
    assert "Traceback" not in out.stdout + out.stderr


def test_a_read_only_report_directory_is_refused_before_anything_runs(tmp_path):
    readonly = tmp_path / "reports"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        if os.access(readonly, os.W_OK):  # root writes anywhere: make it a file's child instead
            readonly = tmp_path / "a-file" / "reports"
            (tmp_path / "a-file").write_text("")
        out = _certlog("verify", env={"CERTLOG_REPORT_DIR": str(readonly)})
    finally:
        (tmp_path / "reports").chmod(0o700)
    assert out.returncode == EXIT_ENVIRONMENT and "cannot take files" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_the_backends_a_setting_may_name_are_the_registered_ones():
    from certlog.provision import BACKENDS

    assert set(settings_module.BACKENDS) == {"auto", *(backend.name for backend in BACKENDS)}
