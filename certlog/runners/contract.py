"""`certlog contract`: what derives from the table contract and the settings, checked or rewritten.

Derived and committed: the pgTAP structure test, the pgTAP test of the key vectors, and
the README's generated blocks (the table of columns, the settings table). `--write` rewrites
them; without it, any difference is an error.
"""

from __future__ import annotations

from pathlib import Path

from certlog.derived import pgtap as contract_pgtap
from certlog.derived import readme
from certlog.model import contract, keys
from certlog.paths import ROOT

README = ROOT / "README.md"


def expected() -> dict[Path, str]:
    rows = keys.vectors()
    return {contract_pgtap.STRUCTURE_FILE: contract_pgtap.render(contract.load()),
            contract_pgtap.VECTORS_FILE: contract_pgtap.render_vectors(rows),
            contract_pgtap.CRON_FILE: contract_pgtap.render_cron(contract.load()),
            README: readme.regenerate(README.read_text())}


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
