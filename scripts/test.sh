#!/usr/bin/env bash
# Installs what the tests need (pip packages, Debian's redis-server) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi
python3 -m pip install -q -e ".[scan,runtime,dev]"
python3 -m pytest "$@"
