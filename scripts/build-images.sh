#!/usr/bin/env bash
# The container images the suite runs, built locally once per machine (no registry is needed):
#   localhost/certlog-local/postgres:<major>   Debian bookworm + PostgreSQL and pg_cron, the container
#                                              backend's base (Testcontainers adds pgTAP on top of it)
#   public.ecr.aws/supabase/pg_prove:3.36      what `supabase test db` runs (containers/pg-prove/)
# Each is built only when podman does not have it yet. Needs podman, runc and debootstrap (Debian, root).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${CERTLOG_PG_MAJOR:-15}"
BASE_IMAGE="localhost/certlog-local/postgres:${PG_MAJOR}"
PG_PROVE_IMAGE="public.ecr.aws/supabase/pg_prove:3.36"
RECIPE=2  # raise when the base image's contents change: an older build is then rebuilt
say() { echo "build-images: $*" >&2; }

# This sandbox has no CAP_SYS_RESOURCE and hybrid cgroups: pin ulimits and use runc.
if [ ! -f /etc/containers/containers.conf ] || ! grep -q certlog /etc/containers/containers.conf; then
  nofile=$(ulimit -Hn)
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
# written by certlog scripts/build-images.sh
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
[engine]
runtime = "runc"
exit_command_delay = 5
CONF
fi

debian_mirror() {  # this machine's Debian mirror (on another distribution, Debian's own)
  local uri=""
  if grep -qs '^ID=debian' /etc/os-release; then
    uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | head -n1 | awk '{print $2}')
    [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

recipe() { podman image inspect --format '{{index .Labels "certlog.recipe"}}' "$1" 2>/dev/null || true; }

if [ "$(recipe "$BASE_IMAGE")" != "$RECIPE" ]; then
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { say "no Debian mirror found in /etc/apt/sources*"; exit 3; }
  rootfs=$(mktemp -d /var/tmp/certlog-rootfs.XXXXXX)
  cleanup_rootfs() { umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$rootfs"; }
  trap cleanup_rootfs EXIT
  say "building $BASE_IMAGE (debootstrap bookworm, about a minute, once per machine)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  mkdir -p "$rootfs/etc/postgresql-common"
  echo "create_main_cluster = false" > "$rootfs/etc/postgresql-common/createcluster.conf"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends postgresql-${PG_MAJOR} postgresql-${PG_MAJOR}-cron >/dev/null 2>&1 \
    && apt-get clean && rm -rf /var/lib/apt/lists/*"
  umount "$rootfs/proc"
  install -m 0755 containers/postgres-local/docker-entrypoint.sh "$rootfs/usr/local/bin/docker-entrypoint.sh"
  tar -C "$rootfs" -c . | podman import \
    --change "ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV PGDATA=/var/lib/postgresql/data" --change "EXPOSE 5432" --change "STOPSIGNAL SIGINT" \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
    --change "LABEL certlog.recipe=$RECIPE" \
    - "$BASE_IMAGE" >/dev/null
  cleanup_rootfs
  trap - EXIT
fi

if [ "$(recipe "$PG_PROVE_IMAGE")" != "$RECIPE" ]; then
  say "building $PG_PROVE_IMAGE from $BASE_IMAGE with Debian's pg_prove (once per machine)"
  podman build -q --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "certlog.recipe=$RECIPE" -t "$PG_PROVE_IMAGE" \
    containers/pg-prove >/dev/null
fi
