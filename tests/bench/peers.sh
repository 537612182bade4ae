#!/bin/sh
# tests/bench/peers.sh (`make peers`): installs the peer extractors that tests/bench/bench.sh compares
# moonwire with — readability-lxml (Debian) and Mozilla Readability.js + jsdom (npm, into the git-ignored
# peers/node). Only on request: CI and `make bench` work without them.
set -e
cd "$(dirname "$0")/../.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

echo "peers: Debian packages python3-readability python3-lxml python3-scrapy" >&2
$SUDO apt-get update -qq >&2 || true
$SUDO apt-get install -y -qq --no-install-recommends python3-readability python3-lxml python3-scrapy >&2

if command -v npm >/dev/null 2>&1; then
  echo "peers: npm @mozilla/readability jsdom -> peers/node" >&2
  mkdir -p peers/node
  npm install --prefix peers/node --no-audit --no-fund --loglevel=error @mozilla/readability jsdom >&2
else
  echo "peers: npm not found; install nodejs and npm (apt-get install nodejs npm), then run make peers again" >&2
  exit 1
fi

# The Debian modules live in the system interpreter's dist-packages, not in a pyenv/venv python.
/usr/bin/python3 -c 'import readability, lxml.html; print("peers: readability-lxml ok")'
node -e 'require(process.argv[1] + "/@mozilla/readability"); require(process.argv[1] + "/jsdom"); console.log("peers: Readability.js + jsdom ok")' "$PWD/peers/node/node_modules"
