"""certlog: the verification suite's commands, built from the table of commands (certlog.commands).

Arguments a command does not know are passed to pytest where it runs one (verify, test). Settings: CERTLOG_*
variables (README, Settings). Exit codes: 0 verified, 1 verification failed, 2 bad setting or argument,
3 something missing on this machine, 130 interrupted (everything started was removed).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from certlog.commands import BY_NAME, COMMANDS
from certlog.errors import EXIT_INTERRUPTED, INTERRUPTED, CertlogError
from certlog.provision.interrupts import terminate_as_interrupt
from certlog.provision.janitor import Janitor
from certlog.settings import Settings


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  certlog {c.name} {c.usage}".rstrip() + f"\n      {c.does}" for c in COMMANDS)
    main = argparse.ArgumentParser(prog="certlog", description=f"{__doc__.splitlines()[0]}\n\n{listing}",
                                   epilog="\n".join(__doc__.split("\n\n", 1)[1].splitlines()),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        added = sub.add_parser(command.name, help=command.does)
        for option in command.options:
            added.add_argument(*option.flags, **option.options)
    return main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cli = parser()
    args, extra = cli.parse_known_args(argv)
    command = BY_NAME[args.command]
    if extra and not command.pytest_args:
        cli.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        with terminate_as_interrupt():
            settings = Settings.from_env()
            _writable(settings)
            return importlib.import_module(command.module).command(settings, args, extra)
    except CertlogError as exc:
        print(f"certlog: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
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
