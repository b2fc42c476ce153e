"""GitHub-flavoured Markdown pieces every report uses: tables and code blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)")  # colours; OSC-8 links


def code(text: str, language: str = "") -> str:
    """A tool's output as a code block, without what only a terminal shows (colours, hyperlinks) and without its
    decorations outside the Basic Multilingual Plane (emoji, which many monospace fonts, headless Chromium's among
    them, draw as empty boxes)."""
    plain = "".join(c for c in TERMINAL_CODES.sub("", text) if ord(c) <= 0xFFFF and c not in "\u200d\ufe0f")
    return f"```{language}\n{plain.rstrip()}\n```"


def details(summary: str, body: str) -> str:
    """A collapsed block (renders in pull requests and in the HTML alike)."""
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"
