"""The core: every fact of the table, the notification rule, the keys and the evidence records.

It depends on nothing else of certlog (an import-linter contract in pyproject.toml keeps it so);
every layer above reads its facts from here. The facts themselves are data files in certlog/data/.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
