#!/usr/bin/env bash
# A local hostwatch cluster to play with: the service (with its embedded ZooKeeper) in this
# machine's network namespace, and N member hosts, each a network namespace on a private bridge
# running a real agent. Faults are real: links go down, processes are killed or frozen, packets
# are dropped.
#
#   deploy/local-cluster.sh up [N]            start the service and N hosts (host1..hostN, default 3)
#   deploy/local-cluster.sh fault HOST FAULT  kill | poweroff | isolate | heal | freeze | thaw | partition | stop
#   deploy/local-cluster.sh status            the hosts as this machine sees them, and the detector's verdicts
#   deploy/local-cluster.sh down              stop everything and remove it (namespaces, bridge, state)
#
# Needs root (network namespaces), ip (iproute2), nft (nftables), curl and Java 17, and the jars:
# mvn -B -q package -DskipTests. Addresses used: 198.18.1.0/24 only (the benchmarking range), on
# the bridge hwbr-c; the REST API listens on 127.0.0.1:8080 (admin :8081), ZooKeeper on
# 198.18.1.1:2181. State, logs and the shared storage are kept under data/local-cluster/.
# The cluster runs protected (docs/security.md): deploy/pki.sh makes its certificates under
# data/local-cluster/pki, ZooKeeper speaks TLS only, each host is enrolled and uses its own
# certificate.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN="${HOSTWATCH_CLUSTER_DIR:-$ROOT/data/local-cluster}"
CLIENT_JAR="$ROOT/client/target/hostwatch.jar"
SERVICE_JAR="$ROOT/service/target/hostwatch-service.jar"
SESSION="${HOSTWATCH_SESSION_TIMEOUT:-6s}"
RECHECK="${HOSTWATCH_RECHECK_INTERVAL:-2s}"
GROUP=compute
NET=198.18.1
BRIDGE=hwbr-c
GUARD=hw_c_guard
GATEWAY_NS=hw-cgw
ZK_PORT=2181
URL=http://127.0.0.1:8080
JAVA_OPTS=(-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

die() { echo "local-cluster: $*" >&2; exit 1; }
say() { echo "local-cluster: $*"; }

usage() {
  sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

need_root() {
  [ "$(id -u)" = 0 ] || die "needs root (it creates network namespaces): sudo $0 $*"
  local tool
  for tool in ip nft curl java; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (Debian: apt-get install iproute2 nftables curl openjdk-17-jre-headless)"
  done
}

need_jars() {
  [ -f "$CLIENT_JAR" ] && [ -f "$SERVICE_JAR" ] \
    || die "the jars are missing: run 'mvn -B -q package -DskipTests' in $ROOT first"
}

hosts() { cat "$RUN/hosts" 2>/dev/null || echo 0; }
ns_of() { echo "hw-c${1#host}"; }
link_of() { echo "hwv-c${1#host}"; }
addr_of() { echo "$NET.$((10 + ${1#host}))"; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

check_host() {
  local host="$1" n
  [[ "$host" =~ ^host([0-9]+)$ ]] || die "no such host '$host' (hosts are host1..host$(hosts))"
  n="${BASH_REMATCH[1]}"
  [ "$n" -ge 1 ] && [ "$n" -le "$(hosts)" ] || die "no such host '$host' (hosts are host1..host$(hosts))"
}

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
  local seconds="$1" i
  shift
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  return 1
}

add_namespace() { # ns address
  ip netns add "$1"
  ip link add "hwv-${1#hw-}" type veth peer name "hwp-${1#hw-}" netns "$1"
  ip link set "hwv-${1#hw-}" master "$BRIDGE"
  ip link set "hwv-${1#hw-}" up
  ip -n "$1" link set lo up
  ip -n "$1" addr add "$2/24" dev "hwp-${1#hw-}"
  ip -n "$1" link set "hwp-${1#hw-}" up
}

# Kills (by pid) what runs in a namespace of this cluster, then deletes the namespace.
remove_namespace() {
  local pid
  for pid in $(ip netns pids "$1" 2>/dev/null); do kill -CONT "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$1" 2>/dev/null || true
}

start_agent() {
  local host="$1"
  bash "$ROOT/deploy/pki.sh" "$RUN/pki" host "$host" >/dev/null
  nohup ip netns exec "$(ns_of "$host")" java "${JAVA_OPTS[@]}" -jar "$CLIENT_JAR" agent \
    --zk "$NET.1:$ZK_PORT" --group "$GROUP" --host "$host" --address "$(addr_of "$host")" \
    --storage "$RUN/storage" --session-timeout "$SESSION" --isolation-address "$NET.254" \
    --zk-tls-keystore "$RUN/pki/hosts/$host.p12" --zk-tls-truststore "$RUN/pki/truststore.p12" \
    --zk-tls-password-file "$RUN/pki/password" \
    >>"$RUN/$host.log" 2>&1 </dev/null &
  echo $! >"$RUN/$host.pid"
}

verdict() { curl -s --max-time 2 "$URL/v1/groups/$GROUP/members/$1" 2>/dev/null || true; }
is_running() { verdict "$1" | grep -q '"state":"RUNNING"'; }
is_leader() { curl -s --max-time 2 "$URL/v1/detector" | grep -q '"leader":true'; }

up() {
  local n="${1:-3}" host i port
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 20 ] || die "up N: N must be 1..20"
  need_root up; need_jars
  if pid_alive "$(pid_of service)"; then die "already up (run '$0 down' first)"; fi
  for port in 8080 8081 "$ZK_PORT"; do
    if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then die "port $port is in use: stop what listens there first"; fi
  done
  clean
  mkdir -p "$RUN/storage" "$RUN/zookeeper"
  echo "$n" >"$RUN/hosts"

  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Nothing for the cluster's subnet ever leaves by another interface, even once the bridge is gone.
  nft add table inet "$GUARD"
  nft add chain inet "$GUARD" out '{ type filter hook output priority -5 ; policy accept ; }'
  nft add rule inet "$GUARD" out ip daddr "$NET.0/24" oifname != "{ \"$BRIDGE\", \"lo\" }" drop
  # A gateway stand-in: the isolation address of the detector and of every agent.
  add_namespace "$GATEWAY_NS" "$NET.254"

  bash "$ROOT/deploy/pki.sh" --server-san "IP:$NET.1,IP:127.0.0.1" "$RUN/pki" init
  say "starting the service (embedded ZooKeeper on $NET.1:$ZK_PORT with TLS, REST on $URL)"
  nohup java "${JAVA_OPTS[@]/-Xmx160m/-Xmx384m}" \
    -Ddw.zookeeper.tls.keyStore="$RUN/pki/service.p12" -Ddw.zookeeper.tls.trustStore="$RUN/pki/truststore.p12" \
    -Ddw.zookeeper.tls.passwordFile="$RUN/pki/password" -Ddw.zookeeper.embedded.keyStore="$RUN/pki/zookeeper.p12" \
    -Ddw.zookeeper.embedded.address="$NET.1" -Ddw.zookeeper.embedded.port="$ZK_PORT" \
    -Ddw.zookeeper.embedded.dataDir="$RUN/zookeeper" -Ddw.zookeeper.sessionTimeout="$SESSION" \
    -Ddw.storage.root="$RUN/storage" -Ddw.detection.recheckInterval="$RECHECK" \
    -Ddw.detection.isolationAddresses="$NET.254" \
    -Ddw.server.applicationConnectors[0].bindHost=127.0.0.1 -Ddw.server.adminConnectors[0].bindHost=127.0.0.1 \
    -jar "$SERVICE_JAR" server >>"$RUN/service.log" 2>&1 </dev/null &
  echo $! >"$RUN/service.pid"
  wait_for 90 is_leader || die "the service did not become leader within 90 s: see $RUN/service.log"

  for ((i = 1; i <= n; i++)); do
    add_namespace "$(ns_of "host$i")" "$(addr_of "host$i")"
    java "${JAVA_OPTS[@]}" -jar "$CLIENT_JAR" enroll --url "$URL" "$GROUP" "host$i" >/dev/null \
      || die "could not enroll host$i"
    start_agent "host$i"
  done
  for ((i = 1; i <= n; i++)); do
    wait_for 60 is_running "host$i" || say "host$i is not RUNNING after 60 s: see $RUN/host$i.log"
  done
  status
  echo
  say "try: $0 fault host2 poweroff; sleep 10; $0 status"
}

fault() {
  local host="${1:-}" what="${2:-}" pid ns
  [ -n "$host" ] && [ -n "$what" ] || usage
  need_root fault
  [ -f "$RUN/hosts" ] || die "not up (run '$0 up' first)"
  check_host "$host"
  pid="$(pid_of "$host")"; ns="$(ns_of "$host")"
  case "$what" in
    kill)      pid_alive "$pid" && kill -KILL "$pid"
               say "$host: agent killed (kill -9), host still up: expect SERVICE_UNREACHABLE" ;;
    poweroff)  ip link set "$(link_of "$host")" down
               if pid_alive "$pid"; then kill -KILL "$pid"; fi
               say "$host: link down and agent killed: expect DEAD (actionable)" ;;
    isolate)   ip link set "$(link_of "$host")" down
               say "$host: link down, agent still writing storage: expect ISOLATED" ;;
    partition) ip netns exec "$ns" nft list table inet hw_fault >/dev/null 2>&1 || {
                 ip netns exec "$ns" nft add table inet hw_fault
                 ip netns exec "$ns" nft add chain inet hw_fault out '{ type filter hook output priority 0 ; policy accept ; }'
                 ip netns exec "$ns" nft add chain inet hw_fault in '{ type filter hook input priority 0 ; policy accept ; }'
                 ip netns exec "$ns" nft add rule inet hw_fault out ip daddr "$NET.1" tcp dport "$ZK_PORT" drop
                 ip netns exec "$ns" nft add rule inet hw_fault in ip saddr "$NET.1" tcp sport "$ZK_PORT" drop
               }
               say "$host: traffic to ZooKeeper dropped, ping and storage fine: expect PARTITIONED" ;;
    freeze)    pid_alive "$pid" || die "$host: agent not running"
               kill -STOP "$pid"
               say "$host: agent frozen (SIGSTOP): expect SERVICE_UNREACHABLE after the session timeout; thaw with '$0 fault $host thaw'" ;;
    thaw)      pid_alive "$pid" || die "$host: agent not running"
               kill -CONT "$pid"
               say "$host: agent resumed (SIGCONT): expect RUNNING" ;;
    stop)      pid_alive "$pid" && kill -TERM "$pid"
               say "$host: agent stopping gracefully (SIGTERM): expect STOPPED" ;;
    heal)      ip link set "$(link_of "$host")" up
               ip netns exec "$ns" nft delete table inet hw_fault 2>/dev/null || true
               if pid_alive "$pid"; then
                 kill -CONT "$pid"
               else
                 start_agent "$host"
               fi
               say "$host: link up, no packet filter, agent running: expect RUNNING" ;;
    *) die "unknown fault '$what' (kill | poweroff | isolate | heal | freeze | thaw | partition | stop)" ;;
  esac
}

# One field of a verdict's JSON without a JSON tool: the first "key":"text" or "key":value.
field() { grep -o "\"$2\":\"[^\"]*\"\|\"$2\":[a-z0-9.-]*" <<<"$1" | head -n 1 | sed "s/^\"$2\"://; s/\"//g"; }
# A signal's status in the evidence: "heartbeat":{"status":"LOST",...
signal() { grep -o "\"$2\":{\"status\":\"[A-Z_]*\"" <<<"$1" | head -n 1 | sed 's/.*:"//; s/"//'; }

status() {
  need_root status
  [ -f "$RUN/hosts" ] || die "not up (run '$0 up' first)"
  local n host pid agent link filter v out
  n="$(hosts)"
  if pid_alive "$(pid_of service)"; then say "service pid $(pid_of service), $URL"; else say "service NOT running"; fi
  printf '\n%-7s %-13s %-12s %-5s %s\n' HOST ADDRESS AGENT LINK FILTER
  for ((i = 1; i <= n; i++)); do
    host="host$i"; pid="$(pid_of "$host")"
    if ! pid_alive "$pid"; then agent="not running"
    elif [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ]; then agent="frozen"
    else agent="running"; fi
    link="$(ip -br link show "$(link_of "$host")" 2>/dev/null | awk '{print $2}')"
    filter="-"
    if ip netns exec "$(ns_of "$host")" nft list table inet hw_fault >/dev/null 2>&1; then filter="ZooKeeper port dropped"; fi
    printf '%-7s %-13s %-12s %-5s %s\n' "$host" "$(addr_of "$host")" "$agent" "${link:-?}" "$filter"
  done
  echo
  if out="$(java -XX:TieredStopAtLevel=1 -jar "$CLIENT_JAR" members "$GROUP" --url "$URL" --no-color 2>/dev/null)"; then
    echo "$out"
    return
  fi
  # The jar has no 'members' verb (or it failed): the same from the REST API.
  printf '%-7s %-20s %-10s %-9s %-8s %s\n' HOST STATE ACTIONABLE HEARTBEAT PING STORAGE
  for ((i = 1; i <= n; i++)); do
    v="$(verdict "host$i")"
    if [ -z "$v" ]; then echo "host$i  (no answer from $URL)"; continue; fi
    local st ac hb pg sg
    st="$(field "$v" state)"; ac="$(field "$v" actionable)"
    hb="$(signal "$v" heartbeat)"; pg="$(signal "$v" ping)"; sg="$(signal "$v" storage)"
    printf '%-7s %-20s %-10s %-9s %-8s %s\n' "host$i" "${st:--}" "${ac:--}" "${hb:--}" "${pg:--}" "${sg:--}"
    echo "        $(field "$v" reason)"
  done
}

# Removes every trace of the cluster: processes (by their recorded pid or inside its namespaces),
# namespaces, links, the guard table and the run directory.
clean() {
  local f pid ns link
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if pid_alive "$pid" && grep -q hostwatch "/proc/$pid/cmdline" 2>/dev/null; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -TERM "$pid" 2>/dev/null || true
      wait_for 10 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^hw-c([0-9]+|gw)$' || true); do
    remove_namespace "$ns"
  done
  # A deleted namespace takes its veth pair along, asynchronously: delete what is still there now.
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^hwv-c([0-9]+|gw)$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  nft delete table inet "$GUARD" 2>/dev/null || true
  rm -rf "$RUN"
}

down() {
  need_root down
  clean
  say "down: service, agents, namespaces, bridge and $RUN removed"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  fault) shift; fault "$@" ;;
  status) status ;;
  down) down ;;
  *) usage ;;
esac
