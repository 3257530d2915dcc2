#!/usr/bin/env bash
# nftables, for the testbed's wide-area links and packet-dropping partitions (PacketFaults): installed with apt-get where
# this user may, once per machine. Silent when nft is there; otherwise says what happens instead (plain loopback, no
# partitions) and exits 0 — nothing else needs it.
if command -v nft >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing nftables (the testbed's wide-area links and partitions that drop packets)" >&2
  apt-get install -y -q nftables >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q nftables >/dev/null 2>&1; } \
    && exit 0
fi
echo "no nftables (apt-get install nftables as root): the testbed runs on plain loopback, partitions are skipped" >&2
