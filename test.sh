#!/usr/bin/env bash
# The test command (README, .ci/run): every default test — unit (*Test) and integration (*IT, on real
# RocksDB, Ratis, gRPC and testbed member clusters) — with a JDK >= 21. Builds the testbed's Kubernetes
# binaries from pinned Go modules on the first run (many minutes, cached afterwards).
# Extra arguments go to Maven, e.g. ./test.sh -Pnightly or ./test.sh -pl placement.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
# shellcheck source=scripts/jdk.sh
source scripts/jdk.sh
echo "test.sh: JDK $JAVA_HOME"
# the wide-area links and partitions that drop packets need nftables (PacketPartitionIT, LatencyE2E, …): installed where we may
scripts/nftables.sh
# the console's browser test (ConsoleE2E) drives Debian's Chromium: installed where we may, else that test is skipped
scripts/chromium.sh >/dev/null || echo "test.sh: no Chromium: ConsoleE2E will be skipped"
QONNECT_TESTBED_BIN="$(testbed/scripts/build-binaries.sh)/bin"
export QONNECT_TESTBED_BIN
echo "test.sh: testbed binaries in $QONNECT_TESTBED_BIN"
exec mvn -B verify "$@"
