"""`certlog contract`: the derived files (certlog.derived), checked or rewritten (`--write`); without it, any
difference is an error."""

from __future__ import annotations

from certlog.derived import expected
from certlog.paths import ROOT


def run(*, write: bool, say=print) -> int:
    stale = [path for path, text in expected().items() if not path.exists() or path.read_text() != text]
    if write:
        for path, text in expected().items():
            path.write_text(text)
        say("certlog contract: " + (", ".join(str(p.relative_to(ROOT)) for p in stale) + " rewritten"
                                    if stale else "everything derived was already up to date"))
        return 0
    for path in stale:
        say(f"certlog contract: {path.relative_to(ROOT)} differs from what the contract and settings say; "
            "run `certlog contract --write` (README: Architecture)")
    return 1 if stale else 0


def command(settings, args, extra: list[str]) -> int:
    return run(write=args.write)
