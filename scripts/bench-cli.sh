#!/usr/bin/env bash
# CLI latency as a user sees it: the wall time of whole `./qonnect` commands against a running federation, each
# run RUNS times (default 20) after one warm-up, reported as median and p95 in milliseconds.
#   ./qonnect testbed up && ./qonnect federation up && ./qonnect apply -f examples/bookinfo.yaml
#   scripts/bench-cli.sh [RUNS] [APP]
# APP (default bookinfo) must exist; `apply` re-applies examples/bookinfo.yaml (an unchanged apply: a round trip
# to the leader and the log, nothing stored).
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
runs=${1:-20}
app=${2:-bookinfo}
./qonnect get apps >/dev/null   # builds the CLI if a source changed, and checks a federation answers

bench() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true   # warm-up: page cache, the jar copy
  local times=() start end
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "$name: '$*' failed" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v n="$runs" '
    { t[NR] = $1 }
    END {
      median = (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
      p95 = t[int(0.95 * n + 0.999)]
      printf "%-28s runs %3d  median %6.0f ms  p95 %6.0f ms  min %6d  max %6d\n", name, n, median, p95, t[1], t[n]
    }'
}

echo "CLI latency, $runs runs each ($(nproc) cores, $(basename "${JAVA_HOME:-java}"))"
bench "get apps" ./qonnect get apps
bench "get app $app -o json" ./qonnect get app "$app" -o json
bench "describe app $app" ./qonnect describe app "$app"
bench "events" ./qonnect events
bench "leader" ./qonnect leader
bench "apply (unchanged)" ./qonnect apply -f examples/bookinfo.yaml
