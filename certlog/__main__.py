"""`python -m certlog`: the command line (certlog.runners.cli)."""

import atexit
import contextlib
import os
import sys

_exit_code = [1]  # what main() returned; 1 if it raised


def _exit_without_teardown() -> None:
    """The last exit handler (the first registered): by now main() has stopped and removed everything it started,
    the other handlers have run and every thread has been joined. What is left is the interpreter tearing down
    each module imported (pytest, psycopg, matplotlib), a few tenths of a second per command: skipped."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(_exit_code[0])


atexit.register(_exit_without_teardown)

from certlog.runners.cli import main  # noqa: E402 - after the handler that must run last

try:
    _exit_code[0] = main()
except SystemExit as exc:  # argparse's usage errors, --help
    _exit_code[0] = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    raise
sys.exit(_exit_code[0])
