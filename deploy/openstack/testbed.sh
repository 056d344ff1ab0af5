#!/usr/bin/env bash
# A real OpenStack test bed on loopback, from Debian 12's packages: MariaDB (unix socket only),
# Keystone, RabbitMQ, Nova API and Masakari API + engine. nova-compute cannot run here: the
# `nova-compute` services of test hosts are created through Nova's own objects and a small
# background loop keeps their heartbeat (`last_seen_up`) fresh.
#
#   deploy/openstack/testbed.sh up [keystone]   start (and bootstrap once) everything, or only
#                                               MariaDB + Keystone; quick when already up
#   deploy/openstack/testbed.sh add-host NAME…  nova-compute services (and Masakari segment hosts)
#                                               for these host names; idempotent
#   deploy/openstack/testbed.sh status          each process: running or not; exit 0 only if all
#                                               of what `up` started is running
#   deploy/openstack/testbed.sh env             print the connection facts (shell syntax)
#   deploy/openstack/testbed.sh down            stop everything and remove the state directory
#
# Needs the packages (.ci/run installs them): mariadb-server keystone nova-api masakari-api
# masakari-engine rabbitmq-server python3-openstackclient python3-masakariclient uwsgi-core
# uwsgi-plugin-python3. Runs everything as the calling user (root in CI). Nothing listens on
# anything but 127.0.0.1; the ports are free ports chosen at the first `up` and kept in the state
# directory (HW_TESTBED_DIR, default data/openstack/ in this repository), so several beds (one per
# checkout) can run side by side. Each `up`/`down` holds a lock on the state directory. Logs:
# data/openstack/log/. Connection facts: data/openstack/testbed.env (also `env`).
#
# What Keystone holds (names and passwords are stable; tests rely on them):
#   region        regionOne  (Debian's default, lower-case r; regions are case-sensitive)
#   domain        Default
#   project       hostwatch  (the project every hostwatch identity below is scoped to)
#   admin         password admin-secret, admin on project admin (keystone-manage bootstrap)
#   hostwatch     password hostwatch-secret; admin + service on project hostwatch: what hostwatch
#                 needs for Nova os-services, Masakari notifications and validating tokens
#   application credential "hostwatch-testbed" of user hostwatch (its roles on project hostwatch),
#                 secret hostwatch-appcred-secret; its id is HW_APP_CRED_ID in testbed.env
#   hw-reader     password hw-reader-secret, reader on project hostwatch
#   hw-operator   password hw-operator-secret, admin on project hostwatch
#   hw-norole     password hw-norole-secret, no role on project hostwatch (a project-scoped token
#                 is refused with 401)
#   nova, masakari  the services' own users (password <name>-secret, admin on project service)
#   catalog       identity (keystone), compute (nova, .../v2.1), instance-ha (masakari,
#                 .../v1/%(tenant_id)s); public, internal and admin interfaces, all in regionOne
# Logs (HW_LOG_DIR): one `hwreq <ms> <method> <uri> <status> "<user agent>"` line per request in
# keystone.log, nova-api.log and masakari-api.log. HW_MASAKARI_DEBIAN_URL: a second Masakari API,
# Debian's package unfixed (answers 500 to notifications; append /HW_PROJECT_ID).
# Masakari: failover segment "hostwatch" (recovery method auto, service type COMPUTE); add-host
# puts each host in it. Masakari 14.0.2 on Debian 12 answers 500 to every call that emits a
# notification (docs/nova.md): the bed runs a copy of its code with the one-line fix in
# masakari/context.py (`read_deleted or "no"`); the installed package is left as it is.
set -euo pipefail

# The system's Python (the OpenStack packages' interpreter), whatever else is on PATH.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONHOME PYTHONPATH VIRTUAL_ENV || true
PY=/usr/bin/python3

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${HW_TESTBED_DIR:-$ROOT/data/openstack}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
RUN="$STATE/run"
LOG="$STATE/log"
ETC="$STATE/etc"
SOCK="$RUN/mysql.sock"
REGION=regionOne
DBPASS=testbed
RABBIT_USER=hostwatch
RABBIT_PASS=testbed
# A RabbitMQ node name of its own per bed (the state directory's path decides it).
NODE="hwbed$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)@localhost"

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf '[testbed] ERROR: %s\n' "$*" >&2; exit 1; }

pidof_svc() { [ -s "$RUN/$1.pid" ] && cat "$RUN/$1.pid" || true; }
running() {
  local pid; pid="$(pidof_svc "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start NAME CMD...: a daemon in the background with a PID file; output to log/NAME.log.
start() {
  local name="$1"; shift
  if running "$name"; then return 0; fi
  rm -f "$RUN/$name.pid"
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/$name.pid" \
    --chdir "$STATE" --output "$LOG/$name.log" --exec "$1" -- "${@:2}"
}

stop() {
  local name="$1" pid i
  pid="$(pidof_svc "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

# wait_for WHAT SECONDS CMD...: until CMD succeeds, or fail with the log's tail.
wait_for() {
  local what="$1" secs="$2" i; shift 2
  for i in $(seq 1 $((secs * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "$what did not come up within ${secs}s; last lines of $LOG/$what.log:"
  tail -n 30 "$LOG/$what.log" >&2 || true
  exit 1
}

# uwsgi's request log, one line per request, for tests to read: who called what, when, and the answer.
REQLOG=(--log-format 'hwreq %(tmsecs) %(method) %(uri) %(status) "%(uagent)"')

http_ok() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" | grep -q '^[234]'; }

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The ports of this bed: chosen once, kept.
ports() {
  local p
  touch "$STATE/ports.env"
  for p in KEYSTONE_PORT NOVA_PORT MASAKARI_PORT MASAKARI_DEBIAN_PORT AMQP_PORT EPMD_PORT DIST_PORT; do
    grep -q "^$p=" "$STATE/ports.env" || echo "$p=$(free_port)" >> "$STATE/ports.env"
  done
  # shellcheck disable=SC1091
  . "$STATE/ports.env"
  KEYSTONE_URL="http://127.0.0.1:$KEYSTONE_PORT/v3"
  NOVA_URL="http://127.0.0.1:$NOVA_PORT/v2.1"
  MASAKARI_URL="http://127.0.0.1:$MASAKARI_PORT/v1"
  TRANSPORT="rabbit://$RABBIT_USER:$RABBIT_PASS@127.0.0.1:$AMQP_PORT/"
}

db_url() { echo "mysql+pymysql://hw:$DBPASS@localhost/$1?unix_socket=$SOCK&charset=utf8"; }

sql() { mariadb --no-defaults --socket="$SOCK" -u root "$@"; }

# ---------------------------------------------------------------------------------------------
mariadb_up() {
  if [ ! -d "$STATE/mysql/mysql" ]; then
    log "MariaDB: initialising $STATE/mysql"
    rm -rf "$STATE/mysql"
    mariadb-install-db --no-defaults --datadir="$STATE/mysql" --user="$(id -un)" \
      --auth-root-authentication-method=socket --skip-test-db > "$LOG/mariadb-install.log" 2>&1 \
      || { tail -n 20 "$LOG/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  start mariadb /usr/sbin/mariadbd --no-defaults --datadir="$STATE/mysql" --socket="$SOCK" \
    --skip-networking --user="$(id -un)" --pid-file="$RUN/mariadbd.pid" \
    --innodb-buffer-pool-size=128M --max-connections=500 --skip-name-resolve --skip-log-bin \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-file-per-table=0 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
  wait_for mariadb 300 sql -e 'SELECT 1'
  if [ ! -e "$STATE/done-databases" ]; then
    sql <<SQL
CREATE DATABASE IF NOT EXISTS keystone;
CREATE DATABASE IF NOT EXISTS nova_api;
CREATE DATABASE IF NOT EXISTS nova;
CREATE DATABASE IF NOT EXISTS nova_cell0;
CREATE DATABASE IF NOT EXISTS masakari;
CREATE USER IF NOT EXISTS 'hw'@'localhost' IDENTIFIED BY '$DBPASS';
GRANT ALL PRIVILEGES ON *.* TO 'hw'@'localhost';
FLUSH PRIVILEGES;
SQL
    touch "$STATE/done-databases"
  fi
}

keystone_conf() {
  mkdir -p "$ETC/keystone" "$STATE/keystone"
  cat > "$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
use_stderr = true
[database]
connection = $(db_url keystone)
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys
[fernet_receipts]
key_repository = $STATE/keystone/fernet-keys
[credential]
key_repository = $STATE/keystone/credential-keys
[cache]
enabled = false
[oslo_policy]
enforce_new_defaults = false
EOF
}

keystone_up() {
  keystone_conf
  local c="$ETC/keystone/keystone.conf" me; me="$(id -un)"
  if [ ! -e "$STATE/done-keystone-db" ]; then
    log "Keystone: db_sync, fernet and credential keys"
    keystone-manage --config-file "$c" db_sync > "$LOG/keystone-manage.log" 2>&1 \
      || { tail -n 20 "$LOG/keystone-manage.log" >&2; die "keystone-manage db_sync failed"; }
    keystone-manage --config-file "$c" fernet_setup --keystone-user "$me" --keystone-group "$(id -gn)" >> "$LOG/keystone-manage.log" 2>&1
    keystone-manage --config-file "$c" credential_setup --keystone-user "$me" --keystone-group "$(id -gn)" >> "$LOG/keystone-manage.log" 2>&1
    touch "$STATE/done-keystone-db"
  fi
  # bootstrap is idempotent and puts the identity endpoints at this bed's port.
  if [ ! -e "$STATE/done-keystone-bootstrap-$KEYSTONE_PORT" ]; then
    log "Keystone: bootstrap (admin, region $REGION, identity endpoints)"
    keystone-manage --config-file "$c" bootstrap --bootstrap-password admin-secret \
      --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-region-id "$REGION" --bootstrap-admin-url "$KEYSTONE_URL" \
      --bootstrap-internal-url "$KEYSTONE_URL" --bootstrap-public-url "$KEYSTONE_URL" \
      >> "$LOG/keystone-manage.log" 2>&1 || { tail -n 20 "$LOG/keystone-manage.log" >&2; die "bootstrap failed"; }
    rm -f "$STATE"/done-keystone-bootstrap-*
    touch "$STATE/done-keystone-bootstrap-$KEYSTONE_PORT"
  fi
  start keystone /usr/bin/uwsgi --plugins python3 --http-socket "127.0.0.1:$KEYSTONE_PORT" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 2 --threads 4 --lazy-apps \
    --die-on-term --buffer-size 65535 --add-header "Connection: close" "${REQLOG[@]}" \
    --env "OS_KEYSTONE_CONFIG_DIR=$ETC/keystone" --need-app
  wait_for keystone 300 http_ok "$KEYSTONE_URL"
}

# Users, projects, roles, the catalog and the application credential: one Python run, idempotent.
keystone_setup() {
  local what="$1"
  local stamp="$STATE/done-keystone-setup-$what-$KEYSTONE_PORT-$NOVA_PORT-$MASAKARI_PORT"
  [ -e "$stamp" ] && return 0
  log "Keystone: projects, users, roles, catalog ($what)"
  HW_KEYSTONE_URL="$KEYSTONE_URL" HW_NOVA_URL="$NOVA_URL" HW_MASAKARI_URL="$MASAKARI_URL" \
    HW_REGION="$REGION" HW_STATE="$STATE" \
    $PY "$HERE/testbed_setup.py" keystone "$what" >> "$LOG/setup.log" 2>&1 \
    || { tail -n 30 "$LOG/setup.log" >&2; die "Keystone set-up failed"; }
  rm -f "$STATE"/done-keystone-setup-"$what"-*
  touch "$stamp"
}

rabbitmq_env() {
  export RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
  export RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$STATE/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$LOG/rabbitmq"
  export RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins"
  export RABBITMQ_PID_FILE="$RUN/rabbitmq-beam.pid" HOME="$STATE/rabbitmq"
  export RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq/rabbitmq-env.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$ETC/rabbitmq/advanced.config"
}

rabbitmq_up() {
  mkdir -p "$STATE/rabbitmq" "$ETC/rabbitmq" "$LOG/rabbitmq"
  rabbitmq_env
  printf '[].\n' > "$ETC/rabbitmq/enabled_plugins"
  : > "$ETC/rabbitmq/rabbitmq-env.conf"
  cat > "$ETC/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
loopback_users = none
vm_memory_high_watermark.absolute = 512MB
disk_free_limit.absolute = 50MB
EOF
  start rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
  wait_for rabbitmq 300 /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$NODE" await_startup
  if [ ! -e "$STATE/done-rabbitmq-user" ]; then
    /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$NODE" add_user "$RABBIT_USER" "$RABBIT_PASS" >/dev/null 2>&1 || true
    /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$NODE" set_permissions -p / "$RABBIT_USER" '.*' '.*' '.*' >/dev/null
    touch "$STATE/done-rabbitmq-user"
  fi
}

authtoken() {  # authtoken USER: a [keystone_authtoken] section for a service's own user
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL
auth_url = $KEYSTONE_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $1-secret
region_name = $REGION
# No token cache: a revoked token is refused at once (tests revoke hostwatch's tokens).
token_cache_time = -1
EOF
}

nova_conf() {
  mkdir -p "$ETC/nova" "$STATE/nova/lock"
  cp /etc/nova/api-paste.ini "$ETC/nova/api-paste.ini"
  cat > "$ETC/nova/nova.conf" <<EOF
[DEFAULT]
use_stderr = true
state_path = $STATE/nova
my_ip = 127.0.0.1
transport_url = $TRANSPORT
# Enabling an "up" service makes nova-api call its compute synchronously: with no compute here,
# that call waits this long. Longer than hostwatch's request time-out on purpose.
rpc_response_timeout = 20
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[oslo_concurrency]
lock_path = $STATE/nova/lock
[oslo_policy]
enforce_new_defaults = false
[oslo_messaging_notifications]
driver = noop
$(authtoken nova)
[placement]
auth_url = $KEYSTONE_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = nova
password = nova-secret
region_name = $REGION
EOF
}

nova_up() {
  nova_conf
  local c="$ETC/nova/nova.conf"
  if [ ! -e "$STATE/done-nova-db" ]; then
    log "Nova: api_db sync, cell0, cell1, db sync"
    {
      nova-manage --config-file "$c" api_db sync
      nova-manage --config-file "$c" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
      nova-manage --config-file "$c" cell_v2 list_cells | grep -q ' cell1 ' \
        || nova-manage --config-file "$c" cell_v2 create_cell --name cell1 --verbose
      nova-manage --config-file "$c" db sync
    } >> "$LOG/nova-manage.log" 2>&1 || { tail -n 30 "$LOG/nova-manage.log" >&2; die "nova-manage failed"; }
    touch "$STATE/done-nova-db"
  fi
  start nova-api /usr/bin/uwsgi --plugins python3 --http-socket "127.0.0.1:$NOVA_PORT" \
    --wsgi-file /usr/bin/nova-api-wsgi --master --processes 2 --threads 1 --enable-threads --lazy-apps \
    --die-on-term --buffer-size 65535 --add-header "Connection: close" "${REQLOG[@]}" \
    --env "OS_NOVA_CONFIG_DIR=$ETC/nova" --need-app
  wait_for nova-api 300 http_ok "http://127.0.0.1:$NOVA_PORT/"
  start nova-heartbeat $PY "$HERE/testbed_nova.py" --config-file "$c" heartbeat --interval 5
}

masakari_code() {
  # A copy of Masakari's code with Debian 12's one-line fix; only the bed's processes use it.
  local dst="$STATE/masakari-py"
  if [ ! -e "$dst/.fixed" ]; then
    rm -rf "$dst"; mkdir -p "$dst"
    cp -a /usr/lib/python3/dist-packages/masakari "$dst/"
    sed -i 's/^\(        self\.read_deleted = read_deleted\)$/\1 or "no"/' "$dst/masakari/context.py"
    grep -q 'self.read_deleted = read_deleted or "no"' "$dst/masakari/context.py" \
      || die "the Masakari fix no longer applies to masakari/context.py"
    touch "$dst/.fixed"
  fi
}

masakari_conf() {
  mkdir -p "$ETC/masakari" "$STATE/masakari/lock"
  cp /etc/masakari/api-paste.ini "$ETC/masakari/api-paste.ini"
  cat > "$ETC/masakari/masakari.conf" <<EOF
[DEFAULT]
use_stderr = true
auth_strategy = keystone
transport_url = $TRANSPORT
os_privileged_user_name = masakari
os_privileged_user_password = masakari-secret
os_privileged_user_tenant = service
os_privileged_user_auth_url = $KEYSTONE_URL
os_user_domain_name = Default
os_project_domain_name = Default
os_region_name = $REGION
nova_catalog_admin_info = compute:nova:publicURL
# Short waits so a host failure is processed in seconds; a 60 s duplicate window (180 s by default)
# so that tests see a second failure of a host both inside and after it.
duplicate_notification_detection_interval = 60
wait_period_after_service_update = 2
wait_period_after_evacuation = 2
verify_interval = 1
wait_period_after_power_off = 2
wait_period_after_power_on = 2
retry_notification_new_status_interval = 10
process_unfinished_notifications_interval = 30
[wsgi]
api_paste_config = $ETC/masakari/api-paste.ini
[database]
connection = $(db_url masakari)
[oslo_concurrency]
lock_path = $STATE/masakari/lock
[oslo_policy]
enforce_new_defaults = false
$(authtoken masakari)
EOF
}

masakari_up() {
  masakari_code
  masakari_conf
  local c="$ETC/masakari/masakari.conf"
  if [ ! -e "$STATE/done-masakari-db" ]; then
    log "Masakari: db sync"
    PYTHONPATH="$STATE/masakari-py" masakari-manage --config-file "$c" db sync >> "$LOG/masakari-manage.log" 2>&1 \
      || { tail -n 30 "$LOG/masakari-manage.log" >&2; die "masakari-manage db sync failed"; }
    touch "$STATE/done-masakari-db"
  fi
  # masakari-wsgi reads its configuration a second time from sys.argv alone: --pyargv.
  start masakari-api /usr/bin/uwsgi --plugins python3 --http-socket "127.0.0.1:$MASAKARI_PORT" \
    --wsgi-file /usr/bin/masakari-wsgi --master --processes 1 --threads 4 --enable-threads --lazy-apps \
    --die-on-term --buffer-size 65535 --add-header "Connection: close" "${REQLOG[@]}" \
    --pythonpath "$STATE/masakari-py" --env "OS_MASAKARI_CONFIG_DIR=$ETC/masakari" --need-app \
    --pyargv "--config-file $c"
  PYTHONPATH="$STATE/masakari-py" start masakari-engine /usr/bin/masakari-engine --config-file "$c"
  # Debian's Masakari as packaged, without the fix, on a port of its own: it answers 500 to every
  # notification (tests point hostwatch at it to see a Masakari that fails).
  start masakari-api-debian /usr/bin/uwsgi --plugins python3 --http-socket "127.0.0.1:$MASAKARI_DEBIAN_PORT" \
    --wsgi-file /usr/bin/masakari-wsgi --master --processes 1 --threads 2 --enable-threads --lazy-apps \
    --die-on-term --buffer-size 65535 --add-header "Connection: close" "${REQLOG[@]}" \
    --env "OS_MASAKARI_CONFIG_DIR=$ETC/masakari" --need-app --pyargv "--config-file $c"
  wait_for masakari-api 300 http_ok "http://127.0.0.1:$MASAKARI_PORT/"
  wait_for masakari-api-debian 300 http_ok "http://127.0.0.1:$MASAKARI_DEBIAN_PORT/"
}

write_env() {
  local appcred=""
  [ -s "$STATE/appcred.id" ] && appcred="$(cat "$STATE/appcred.id")"
  local project_id=""
  [ -s "$STATE/project.id" ] && project_id="$(cat "$STATE/project.id")"
  mkdir -p "$STATE"
  cat > "$STATE/testbed.env.tmp" <<EOF
# The OpenStack test bed (deploy/openstack/testbed.sh); source it for the openstack CLI.
export OS_AUTH_URL=$KEYSTONE_URL
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_PROJECT_NAME=hostwatch
export OS_USERNAME=hostwatch
export OS_PASSWORD=hostwatch-secret
export HW_TESTBED_DIR=$STATE
export HW_TESTBED_LEVEL=$1
export HW_KEYSTONE_URL=$KEYSTONE_URL
export HW_NOVA_URL=$NOVA_URL
export HW_MASAKARI_URL=$MASAKARI_URL
export HW_MASAKARI_DEBIAN_URL=http://127.0.0.1:$MASAKARI_DEBIAN_PORT/v1
export HW_PROJECT_ID=$project_id
export HW_LOG_DIR=$LOG
export HW_REGION=$REGION
export HW_PROJECT=hostwatch
export HW_ADMIN_USERNAME=admin
export HW_ADMIN_PASSWORD=admin-secret
export HW_ADMIN_PROJECT=admin
export HW_SERVICE_USERNAME=hostwatch
export HW_SERVICE_PASSWORD=hostwatch-secret
export HW_APP_CRED_ID=$appcred
export HW_APP_CRED_SECRET=hostwatch-appcred-secret
export HW_READER_USERNAME=hw-reader
export HW_READER_PASSWORD=hw-reader-secret
export HW_OPERATOR_USERNAME=hw-operator
export HW_OPERATOR_PASSWORD=hw-operator-secret
export HW_NOROLE_USERNAME=hw-norole
export HW_NOROLE_PASSWORD=hw-norole-secret
export HW_MASAKARI_SEGMENT=hostwatch
EOF
  mv "$STATE/testbed.env.tmp" "$STATE/testbed.env"
}

level() { [ -s "$STATE/level" ] && cat "$STATE/level" || echo none; }

cmd_up() {
  local want="${1:-all}"
  case "$want" in all|keystone) ;; *) die "up: 'keystone' or nothing, not '$want'";; esac
  # Once the whole bed was asked for, `up keystone` keeps it whole.
  [ "$want" = keystone ] && [ "$(level)" = all ] && want=all
  command -v keystone-manage >/dev/null && command -v uwsgi >/dev/null && command -v mariadbd >/dev/null \
    || die "the OpenStack packages are missing (see the header of $0)"
  mkdir -p "$RUN" "$LOG" "$ETC"
  ports
  mariadb_up
  keystone_up
  if [ "$want" = all ]; then
    rabbitmq_up
    keystone_setup all
    nova_up
    masakari_up
    masakari_segment
  else
    keystone_setup keystone
  fi
  echo "$want" > "$STATE/level"
  write_env "$want"
  mkdir -p "$ROOT/data/openstack"
  [ "$STATE/testbed.env" -ef "$ROOT/data/openstack/testbed.env" ] || cp "$STATE/testbed.env" "$ROOT/data/openstack/testbed.env"
  log "up ($want): Keystone $KEYSTONE_URL; facts in $STATE/testbed.env"
}

masakari_segment() {
  [ -e "$STATE/done-masakari-segment" ] && return 0
  HW_KEYSTONE_URL="$KEYSTONE_URL" HW_REGION="$REGION" HW_STATE="$STATE" \
    $PY "$HERE/testbed_setup.py" segment >> "$LOG/setup.log" 2>&1 \
    || { tail -n 30 "$LOG/setup.log" >&2; die "Masakari segment set-up failed"; }
  touch "$STATE/done-masakari-segment"
}

cmd_add_host() {
  [ "$(level)" = all ] || die "add-host needs the whole bed: run 'up' first"
  [ $# -gt 0 ] || die "add-host: which host names?"
  local h
  for h in "$@"; do
    [[ "$h" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || die "add-host: not a host name: '$h'"
  done
  ports
  $PY "$HERE/testbed_nova.py" --config-file "$ETC/nova/nova.conf" create "$@" >> "$LOG/setup.log" 2>&1 \
    || { tail -n 30 "$LOG/setup.log" >&2; die "creating the nova-compute services failed"; }
  HW_KEYSTONE_URL="$KEYSTONE_URL" HW_REGION="$REGION" HW_STATE="$STATE" \
    $PY "$HERE/testbed_setup.py" hosts "$@" >> "$LOG/setup.log" 2>&1 \
    || { tail -n 30 "$LOG/setup.log" >&2; die "adding the hosts to the Masakari segment failed"; }
  log "hosts in Nova and Masakari: $*"
}

SERVICES_KEYSTONE="mariadb keystone"
SERVICES_ALL="mariadb keystone rabbitmq nova-api nova-heartbeat masakari-api masakari-engine masakari-api-debian"

cmd_status() {
  local lvl s bad=0 list
  lvl="$(level)"
  case "$lvl" in all) list="$SERVICES_ALL";; keystone) list="$SERVICES_KEYSTONE";; *) echo "down"; return 3;; esac
  [ -s "$STATE/ports.env" ] && ports
  for s in $list; do
    if running "$s"; then printf '%-16s running (pid %s)\n' "$s" "$(pidof_svc "$s")"
    else printf '%-16s NOT running\n' "$s"; bad=1; fi
  done
  if [ "$bad" = 0 ]; then
    http_ok "$KEYSTONE_URL" || { echo "keystone         not answering at $KEYSTONE_URL"; bad=1; }
  fi
  echo "level: $lvl; Keystone $KEYSTONE_URL"
  [ "$bad" = 0 ] && echo "up" || echo "degraded"
  return $bad
}

cmd_down() {
  local s
  if [ -d "$RUN" ]; then
    for s in masakari-engine masakari-api masakari-api-debian nova-heartbeat nova-api keystone; do stop "$s"; done
    if running rabbitmq; then
      ports; rabbitmq_env
      /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$NODE" stop >/dev/null 2>&1 || true
    fi
    stop rabbitmq
    if [ -s "$STATE/ports.env" ]; then
      ports
      ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
    fi
    stop mariadb
  fi
  rm -rf "$STATE"
  rm -f "$ROOT/data/openstack/testbed.env"
  log "down: $STATE removed"
}

main() {
  local verb="${1:-}"; shift || true
  case "$verb" in
    up|down|add-host)
      exec 9> "$STATE.lock"
      flock -w 900 9 || die "another testbed.sh holds $STATE.lock"
      case "$verb" in
        up) cmd_up "$@";;
        down) cmd_down;;
        add-host) cmd_add_host "$@";;
      esac;;
    status) cmd_status;;
    env) [ -s "$STATE/testbed.env" ] || die "the bed is not up"; cat "$STATE/testbed.env";;
    *) sed -n '2,17p' "$0" >&2; exit 2;;
  esac
}

main "$@"
