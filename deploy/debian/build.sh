#!/usr/bin/env bash
# Builds the Debian package hostwatch_<version>_all.deb from the jars of a `mvn -B package`:
#   deploy/debian/build.sh [OUTDIR]            (default OUTDIR: target/debian)
# Environment: VERSION (default: the root pom's, -SNAPSHOT as ~SNAPSHOT), CLIENT_JAR, SERVICE_JAR.
# Plain dpkg-deb, no debhelper: the package holds both jars, the `hostwatch` command, both systemd
# units (not enabled: an operator enables the one the host needs, docs/operations.md), a
# sysusers.d entry for the `hostwatch` system user, and the example configuration under
# /usr/share/doc/hostwatch/examples. Nothing is written to /etc and nothing is started.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
out="$(mkdir -p "${1:-$top/target/debian}" && cd "${1:-$top/target/debian}" && pwd)"
client="${CLIENT_JAR:-$top/client/target/hostwatch.jar}"
service="${SERVICE_JAR:-$top/service/target/hostwatch-service.jar}"
for jar in "$client" "$service"; do
  [ -f "$jar" ] || { echo "build.sh: $jar does not exist: run 'mvn -B package' first" >&2; exit 2; }
done
pom_version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$top/pom.xml" | head -1)"
version="${VERSION:-${pom_version/-SNAPSHOT/~SNAPSHOT}}"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "build.sh: bad version '$version'" >&2; exit 2; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/hostwatch"
install -d -m 0755 "$root/DEBIAN" "$root/usr/share/hostwatch" "$root/usr/bin" "$root/lib/systemd/system" \
  "$root/usr/lib/sysusers.d" "$root/usr/share/doc/hostwatch/examples"
install -m 0644 "$client" "$root/usr/share/hostwatch/hostwatch.jar"
install -m 0644 "$service" "$root/usr/share/hostwatch/hostwatch-service.jar"
install -m 0755 "$here/hostwatch" "$root/usr/bin/hostwatch"
install -m 0644 "$top/deploy/systemd/hostwatch-service.service" "$top/deploy/systemd/hostwatch-agent.service" \
  "$root/lib/systemd/system/"
install -m 0644 "$here/sysusers.conf" "$root/usr/lib/sysusers.d/hostwatch.conf"
install -m 0644 "$top/deploy/config/service.yml" "$top/deploy/config/agent.conf" "$top/deploy/config/zoo.cfg" \
  "$top/deploy/config/inventory" "$top/deploy/prometheus/hostwatch-alerts.yml" \
  "$root/usr/share/doc/hostwatch/examples/"
install -m 0644 "$top/docs/operations.md" "$root/usr/share/doc/hostwatch/"
install -m 0755 "$here/postinst" "$here/postrm" "$root/DEBIAN/"
size="$(du -k -s "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/control" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$root/DEBIAN/md5sums"
deb="$out/hostwatch_${version}_all.deb"
dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$deb" >/dev/null
echo "$deb"
