"""Errors that say what went wrong and what to do about it, each with its exit code.

Exit codes of every certlog command:
  0  everything verified
  1  verification failed (a requirement, a test, a mutant that survived, a slower change)
  2  usage: a bad setting or argument (nothing was started)
  3  environment: something this machine lacks (a binary, Docker, a writable directory)
  130 interrupted (Ctrl-C, SIGTERM); everything started was stopped and removed
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
INTERRUPTED = "certlog: interrupted; everything it started was stopped and removed"  # the last word, on Ctrl-C


class CertlogError(Exception):
    """Base of every error the harness raises on purpose."""

    exit_code = EXIT_ENVIRONMENT


class UsageError(CertlogError):
    """A setting or argument the user gave is wrong."""

    exit_code = EXIT_USAGE



class BackendUnavailable(CertlogError):
    @classmethod
    def none_can_serve(cls, reasons: list[str]) -> BackendUnavailable:
        return cls("no PostgreSQL server could be provided (" + "; ".join(reasons) + "); install postgresql-15, "
                   "make a Docker API reachable (DOCKER_HOST), or set CERTLOG_DATABASE_URL")


class ExecutableMissing(CertlogError):
    @classmethod
    def not_found(cls, name: str, searched: list[str], hint: str) -> ExecutableMissing:
        return cls(f"{name} not found (searched: {', '.join(searched) or 'PATH'}); {hint}")


class SqlScriptFailed(CertlogError):
    """A SQL file failed; psql ran it in one transaction, so nothing of it stayed."""

    exit_code = EXIT_FAILED

    def __init__(self, script: str, stderr: str, returncode: int):
        self.script = script
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(f"{script} failed (exit {returncode}), rolled back: {stderr.strip()}")


class ServerStartFailed(CertlogError):
    def __init__(self, what: str, log_tail: str):
        self.log_tail = log_tail
        super().__init__(f"{what}\n--- server log (last lines) ---\n{log_tail}")
