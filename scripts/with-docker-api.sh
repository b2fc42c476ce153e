#!/usr/bin/env bash
# Run a command with the Testcontainers backend (CERTLOG_BACKEND=container):
#   scripts/with-docker-api.sh <command...>
# With a Docker API already reachable (DOCKER_HOST, or /var/run/docker.sock) it just runs it.
# Otherwise podman serves one, on a machine without a Docker engine (Debian, root):
# Installs podman, runc and debootstrap if missing; configures podman for this kind of
# sandbox; builds the base image localhost/certlog-local/postgres:15 (Debian bookworm + PostgreSQL 15,
# no pgTAP: the container backend adds it through Testcontainers, as it does on postgres:15)
# unless it exists; serves the Docker API on a private socket; runs the command with
# DOCKER_HOST and the Testcontainers settings; stops the API service on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${DOCKER_HOST:-}" ] || [ -S /var/run/docker.sock ]; then
  export CERTLOG_BACKEND=container
  exec "$@"
fi

PG_MAJOR="${CERTLOG_PG_MAJOR:-15}"
BASE_IMAGE="localhost/certlog-local/postgres:${PG_MAJOR}"
say() { echo "with-docker-api: $*" >&2; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "podman, runc and debootstrap are needed (Debian: apt-get install podman runc debootstrap), or a Docker engine"
    exit 1
  fi
  say "installing podman runc debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null; }
fi

# This sandbox has no CAP_SYS_RESOURCE and hybrid cgroups: pin ulimits and use runc.
if [ ! -f /etc/containers/containers.conf ] || ! grep -q certlog /etc/containers/containers.conf; then
  nofile=$(ulimit -Hn)
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
# written by certlog scripts/with-docker-api.sh
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[engine]
runtime = "runc"
exit_command_delay = 5
CONF
fi

debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  echo "$uri"
}

if ! podman image exists "$BASE_IMAGE"; then
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { say "no Debian mirror found in /etc/apt/sources*"; exit 1; }
  rootfs=$(mktemp -d /var/tmp/certlog-rootfs.XXXXXX)
  cleanup_rootfs() { umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$rootfs"; }
  trap cleanup_rootfs EXIT
  say "building $BASE_IMAGE (debootstrap bookworm, about a minute, once per machine)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  mkdir -p "$rootfs/etc/postgresql-common"
  echo "create_main_cluster = false" > "$rootfs/etc/postgresql-common/createcluster.conf"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends postgresql-${PG_MAJOR} >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*"
  umount "$rootfs/proc"
  install -m 0755 containers/postgres-local/docker-entrypoint.sh "$rootfs/usr/local/bin/docker-entrypoint.sh"
  tar -C "$rootfs" -c . | podman import \
    --change "ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV PGDATA=/var/lib/postgresql/data" --change "EXPOSE 5432" --change "STOPSIGNAL SIGINT" \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
    - "$BASE_IMAGE" >/dev/null
  cleanup_rootfs
  trap - EXIT
fi

socket_dir=$(mktemp -d /tmp/certlog-podman.XXXXXX)
podman system service --time=0 "unix://$socket_dir/docker.sock" >"$socket_dir/service.log" 2>&1 &
service=$!
stop_service() { kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; rm -rf "$socket_dir"; }
trap stop_service EXIT INT TERM
for _ in $(seq 1 100); do [ -S "$socket_dir/docker.sock" ] && break; sleep 0.1; done
[ -S "$socket_dir/docker.sock" ] || { say "the podman API service did not start:"; cat "$socket_dir/service.log" >&2; exit 1; }

export DOCKER_HOST="unix://$socket_dir/docker.sock"
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_CONNECTION_MODE=docker_host
export CERTLOG_BACKEND=container
export CERTLOG_IMAGE="${CERTLOG_IMAGE:-$BASE_IMAGE}"
say "Docker API at $DOCKER_HOST; image $CERTLOG_IMAGE"
"$@"
