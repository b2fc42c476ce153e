"""certlog: the main job (verify) and its helpers.

  certlog verify    run every check on the embedded default (or CERTLOG_* backend),
                    write reports/evidence.md and .html, print each requirement's
                    verdict, exit non-zero if any fails
  certlog pgprove   run supabase/tests with pg_prove exactly as `supabase test db` does
  certlog report    rebuild the evidence report from the last run's results
  certlog bench     the benchmarks (--compare: against this machine's baseline)
  certlog mutants   the suites against every broken migration of mutants/catalogue.toml
  certlog majors    the suites on PostgreSQL 15, 16 and 18
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from certlog.errors import CertlogError
from certlog.paths import ROOT
from certlog.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="certlog", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="the full verification and its evidence report (other arguments go to pytest)")
    sub.add_parser("test", help="the schema and conformance suites (other arguments go to pytest)")
    sub.add_parser("pgprove", help="`supabase test db` on a freshly migrated database")
    sub.add_parser("report", help="rebuild reports/evidence.* from reports/results.json")
    mutants = sub.add_parser("mutants", help="run the suite against every broken migration of mutants/catalogue.toml")
    mutants.add_argument("--only", nargs="*", default=None, help="mutant ids to run (default: all)")
    majors = sub.add_parser("majors", help="the schema and conformance suites on PostgreSQL 15 and newer majors")
    majors.add_argument("majors", nargs="*", type=int, default=[15, 16, 18])
    bench = sub.add_parser("bench", help="run the benchmarks; scales from CERTLOG_BENCH_SCALES")
    bench.add_argument("--compare", action="store_true",
                       help="compare with this machine's saved baseline (save one if there is none)")
    bench.add_argument("--fail", default=None, help="regression threshold, e.g. median:30%% (default)")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in ("verify", "test"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        settings = Settings.from_env()
        if args.command == "verify":
            return _verify(settings, extra)
        if args.command == "test":
            return _test(settings, extra)
        if args.command == "pgprove":
            return _pgprove(settings)
        if args.command == "mutants":
            return _mutants(settings, args.only)
        if args.command == "majors":
            return _majors(settings, args.majors)
        if args.command == "bench":
            return _bench(settings, compare=args.compare, fail=args.fail)
        return _report(settings)
    except CertlogError as exc:
        print(f"certlog: error: {exc}", file=sys.stderr)
        return 2


def _test(settings: Settings, extra: list[str]) -> int:
    import pytest

    os.chdir(ROOT)
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    return int(pytest.main(["-p", "no:cacheprovider", "schema", "conformance",
                            f"--junitxml={settings.report_dir / 'junit-tests.xml'}", *extra]))


def _verify(settings: Settings, extra: list[str]) -> int:
    import pytest

    from certlog.runners import lint

    started = time.perf_counter()
    os.chdir(ROOT)
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    code = pytest.main(["-p", "no:cacheprovider", "schema", "conformance",
                        f"--junitxml={settings.report_dir / 'junit-verify.xml'}", *extra])
    lint_results = lint.run_all(settings.migrations_dir)
    return _report(settings, lint_results=lint_results, wall_seconds=time.perf_counter() - started,
                   pytest_exit=int(code))


def _report(settings: Settings, *, lint_results=None, wall_seconds=None, pytest_exit=None) -> int:
    from certlog.checks.pytest_plugin import RESULTS_FILE
    from certlog.reporting import report
    from certlog.reporting.evidence import load
    from certlog.reporting.verdicts import requirement_verdicts, table

    results_path = settings.report_dir / RESULTS_FILE
    if not results_path.exists():
        print(f"certlog: no results at {results_path}; run `certlog verify` first", file=sys.stderr)
        return 2
    results = load(results_path)
    verdicts = requirement_verdicts(results["tests"])
    paths = report.write(settings.report_dir, results, verdicts, migrations=settings.migrations_dir,
                         lint_results=lint_results,
                         wall_seconds=wall_seconds)
    lint_ok = all(r.ok for r in lint_results or [])
    passed = sum(v.passed for v in verdicts)
    print("\nRequirement verdicts\n" + table(verdicts))
    for result in lint_results or []:
        print(f"{'PASS' if result.ok else 'FAIL':<11} lint: {result.name}")
    print(f"\n{passed} of {len(verdicts)} requirements pass; evidence: {', '.join(str(p) for p in paths)}")
    ok = passed == len(verdicts) and lint_ok and pytest_exit in (None, 0)
    if pytest_exit not in (None, 0):
        print(f"certlog: pytest exited {pytest_exit}", file=sys.stderr)
    return 0 if ok else 1


def _bench(settings: Settings, *, compare: bool, fail: str | None) -> int:
    import pytest

    from certlog.runners import benchmarks

    os.chdir(ROOT)
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    args, plan = benchmarks.pytest_args(settings.report_dir, compare=compare, fail=fail or benchmarks.DEFAULT_FAIL)
    print(f"certlog bench: {plan}", flush=True)
    code = int(pytest.main(args))
    bench_json = settings.report_dir / "bench.json"
    if bench_json.exists():
        print(f"certlog bench: scale report {benchmarks.write_scale_report(bench_json, settings.report_dir / 'bench')}")
    return code


def _mutants(settings: Settings, only: list[str] | None) -> int:
    from certlog.runners import mutants

    chosen = mutants.catalogue()
    if only:
        unknown = set(only) - {m.id for m in chosen}
        if unknown:
            print(f"certlog: unknown mutant(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        chosen = [m for m in chosen if m.id in only]
    from certlog.provision.tempdirs import TempDir

    scratch = TempDir("run")
    try:
        control, outcomes = mutants.run_all(chosen, settings, scratch.path, say=lambda m: print(m, flush=True))
    finally:
        scratch.remove()
    text = mutants.markdown(control, outcomes)
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    (settings.report_dir / "mutants.md").write_text(text)
    killed = sum(o.killed for o in outcomes)
    print(f"\nkill ratio: {killed}/{len(outcomes)} ({100 * killed / max(1, len(outcomes)):.0f}%); "
          f"report: {settings.report_dir / 'mutants.md'}")
    if control.killed:
        print("certlog: the unmutated migration fails the suite, so no kill counts", file=sys.stderr)
        return 1
    return 0 if killed == len(outcomes) else 1


def _majors(settings: Settings, majors: list[int]) -> int:
    from certlog.runners import majors as runner

    results = []
    for major in majors:
        print(f"certlog majors: PostgreSQL {major} ...", flush=True)
        result = runner.run(major, settings.report_dir / "majors")
        results.append(result)
        print(f"certlog majors: PostgreSQL {major}: {result.passed} passed, {result.failed} failed "
              f"({result.version}, {result.seconds:.1f}s)", flush=True)
    text = runner.markdown(results)
    (settings.report_dir / "majors.md").write_text(text)
    print("\n" + text)
    return 0 if all(r.ok for r in results) else 1


def _pgprove(settings: Settings) -> int:
    """`supabase test db` against a freshly migrated database, as a developer would run it."""
    from certlog.checks.harness import Harness
    from certlog.paths import PGTAP_TESTS
    from certlog.provision.docker_api import docker_api

    rig = Harness(settings, say=lambda message: print(f"certlog: {message}", flush=True))
    try:
        rig.open(None)
        database = rig.clone("pgtap")
        with docker_api() as docker_env:
            run = rig.cli.test_db(database, PGTAP_TESTS, docker_env)
    finally:
        rig.close()
    print(f"$ {run.command}\n{run.output}", end="")
    return run.exit_code


if __name__ == "__main__":
    sys.exit(main())
