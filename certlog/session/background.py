"""Work a session starts early and runs beside its tests (values of a Lazy, made ahead of need).

Such work is mostly another program working (the Supabase CLI, its pg_prove container) on a
database of its own, so the server has room for the tests meanwhile; a test that needs a value
still being made waits for it (Lazy's lock), and one that comes first makes it itself. Whatever
needs the server to itself waits for all of it first (`drain`): a restart, which would cut its
connections, and a test marked `exclusive` (a latency measured beside other work measures that
work too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from certlog.session.lazy import Lazy


class Background:
    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="certlog-background")
        self._futures: list[Future] = []

    def start(self, work: Callable[[], object]) -> Future:
        future = self._pool.submit(work)
        self._futures.append(future)
        return future

    def prefetch(self, values: Lazy, keys: Iterable[Hashable]) -> None:
        """Start making `keys` of `values`; an error surfaces where the value is asked for."""
        for key in keys:
            self.start(functools.partial(values.get_quietly, key))

    def drain(self) -> None:
        """Wait until everything started has ended, however it ended."""
        wait(self._futures)

    def close(self) -> None:
        """Start nothing more, and wait for what runs (stop its processes first to end it sooner)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
