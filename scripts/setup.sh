#!/usr/bin/env bash
# One-time set-up, safe to run again: the system packages the suite needs and a
# virtualenv with the pinned tox. Installs what is missing on Debian as root;
# elsewhere it says exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${CERTLOG_PG_MAJOR:-15}"
TOX_VERSION="4.67.15"
missing=()
[ -x "/usr/lib/postgresql/${PG_MAJOR}/bin/postgres" ] || [ -n "${CERTLOG_PG_BINDIR:-}${CERTLOG_DATABASE_URL:-}" ] \
  || missing+=("postgresql-${PG_MAJOR}")
[ -f "/usr/share/postgresql/${PG_MAJOR}/extension/pgtap.control" ] || [ -n "${CERTLOG_DATABASE_URL:-}" ] \
  || missing+=("postgresql-${PG_MAJOR}-pgtap")
command -v pg_prove >/dev/null || missing+=("libtap-parser-sourcehandler-pgtap-perl")

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} (apt-get)"
    # The suite runs its own throwaway clusters: no system cluster wanted.
    mkdir -p /etc/postgresql-common
    grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
      || echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})," >&2
    echo "setup: or point the suite at a server with CERTLOG_DATABASE_URL (see README)." >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/tox ] || [ "$(.venv/bin/tox --version 2>/dev/null | cut -d' ' -f1)" != "$TOX_VERSION" ]; then
  echo "setup: creating .venv with tox ${TOX_VERSION}"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "tox==${TOX_VERSION}"
fi
