#!/usr/bin/env bash
# Prints the path of a promtool (Prometheus's rule checker), for the test of deploy/monitoring's alert rules. Taken
# from Debian's prometheus package without installing it (no service, no user): downloaded once and unpacked under
# ~/.cache/qonnect, reused afterwards. A promtool on the PATH wins.
set -euo pipefail
if command -v promtool >/dev/null; then command -v promtool; exit 0; fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/qonnect/promtool"
if [ ! -x "$cache/usr/bin/promtool" ]; then
  command -v apt-get >/dev/null || { echo "promtool.sh: no promtool on the PATH and no apt-get to fetch one" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -q prometheus >/dev/null 2>&1) \
    || { apt-get update -q >/dev/null 2>&1 && (cd "$work" && apt-get download -q prometheus >/dev/null 2>&1); } \
    || { echo "promtool.sh: cannot download Debian's prometheus package" >&2; exit 1; }
  mkdir -p "$cache"
  dpkg-deb -x "$work"/prometheus_*.deb "$cache"
fi
echo "$cache/usr/bin/promtool"
