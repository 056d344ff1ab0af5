#!/usr/bin/env bash
# Runs the nemesis soak on real hosts (network namespaces) and writes its summary to docs/soak.md.
#
#   deploy/soak.sh SEED DURATION [--no-build] [--session SECONDS] [--fencing|--no-fencing]
#
# SEED: any integer; the same SEED and DURATION replay exactly the same fault schedule (it is
# printed first and kept in acceptance/target/soak/schedule.txt). DURATION: how long faults are
# injected, as 1800, 1800s, 30m or 1h (a settle phase and the set-up come on top). Builds the
# modules (unless --no-build, which needs a previous 'mvn -B -q install -DskipTests'), runs the
# acceptance suite SoakIT under flock /tmp/hostwatch-netns.lock (the network-namespace suites take
# turns), replaces the run section of docs/soak.md with the new summary and prints it. Exits non-zero
# when the checker found a violation: the summary names rule, host and time. The nemesis log, the
# verdict history and the schedule stay in acceptance/target/soak/. To cut a long run short and
# still get its checks: touch acceptance/target/soak/stop (faults not yet started are skipped, the
# started ones healed, then settle and check). --fencing (the default) gives every host a real BMC
# (OpenIPMI's ipmi_sim, asked with ipmitool lanplus; packages openipmi and ipmitool) and configures
# the group with out-of-band fencing; --no-fencing runs without BMCs, the double faults then listed
# in a class of their own. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 SEED DURATION(1800|1800s|30m|1h) [--no-build] [--session SECONDS] [--fencing|--no-fencing]" >&2; exit 2; }
[ $# -ge 2 ] || usage
seed="$1"; duration="$2"; shift 2
[[ "$seed" =~ ^-?[0-9]{1,18}$ ]] || usage
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 30 ] && [ "$seconds" -le 21600 ] || {
  echo "soak: DURATION must be 30 s to 6 h" >&2; exit 2; }
build=(-am)
session=4
fencing=true
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=() ;;
    --session) shift; [[ "${1:-}" =~ ^[0-9]+$ ]] || usage; session="$1" ;;
    --fencing) fencing=true ;;
    --no-fencing) fencing=false ;;
    *) usage ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces, nftables)" >&2; exit 1; }

report=acceptance/target/soak/soak.md
rm -f "$report"
status=0
# The fork may run for the whole soak, its set-up and settle, and the build's own ITs do not run.
fork=$(( seconds + 1800 ))
flock /tmp/hostwatch-netns.lock mvn -B -q -pl acceptance "${build[@]}" verify -Dit.test=SoakIT \
  -Dhostwatch.soak.seed="$seed" -Dhostwatch.soak.seconds="$seconds" -Dhostwatch.soak.sessionSeconds="$session" \
  -Dhostwatch.soak.outOfBandFencing="$fencing" -Dhostwatch.forkTimeoutSeconds="$fork" \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false || status=$?
if [ ! -f "$report" ]; then
  echo "soak: no summary was written (the build or the lab set-up failed: see above)" >&2
  exit 1
fi
marker='<!-- latest run: written by deploy/soak.sh -->'
if grep -qF "$marker" docs/soak.md 2>/dev/null; then
  sed -i "/$(printf '%s' "$marker" | sed 's/[][\/.*^$]/\\&/g')/q" docs/soak.md
else
  printf '# Soak\n\n%s\n' "$marker" > docs/soak.md
fi
mode=--fencing
[ "$fencing" = true ] || mode=--no-fencing
{ echo; echo "Replay: \`deploy/soak.sh $seed $duration --session $session $mode\`"; echo; cat "$report"; } >> docs/soak.md
cat "$report"
echo
echo "soak: summary written to docs/soak.md"
if [ "$status" != 0 ]; then
  echo "soak: FAILED (a violation, a nemesis step that did not run, or the lab): see above and" \
    "acceptance/target/soak/, acceptance/target/failsafe-reports/" >&2
fi
exit "$status"
