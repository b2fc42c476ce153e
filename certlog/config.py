"""Settings, read once from the environment (CERTLOG_*), with defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from certlog.errors import ConfigError

BACKENDS = ("auto", "embedded", "container", "external")
PRIVILEGE_MODES = ("legacy", "revoked")


@dataclass(frozen=True)
class Settings:
    backend: str = "auto"
    database_url: str | None = None
    pg_bindir: str | None = None
    pg_major: int = 15
    image: str = "postgres:15"
    seed_rows: int = 50_000
    seed: int = 20261125
    report_dir: Path = Path("reports")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        backend = env.get("CERTLOG_BACKEND", "auto")
        if backend not in BACKENDS:
            raise ConfigError(f"CERTLOG_BACKEND={backend!r}: choose one of {', '.join(BACKENDS)}")
        database_url = env.get("CERTLOG_DATABASE_URL") or None
        if backend == "external" and not database_url:
            raise ConfigError("CERTLOG_BACKEND=external needs CERTLOG_DATABASE_URL (a superuser connection string)")
        return cls(
            backend=backend,
            database_url=database_url,
            pg_bindir=env.get("CERTLOG_PG_BINDIR") or None,
            pg_major=_int(env, "CERTLOG_PG_MAJOR", 15, minimum=15),
            image=env.get("CERTLOG_IMAGE", "postgres:15"),
            seed_rows=_int(env, "CERTLOG_SEED_ROWS", 50_000, minimum=1_000),
            seed=_int(env, "CERTLOG_SEED", 20261125, minimum=0),
            report_dir=Path(env.get("CERTLOG_REPORT_DIR", "reports")),
        )


def _int(env, name: str, default: int, *, minimum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value
