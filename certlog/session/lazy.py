"""A mapping whose values are made on first use, once, safely from several threads.

The templates (one per default-privilege mode), their shared clones and the pgTAP runs are
made only when a test needs them; `prefetch()` makes the missing ones side by side.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor


class Lazy(Mapping):
    def __init__(self, keys: Iterable[Hashable], make: Callable[[Hashable], object]) -> None:
        self._keys = tuple(keys)
        self._make = make
        self._values: dict = {}
        self._errors: dict = {}  # what making a value raised, raised again to whoever asks for it
        self._locks = {key: threading.Lock() for key in self._keys}

    def __getitem__(self, key):
        if key not in self._locks:
            raise KeyError(key)
        with self._locks[key]:
            if key in self._errors:
                raise self._errors[key]
            if key not in self._values:
                try:
                    self._values[key] = self._make(key)
                except Exception as exc:
                    self._errors[key] = exc
                    raise
            return self._values[key]

    def get_quietly(self, key) -> None:
        """Make the value if it is missing; an error is kept for whoever asks for it (made in the background)."""
        with contextlib.suppress(Exception):  # raised again to the test that asks for this value
            self[key]

    def __iter__(self) -> Iterator:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def prefetch(self) -> None:
        """Make every missing value now, in parallel (each is mostly waiting on the server or a CLI)."""
        missing = [k for k in self._keys if k not in self._values]
        if len(missing) < 2:
            for key in missing:
                self[key]
            return
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            list(pool.map(self.__getitem__, missing))
