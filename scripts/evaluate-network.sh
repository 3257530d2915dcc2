#!/usr/bin/env bash
# The real-network evaluation behind docs/evaluation.md: on the testbed's wide-area links (the relay, nftables), drills
# that drop packets or freeze processes, each RUNS times, then the summary table (p50/p99 of detection, decision and
# recovery). Writes to results/network. The isolate-lead drills also record concurrent clients' calls and check the
# history for linearizability.
#   RUNS=20 scripts/evaluate-network.sh                           (9 member clusters, the issue's scenario)
#   LAYOUT=cloud=1,fog=1,edge=1 RUNS=3 CUT=fog-1 scripts/evaluate-network.sh
set -euo pipefail
export QONNECT_CDS=${QONNECT_CDS:-1}
cd "$(dirname "$0")/.."
LAYOUT=${LAYOUT:-cloud=3,fog=3,edge=3}
RUNS=${RUNS:-20}
RESULTS=${RESULTS:-results/network}
CUT=${CUT:-cloud-2}                      # the member cluster the partition drills cut off (ledger's singleton writer runs there)
./qonnect federation down --wipe >/dev/null   # a fresh federation for a fresh testbed: a new federation's applications never
./qonnect testbed down >/dev/null              # adopt the objects an earlier one left in the member clusters (refused, not Ready)
./qonnect testbed up --clusters "$LAYOUT"
QONNECT_MIGRATION_HOLD=${QONNECT_MIGRATION_HOLD:-3000} ./qonnect federation up --network real
./qonnect federation status
drill() { ./qonnect drill --results "$RESULTS" --settle 6 "$@" || true; }  # violations are recorded, not fatal here
drill partition "$CUT" --repeat "$RUNS"                                       # agent ↔ lead agents
drill isolate-cluster "$CUT" --repeat "$RUNS"                                 # member cluster ↔ everyone
drill isolate-lead leader --repeat "$RUNS" --check-linearizable               # lead agents: the leader is the minority
drill isolate-lead follower --repeat "$RUNS" --check-linearizable             # lead agents: the leader keeps its majority
drill pause leader 4 --repeat "$RUNS"
drill pause "agent-$CUT" 4 --repeat "$RUNS"
./qonnect drill summary --results "$RESULTS"
