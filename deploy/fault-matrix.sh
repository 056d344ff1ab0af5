#!/usr/bin/env bash
# Measures the fault matrix on real hosts (network namespaces) and writes docs/fault-matrix.md.
#
#   deploy/fault-matrix.sh [RUNS] [--no-build]
#
# RUNS: how often every row runs (1..5, default 3). Builds the modules (unless --no-build, which
# needs a previous 'mvn -B -q install -DskipTests'), runs the acceptance suite FaultMatrixIT with
# -Dhostwatch.repeats=RUNS, copies the table it writes to docs/fault-matrix.md and prints it.
# Exits non-zero when a row saw a wrong verdict (the table shows which). Needs root: the suite
# creates network namespaces and nftables rules (and removes them again).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
build=(-am)
for arg in "$@"; do
  case "$arg" in
    [1-5]) runs="$arg" ;;
    --no-build) build=() ;;
    *) echo "usage: $0 [RUNS 1..5] [--no-build]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "fault-matrix: needs root (network namespaces, nftables)" >&2; exit 1; }

report=acceptance/target/fault-matrix.md
rm -f "$report"
status=0
mvn -B -q -pl acceptance "${build[@]}" verify -Dit.test=FaultMatrixIT -Dhostwatch.repeats="$runs" \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false || status=$?
if [ ! -f "$report" ]; then
  echo "fault-matrix: no table was written (the build or the lab set-up failed: see above)" >&2
  exit 1
fi
cp "$report" docs/fault-matrix.md
cat docs/fault-matrix.md
echo
echo "fault-matrix: written to docs/fault-matrix.md"
if [ "$status" != 0 ]; then
  echo "fault-matrix: the suite FAILED (a wrong verdict, or a peer disturbed): see the table above and" \
    "acceptance/target/failsafe-reports/" >&2
fi
exit "$status"
