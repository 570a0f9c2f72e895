#!/usr/bin/env bash
# Runs the SDK interop tests (CTest: interop.sdk). Needs XS_NODE_BIN and
# XS_IDENTITY_TOOL_BIN (set by CMake). Installs the pinned npm packages into
# node_modules when they are missing or older than package.json /
# package-lock.json. Exit 77 (CTest SKIP_RETURN_CODE) when Node.js/npm are
# missing or the install fails (e.g. no registry reachable): skipped, never
# a silent pass.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

skip() {
  echo "SKIPPED: interop.sdk: $*"
  exit 77
}

for var in XS_NODE_BIN XS_IDENTITY_TOOL_BIN; do
  if [ -z "${!var:-}" ] || [ ! -x "${!var}" ]; then
    echo "interop.sdk: $var must name an executable (got '${!var:-}')" >&2
    exit 1
  fi
done

command -v node >/dev/null 2>&1 || skip "node not found (scripts/setup installs Node.js)"
command -v npm >/dev/null 2>&1 || skip "npm not found (scripts/setup installs npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
# Tested with Node.js 20 (node-sdk declares >= 22 but runs on 20); node --test
# needs 20 for --test-concurrency and --test-timeout.
[ "$node_major" -ge 20 ] || skip "Node.js >= 20 needed, found $(node --version)"

# Two test runs (other build directories) may share this folder: one installs
# at a time. flock on a file we only read leaves nothing behind.
exec 9<"$here/package.json"
flock 9

stamp="node_modules/.xs-installed"
stale=0
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ]; then stale=1; fi
if [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; then stale=1; fi
if [ "$stale" = 1 ]; then
  log="$(mktemp)"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1
  else
    npm install --no-audit --no-fund --loglevel=error >"$log" 2>&1
  fi
  status=$?
  if [ "$status" -ne 0 ]; then
    tail -n 5 "$log"
    rm -f "$log"
    skip "npm could not install the pinned packages (exit $status; offline?)"
  fi
  rm -f "$log"
  touch "$stamp"
fi
exec 9<&-

exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=180000 ./*.test.mjs
