#!/usr/bin/env bash
# The latency drill's reaction time behind docs/evaluation.md: examples/latency-bound.yaml on cloud=1,fog=2,edge=1, and
# 6 times 'drill latency' on the fog cluster proc runs on (30 ms more on its round trips breaks the 25 ms budget; proc
# moves to the other fog cluster, and the next run slows that one). Writes results/latency.
set -u
cd "$(dirname "$0")/.."
export QONNECT_CDS=${QONNECT_CDS:-1}
./qonnect testbed up --clusters cloud=1,fog=2,edge=1 >/dev/null 2>&1
./qonnect federation down --wipe >/dev/null 2>&1
QONNECT_MIGRATION_HOLD=3000 ./qonnect federation up >/dev/null 2>&1
./qonnect apply -f examples/latency-bound.yaml
sleep 20
rm -rf results/latency
for i in 1 2 3 4 5 6; do
  c=$(./qonnect get placements 2>/dev/null | awk '$1=="near" && $2=="proc" {print $4}' | cut -d= -f1)
  echo "run $i: proc on $c"
  ./qonnect drill --results results/latency --settle 6 latency "$c" 30 || true
done
./qonnect drill summary --results results/latency
