#!/usr/bin/env bash
# Installs what the tests need and runs them:
#   Debian packages: redis-server (real Redis for the limiter tests), chromium (the monitor's
#   HTML report is checked in headless Chromium), a Java runtime when missing (Spark local);
#   pip: the package with its scan, runtime, monitor and dev extras.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
python3 -m pip install -q -e ".[scan,runtime,monitor,dev]"
python3 -m pytest "$@"
