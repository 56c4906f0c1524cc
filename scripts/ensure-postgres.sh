#!/usr/bin/env bash
# Makes sure the PostgreSQL of the test URL answers. When it is local and does not, installs
# Debian's postgresql, starts its cluster and lets local TCP connections in (a test machine).
set -euo pipefail
url="${1:-postgresql://postgres@127.0.0.1:5432/test}"
hostport=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p.hostname or "127.0.0.1", p.port or 5432)' "$url")
read -r host port <<<"$hostport"
if pg_isready -q -h "$host" -p "$port" -t 5; then exit 0; fi
case "$host" in
  127.0.0.1|localhost|::1) ;;
  *) echo "PostgreSQL at $host:$port does not answer; the suite must run on PostgreSQL." >&2; exit 1 ;;
esac
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed"; then
  echo "Installing Debian's postgresql"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -q "openctpat-test" "$hba"; then
  # Trust local TCP connections for the test URL's passwordless postgres user.
  $SUDO sed -i "1i host all all 127.0.0.1/32 trust # openctpat-test\nhost all all ::1/128 trust # openctpat-test" "$hba"
fi
$SUDO sed -i "s/^#\?port = .*/port = $port/" "/etc/postgresql/$version/main/postgresql.conf"
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main restart || $SUDO pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && exit 0; sleep 1; done
echo "PostgreSQL did not start on $host:$port." >&2
exit 1
