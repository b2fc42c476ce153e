"""certlog: the verification suite's commands (run them through tox: `.venv/bin/tox -e <env>`,
or `.tox/<env>/bin/python -m certlog ...` from the repository once tox has built that environment).

  certlog verify [pytest args]   the main job: every requirement's verdict, evidence in the report directory
  certlog test [pytest args]     the schema and conformance suites (JUnit XML in the report directory)
  certlog report [RESULTS]       the evidence again from saved results (default: the last complete verify)
  certlog supabase-test          `supabase test db` on a freshly migrated database
  certlog contract [--write]     check (or rewrite) what derives from the table contract
  certlog bench [--against [REF] | --compare] [--fail 25%]
                                 the benchmarks; this tree against REF, interleaved; against this machine's
                                 saved baseline (a comparison fails beyond its threshold)
  certlog mutants [--only ID..]  the suite against every broken migration of mutants/catalogue.toml
  certlog majors [MAJOR ...]     the suite on each major (default 15 16 18; the gate runs 16 18)
  certlog simulate [--nights N]  a month (or more) of nightly cron runs under faults
  certlog gate                   everything `make test` runs, on both cores, with a time profile

Arguments certlog does not know are passed to pytest (verify, test). Settings: CERTLOG_* variables
(README, Settings). Exit codes: 0 verified, 1 verification failed, 2 bad setting or argument,
3 something missing on this machine, 130 interrupted (everything started was removed).
"""

from __future__ import annotations

import argparse
import os
import sys

from certlog.errors import EXIT_ENVIRONMENT, EXIT_INTERRUPTED, CertlogError, UsageError
from certlog.provision.interrupts import terminate_as_interrupt
from certlog.provision.janitor import Janitor
from certlog.settings import MINIMUM_MAJOR, Settings

PASS_THROUGH = ("verify", "test")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="certlog", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("verify", help="the main job: every requirement's verdict and the evidence report")
    sub.add_parser("test", help="the schema and conformance suites")
    report = sub.add_parser("report", help="render the evidence again from saved results")
    report.add_argument("results", nargs="?", default=None, help="a results file (default: the last complete verify)")
    sub.add_parser("supabase-test", help="`supabase test db` on a freshly migrated database")
    contract = sub.add_parser("contract", help="check what derives from the table contract, or rewrite it")
    contract.add_argument("--write", action="store_true", help="rewrite the derived files instead of checking them")
    bench = sub.add_parser("bench", help="the benchmarks")
    bench.add_argument("--against", metavar="REF", nargs="?", const="merge-base", default=None,
                       help="compare this tree's migrations with REF's (default: the merge base with main), "
                            "interleaved on one server")
    bench.add_argument("--compare", action="store_true", help="compare with this machine's saved baseline")
    bench.add_argument("--fail", default=None, help="threshold, e.g. 25%% (default: 25%% for --against)")
    mutants = sub.add_parser("mutants", help="the suite against every broken migration")
    mutants.add_argument("--only", nargs="+", default=None, metavar="ID", help="mutant ids to run (default: all)")
    majors = sub.add_parser("majors", help="the suite on PostgreSQL 15 and newer majors")
    majors.add_argument("majors", nargs="*", type=int, default=[15, 16, 18])
    simulate = sub.add_parser("simulate", help="nightly cron runs under faults")
    simulate.add_argument("--nights", type=int, default=None, help="how many nights (default CERTLOG_NIGHTS)")
    sub.add_parser("gate", help="everything `make test` runs, side by side on both cores")
    return main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cli = parser()
    args, extra = cli.parse_known_args(argv)
    if extra and args.command not in PASS_THROUGH:
        cli.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        with terminate_as_interrupt():
            settings = Settings.from_env()
            _writable(settings)
            return _dispatch(args, extra, settings)
    except CertlogError as exc:
        print(f"certlog: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("certlog: interrupted; everything it started was stopped and removed", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        Janitor.shutdown()


def _writable(settings: Settings) -> None:
    """The report directory must take files before any work is done, not after."""
    try:
        settings.report_dir.mkdir(parents=True, exist_ok=True)
        probe = settings.report_dir / f".certlog-write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise CertlogError(f"CERTLOG_REPORT_DIR={settings.report_dir} cannot take files ({exc.strerror}); "
                           "choose a writable directory") from None


def _dispatch(args, extra: list[str], settings: Settings) -> int:
    if args.command == "verify":
        from certlog.runners import verify

        return verify.run(settings, extra)
    if args.command == "test":
        from certlog.runners import test as suite

        return suite.test(settings, extra)
    if args.command == "report":
        from pathlib import Path

        from certlog.runners import verify

        return verify.rebuild(settings, Path(args.results) if args.results else None)
    if args.command == "supabase-test":
        from certlog.runners import test as suite

        return suite.supabase_test(settings)
    if args.command == "contract":
        from certlog.runners import contract as derived

        return derived.run(write=args.write)
    if args.command == "bench":
        from certlog.runners import bench

        return bench.run(settings, against=args.against, compare=args.compare, fail=args.fail)
    if args.command == "mutants":
        from certlog.runners import mutants

        return mutants.main(settings, args.only)
    if args.command == "majors":
        from certlog.runners import majors

        if too_old := [m for m in args.majors if m < MINIMUM_MAJOR]:
            raise UsageError(f"certlog majors {' '.join(map(str, too_old))}: below the minimum of {MINIMUM_MAJOR} "
                             "(the task's PostgreSQL)")

        return majors.main(settings, args.majors)
    if args.command == "simulate":
        from certlog.runners import simulate

        return simulate.main(settings, nights=args.nights)
    if args.command == "gate":
        from certlog.runners import gate

        return gate.main(settings)
    return EXIT_ENVIRONMENT
