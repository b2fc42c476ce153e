"""The table of certlog's commands: the one place a command is declared.

argparse, the dispatch, `certlog --help` and the README's table of commands (a generated block) all come
from COMMANDS; each command runs `command(settings, args, extra)` of its module, certlog.runners.<name>.
A new command: a line here and its module.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    options: dict = field(default_factory=dict)  # argparse's keyword arguments


@dataclass(frozen=True)
class Command:
    name: str
    does: str  # one line, for --help and the README
    usage: str = ""  # its arguments, as the README's table shows them
    options: tuple[Option, ...] = ()
    tox_env: str = ""  # the tox environment that runs it, where there is one
    pytest_args: bool = False  # arguments it does not know are passed to pytest

    @property
    def module(self) -> str:
        return "certlog.runners." + self.name.replace("-", "_")


COMMANDS = (
    Command("verify", "the main job (`make verify`): every requirement's verdict, the evidence", "[pytest args]",
            tox_env="verify", pytest_args=True),
    Command("test", "the schema and conformance suites, the quick inner loop", "[pytest args]", tox_env="tests",
            pytest_args=True),
    Command("report", "renders the evidence again from saved results (by default the last complete verify), to "
            "the same files; exits 1 when a requirement fails there", "[RESULTS]",
            (Option(("results",), {"nargs": "?", "default": None,
                                   "help": "a results file (default: the last complete verify)"}),)),
    Command("gate", "everything `make test` runs, side by side on both cores, with a time profile", "[--only STEP ...]",
            (Option(("--only",), {"nargs": "+", "default": None, "metavar": "STEP",
                                  "help": "run only these steps (each step's tox environment does)"}),),
            tox_env="gate"),
    Command("contract", "checks, or rewrites, what derives from the table contract, the commands and the settings",
            "[--write]", (Option(("--write",), {"action": "store_true",
                                                 "help": "rewrite the derived files instead of checking them"}),)),
    Command("bench", "the benchmarks; a change against its base, its work counted and timed; against this machine's "
            "baseline (a comparison fails beyond its threshold); --work counts each hot path's work alone "
            "(reports/bench/work.md)", "[--against [REF] | --compare] [--work] [--fail 25%]",
            (Option(("--against",), {"metavar": "REF", "nargs": "?", "const": "merge-base", "default": None,
                                     "help": "compare this tree's migrations with REF's (default: the merge base "
                                             "with main), interleaved on one server"}),
             Option(("--compare",), {"action": "store_true", "help": "compare with this machine's saved baseline"}),
             Option(("--work",), {"action": "store_true",
                                  "help": "count each hot path's work (buffers, rows, WAL, plans), no timing: at "
                                          "CERTLOG_BENCH_SCALES, or with --against on both sides"}),
             Option(("--fail",), {"default": None, "help": "threshold, a percentage, e.g. 25%% (default: 25%%)"}))),
    Command("mutants", "the suite against every broken migration of mutants/catalogue.toml; --diagnose runs each "
            "through the whole suite and tabulates the requirements it turned FAIL against those it declares "
            "(reports/diagnosis.md: precision, recall)", "[--only ID ...] [--diagnose]",
            (Option(("--only",), {"nargs": "+", "default": None, "metavar": "ID",
                                  "help": "mutant ids to run (default: all)"}),
             Option(("--diagnose",), {"action": "store_true",
                                      "help": "run each mutant through the whole suite; tabulate the requirements "
                                              "it turned FAIL against those it declares"}))),
    Command("majors", "the suite on each PostgreSQL major (default 15, 16 and 18; the gate runs 16 and 18)",
            "[MAJOR ...]", (Option(("majors",), {"nargs": "*", "type": int, "default": [15, 16, 18]}),)),
    Command("simulate", "nights of the cron job under faults (the suite runs CERTLOG_NIGHTS; more here)",
            "[--nights N]", (Option(("--nights",), {"type": int, "default": None,
                                                     "help": "how many nights (default CERTLOG_NIGHTS)"}),)),
    Command("supabase-test", "`supabase test db` on a freshly migrated database"),
)
BY_NAME = {c.name: c for c in COMMANDS}
