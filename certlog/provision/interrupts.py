"""SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so everything started is stopped and removed.

The first SIGINT or SIGTERM starts the unwinding; later ones (tox forwards Ctrl-C again, a terminal sends it to
the whole process group) are ignored until it is done, so the clean-up and the last word are never cut short.
SIGKILL still stops everything at once; the janitor then removes what was left.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

_unwinding = threading.Event()  # set by the first signal, for every nested use; cleared when the outermost ends
_depth = 0


@contextmanager
def terminate_as_interrupt():
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        if _unwinding.is_set():
            return  # already unwinding: let the clean-up finish
        _unwinding.set()
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        stopping = _depth == 0 and _unwinding.is_set()
        for sig, handler in previous.items():
            # Interrupted, the process is on its way out: a late signal must not end its last word in a traceback.
            signal.signal(sig, signal.SIG_IGN if stopping else handler)
        if _depth == 0:
            _unwinding.clear()


def signalled() -> bool:
    """Whether a SIGINT or SIGTERM has started the unwinding (whatever then caught its KeyboardInterrupt)."""
    return _unwinding.is_set()
