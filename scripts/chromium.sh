#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver for the console's browser test (ConsoleE2E): installed where we may (root with
# apt-get), once per machine. Prints where they are; exits non-zero (with why) when they are missing and cannot be
# installed, and the test is then skipped with that reason.
set -uo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "/usr/bin/chromium /usr/bin/chromedriver"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "chromium.sh: Chromium is not installed and this user cannot install it (apt-get install chromium chromium-driver as root)" >&2
  exit 1
fi
echo "chromium.sh: installing Debian's chromium and chromium-driver (the console's browser test; once per machine)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } \
  || { echo "chromium.sh: apt-get could not install chromium chromium-driver" >&2; exit 1; }
echo "/usr/bin/chromium /usr/bin/chromedriver"
