"""Errors that say what went wrong and what to do about it."""

from __future__ import annotations


class CertlogError(Exception):
    """Base of every error the harness raises on purpose."""


class ConfigError(CertlogError):
    pass


class BackendUnavailable(CertlogError):
    @classmethod
    def none_can_serve(cls, reasons: list[str]) -> BackendUnavailable:
        lines = "\n".join(f"  - {r}" for r in reasons)
        return cls(
            "no PostgreSQL server could be provided:\n"
            f"{lines}\n"
            "Install PostgreSQL 15 server binaries (Debian: apt-get install postgresql-15), "
            "or make a Docker API reachable (DOCKER_HOST) for the container backend, "
            "or set CERTLOG_DATABASE_URL to a superuser connection string."
        )


class ExecutableMissing(CertlogError):
    @classmethod
    def not_found(cls, name: str, searched: list[str], hint: str) -> ExecutableMissing:
        return cls(f"{name} not found (searched: {', '.join(searched) or 'PATH'}); {hint}")


class SqlScriptFailed(CertlogError):
    def __init__(self, script: str, stderr: str, returncode: int):
        self.script = script
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(f"{script} failed (psql exit {returncode}), rolled back:\n{stderr.strip()}")


class ServerStartFailed(CertlogError):
    def __init__(self, what: str, log_tail: str):
        super().__init__(f"{what}\n--- server log (last lines) ---\n{log_tail}")
