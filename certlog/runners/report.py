"""`certlog report [RESULTS]`: the evidence again from saved results (by default the last complete verify's)."""

from __future__ import annotations

from pathlib import Path

from certlog.errors import UsageError
from certlog.plugin.results import load
from certlog.runners.verify import RESULTS, publish
from certlog.settings import Settings


def run(settings: Settings, source: Path | None, say=print) -> int:
    """`certlog report`: the evidence again from saved results (by default the last complete run's)."""
    path = source or settings.report_dir / RESULTS
    if not path.exists():
        raise UsageError(f"no results at {path}; run `make verify` (certlog verify) first")
    try:
        evidence = load(path)
    except OSError as exc:  # a directory, an unreadable file
        raise UsageError(f"{path} cannot be read: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:  # not JSON, or JSON of another shape (pydantic's errors too)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path} is not the results of a certlog verify run ({first})") from None
    return publish(evidence, settings.report_dir, say)


def command(settings: Settings, args, extra: list[str]) -> int:
    return run(settings, Path(args.results) if args.results else None)
