#!/usr/bin/env bash
# A development certificate authority and the certificates hostwatch's ZooKeeper TLS needs:
# openssl for the keys and certificates (EC P-256, PKCS12 stores), keytool for the Java trust
# store. Not for production: a real deployment takes its certificates from the site's own CA
# (docs/security.md says which subjects to issue).
#
#   deploy/pki.sh DIR init                      the CA, the ZooKeeper server, the service and the reader
#   deploy/pki.sh DIR host NAME...              a certificate per member host (runs init first if needed)
#
# Options (before DIR): --password P (store password, default: DIR/password, made at init),
# --server-san LIST (SANs of the ZooKeeper server certificate, openssl syntax, default
# IP:127.0.0.1,DNS:localhost), --days N (validity, default 825).
#
# Layout of DIR (every file mode 600, DIR mode 700):
#   ca.key, ca.pem    the CA's key and certificate (keep the key off the hosts)
#   truststore.p12    the CA certificate only: the trust store of every ZooKeeper client and server
#   zookeeper.p12     ZooKeeper server identity   CN=zookeeper,OU=servers,O=hostwatch
#   service.p12       hostwatch service identity  CN=hostwatch-service,OU=service,O=hostwatch
#   reader.p12        read-only identity          CN=hostwatch-reader,OU=readers,O=hostwatch
#   hosts/NAME.p12    member host identity        CN=NAME,OU=hosts,O=hostwatch
#   password          the stores' password
set -euo pipefail

PASSWORD=""
SERVER_SAN="IP:127.0.0.1,DNS:localhost"
DAYS=825
while [ $# -gt 0 ]; do
  case "$1" in
    --password) PASSWORD="$2"; shift 2 ;;
    --server-san) SERVER_SAN="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    *) break ;;
  esac
done

die() { echo "pki: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 [--password P] [--server-san LIST] [--days N] DIR init | DIR host NAME..."
command -v openssl >/dev/null 2>&1 || die "openssl not found (Debian: apt-get install openssl)"
command -v keytool >/dev/null 2>&1 || die "keytool not found (it comes with Java 17)"
DIR="$1"
CMD="$2"
shift 2
umask 077
mkdir -p "$DIR/hosts"
chmod 700 "$DIR" "$DIR/hosts"

if [ -z "$PASSWORD" ]; then
  if [ ! -s "$DIR/password" ]; then
    openssl rand -hex 16 > "$DIR/password"
  fi
  PASSWORD="$(head -n 1 "$DIR/password")"
elif [ ! -s "$DIR/password" ]; then
  printf '%s\n' "$PASSWORD" > "$DIR/password"
fi
[ ${#PASSWORD} -ge 6 ] || die "the store password must have at least 6 characters"

# Certificates are valid from two days ago: a member whose clock runs behind (the tests fake
# skewed clocks) must still accept the servers' certificates.
START="$(date -u -d '-2 days' +%Y%m%d%H%M%SZ)"
END="$(date -u -d "+$DAYS days" +%Y%m%d%H%M%SZ)"

# sign CSR OUT EXTENSIONS-FILE [selfsign]: openssl ca with a throw-away database (backdated start).
sign() {
  local csr="$1" out="$2" ext="$3" self="${4:-}" db
  db="$(mktemp -d "$DIR/.ca.XXXXXX")"
  : > "$db/index.txt"
  cat > "$db/ca.cnf" <<CNF
[ ca ]
default_ca = dev
[ dev ]
database = $db/index.txt
new_certs_dir = $db
rand_serial = yes
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[ any ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
CNF
  if [ -n "$self" ]; then
    openssl ca -batch -config "$db/ca.cnf" -selfsign -keyfile "$DIR/ca.key" -in "$csr" -out "$out" \
      -startdate "$START" -enddate "$END" -extfile "$ext" -preserveDN -notext 2>"$db/err" || { cat "$db/err" >&2; exit 1; }
  else
    openssl ca -batch -config "$db/ca.cnf" -cert "$DIR/ca.pem" -keyfile "$DIR/ca.key" -in "$csr" -out "$out" \
      -startdate "$START" -enddate "$END" -extfile "$ext" -preserveDN -notext 2>"$db/err" || { cat "$db/err" >&2; exit 1; }
  fi
  rm -rf "$db"
}

# issue STORE SUBJECT EKU [SAN]: a key and a certificate signed by the CA, in a PKCS12 store with the CA beside it.
issue() {
  local store="$1" subject="$2" eku="$3" san="${4:-}" work
  [ -s "$store" ] && return 0
  work="$(mktemp -d "$DIR/.issue.XXXXXX")"
  {
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } > "$work/ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
    -subj "$subject" -out "$work/csr.pem" 2>/dev/null
  sign "$work/csr.pem" "$work/crt.pem" "$work/ext"
  openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/crt.pem" -certfile "$DIR/ca.pem" -name identity \
    -passout "pass:$PASSWORD" -out "$work/store.p12"
  mv "$work/store.p12" "$store"
  rm -rf "$work"
}

init() {
  if [ ! -s "$DIR/ca.key" ] || [ ! -s "$DIR/ca.pem" ]; then
    local work
    work="$(mktemp -d "$DIR/.ca-init.XXXXXX")"
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' \
      > "$work/ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$DIR/ca.key" \
      -subj "/O=hostwatch/CN=hostwatch development CA" -out "$work/ca.csr" 2>/dev/null
    sign "$work/ca.csr" "$DIR/ca.pem" "$work/ext" selfsign
    rm -rf "$work" "$DIR/truststore.p12"
  fi
  if [ ! -s "$DIR/truststore.p12" ]; then
    keytool -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -importcert -keystore "$DIR/truststore.p12.tmp" \
      -storetype PKCS12 -storepass "$PASSWORD" -alias ca -file "$DIR/ca.pem" -noprompt >/dev/null 2>&1
    mv "$DIR/truststore.p12.tmp" "$DIR/truststore.p12"
  fi
  issue "$DIR/zookeeper.p12" "/O=hostwatch/OU=servers/CN=zookeeper" "serverAuth,clientAuth" "$SERVER_SAN"
  issue "$DIR/service.p12" "/O=hostwatch/OU=service/CN=hostwatch-service" "clientAuth"
  issue "$DIR/reader.p12" "/O=hostwatch/OU=readers/CN=hostwatch-reader" "clientAuth"
}

case "$CMD" in
  init) init ;;
  host)
    [ $# -ge 1 ] || die "host needs at least one host name"
    init
    for name in "$@"; do
      [[ "$name" =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || die "not a host name: '$name'"
      issue "$DIR/hosts/$name.p12" "/O=hostwatch/OU=hosts/CN=$name" "clientAuth"
    done ;;
  *) die "unknown command '$CMD' (init | host NAME...)" ;;
esac
