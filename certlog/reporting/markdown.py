"""GitHub-flavoured Markdown pieces every report uses: tables and code blocks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def code(text: str, language: str = "") -> str:
    """A tool's output as a code block, without its decorations outside the Basic Multilingual Plane (emoji,
    which many monospace fonts, headless Chromium's among them, draw as empty boxes)."""
    plain = "".join(c for c in text if ord(c) <= 0xFFFF and c not in "\u200d\ufe0f")  # and what joins them
    return f"```{language}\n{plain.rstrip()}\n```"


def details(summary: str, body: str) -> str:
    """A collapsed block (renders in pull requests and in the HTML alike)."""
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"
