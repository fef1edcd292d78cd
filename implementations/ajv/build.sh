#!/bin/sh
# Installs ajv and ajv-formats at the versions package-lock.json pins, from the npm registry; does nothing
# when node_modules already holds exactly that lock (npm writes its copy there after an install).
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "build.sh: npm is not on PATH: install nodejs and npm" >&2; exit 1; }
if [ -f node_modules/.package-lock.json ] && [ -d node_modules/ajv ] && [ -d node_modules/ajv-formats ] &&
    [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
exec npm ci --no-audit --no-fund
