"""Generated blocks inside a hand-written file: the text between an opening and a closing marker line is made
anew from the one place its facts are declared; the rest of the file is left as it is."""

from __future__ import annotations

import re
from collections.abc import Callable


def regenerate_blocks(text: str, blocks: dict[str, Callable[[], str]], opener: str, closer: str, file: str) -> str:
    """`text` with each named block made anew; the markers are `opener` and `closer` with the name put in."""
    for name, make in blocks.items():
        pattern = re.compile(rf"({re.escape(opener.format(name))}\n).*?({re.escape(closer.format(name))})", re.DOTALL)
        found = pattern.search(text)
        if not found:
            raise LookupError(f"{file} has no generated block {name!r}")
        text = text[:found.end(1)] + make() + "\n" + text[found.start(2):]
    return text
