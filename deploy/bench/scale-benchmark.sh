#!/usr/bin/env bash
# The detector at scale: N members in one group (default 10,000), K of them (default 1,000) lose
# power at once. Writes the section for N and K of docs/benchmarks.md (between its two markers; a
# first run of a size puts its section at the top) with each figure of every run, the worst, and
# its target; the rest of the file is kept.
#
#   deploy/bench/scale-benchmark.sh [RUNS] [--no-build]      (env: N, K; SERVICE_JVM: extra service JVM options;
#                                                             SERVICE_GC: the collector, default -XX:+UseParallelGC)
#
# Each run starts the service on its embedded ZooKeeper, one process holding the N-K survivors on
# one ZooKeeper session and one holding the K that fail (127.2.x.x addresses), measures
# registration, steady-state CPU/RSS and REST throughput (wrk: member GET against the admin
# /ping), then adds an nftables rule dropping 127.2.0.0/16, kill -9s the failing process and
# measures SUSPECT and DEAD; the rule is removed again. Needs root (nftables) and wrk. The shared
# network lock /tmp/hostwatch-netns.lock is held from adding the rule to removing it (a run that
# cannot get it within 10 minutes measures without the rule and says so). Not part of 'mvn verify'.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=3
build=1
for arg in "$@"; do
  case "$arg" in
    [1-9]) runs="$arg" ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [RUNS 1..9] [--no-build]" >&2; exit 2 ;;
  esac
done
N="${N:-10000}"
K="${K:-1000}"
[ "$(id -u)" = 0 ] || { echo "scale-benchmark: needs root (nftables)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "scale-benchmark: needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v nft >/dev/null || { echo "scale-benchmark: needs nft (apt-get install nftables)" >&2; exit 1; }

# tmpfs: the fleets' 10,000 slot writes a second must not stall ZooKeeper's log sync on a shared disk.
work=$(mktemp -d /dev/shm/hostwatch-bench.XXXXXX)
goals=(package -DskipTests)
[ "$build" = 1 ] || goals=(-o package -DskipTests)
# The reactor resolves the modules to their jars; the last module written is acceptance's classpath.
mvn -B -q -pl acceptance -am "${goals[@]}" dependency:build-classpath -Dmdep.outputFile="$work/classpath" \
  -Dmdep.includeScope=test >/dev/null
# Copies, so that a build running meanwhile cannot change what is measured.
cp service/target/hostwatch-service.jar "$work/hostwatch-service.jar"
cp -r acceptance/target/test-classes "$work/test-classes"
jar="$work/hostwatch-service.jar"
classpath="$work/test-classes:$(cat "$work/classpath")"

cleanup() {  # a run killed while its drop rule existed: remove it (under the lock)
  if nft list table inet hostwatch_bench >/dev/null 2>&1; then
    flock -w 60 /tmp/hostwatch-netns.lock nft delete table inet hostwatch_bench || true
  fi
}
trap cleanup EXIT
results=()
for i in $(seq 1 "$runs"); do
  echo "scale-benchmark: run $i of $runs (N=$N, K=$K)"
  if java -Dhostwatch.bench.serviceJvm="${SERVICE_JVM:-}" -Dhostwatch.bench.serviceGc="${SERVICE_GC:-}" -cp "$classpath" io.hostwatch.acceptance.bench.ScaleBenchmark run \
    "$work/run-$i.json" "$jar" "$classpath" "$work/run-$i" "$N" "$K"; then
    results+=("$work/run-$i.json")
  else
    echo "scale-benchmark: run $i FAILED (logs in $work/run-$i)" >&2
  fi
done
[ "${#results[@]}" -gt 0 ] || { echo "scale-benchmark: no run completed" >&2; exit 1; }
java -cp "$classpath" io.hostwatch.acceptance.bench.ScaleBenchmark report docs/benchmarks.md "${results[@]}"
echo "scale-benchmark: section N=$N K=$K of docs/benchmarks.md written (runs kept in $work)"
