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
# partitions drop packets with nftables (PacketPartitionIT; ./qonnect drill partition): install it where we may
if ! command -v nft >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test.sh: installing nftables (partitions that drop packets)"
  apt-get install -y -q nftables >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q nftables >/dev/null 2>&1; } \
    || echo "test.sh: could not install nftables: PacketPartitionIT will be skipped"
fi
# the console's browser test (ConsoleE2E) drives Debian's Chromium: installed where we may, else that test is skipped
scripts/chromium.sh >/dev/null || echo "test.sh: no Chromium: ConsoleE2E will be skipped"
QONNECT_TESTBED_BIN="$(testbed/scripts/build-binaries.sh)/bin"
export QONNECT_TESTBED_BIN
echo "test.sh: testbed binaries in $QONNECT_TESTBED_BIN"
exec mvn -B verify "$@"
