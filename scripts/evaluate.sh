#!/usr/bin/env bash
# The evaluation behind docs/evaluation.md: drills on the 9-cluster testbed (3 cloud, 3 fog, 3 edge) with
# Bookinfo and ledger (a singleton), then the summary table. About an hour on 2 cores.
#   RUNS=20 RANDOM_COUNT=100 RESULTS=results/evaluation scripts/evaluate.sh
# The lead agents run with a 3 s migration hold (default 10 s) so that drills can follow each other
# quickly; each drill starts only after 6 s without a placement change (--settle).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
RANDOM_COUNT=${RANDOM_COUNT:-100}
RESULTS=${RESULTS:-results/evaluation}
./qonnect testbed up --clusters cloud=3,fog=3,edge=3
QONNECT_MIGRATION_HOLD=${QONNECT_MIGRATION_HOLD:-3000} ./qonnect federation up
drill() { ./qonnect drill --results "$RESULTS" --settle 6 "$@" || true; }  # violations are recorded, not fatal here
drill cluster-down cloud-1 --repeat "$RUNS"
drill leader-kill --repeat "$RUNS"
drill agent-kill edge-2 --repeat "$RUNS"
drill partition cloud-2 --repeat "$RUNS"
drill price-change cloud-1 4 --repeat $(( (RUNS + 1) / 2 ))
drill node-notready cloud-1 cloud-1-node-1 --repeat $(( (RUNS + 1) / 2 ))
drill agent-kill cloud-2 --repeat 5
drill random --count "$RANDOM_COUNT" --seed 7 --results "$RESULTS/random"
./qonnect drill summary --results "$RESULTS"
./qonnect drill summary --results "$RESULTS/random"
