"""SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so everything started is stopped and removed."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


@contextmanager
def terminate_as_interrupt():
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
