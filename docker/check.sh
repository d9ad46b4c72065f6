#!/usr/bin/env bash
# Offline check of docker/ (images cannot be built without a Docker engine): lints every Dockerfile and checks that
# a deliberately broken one is rejected. Needs node and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -f lint/node_modules/.package-lock.json || lint/package-lock.json -nt lint/node_modules/.package-lock.json ]]; then
    (cd lint && npm ci --no-audit --no-fund --loglevel=error)
fi
node lint/lint.mjs Dockerfile sandbox/*.Dockerfile
broken="$(mktemp)"
trap 'rm -f "$broken"' EXIT
printf 'FROM debian\nRUN echo a \\\n\nCOPY --frm=x a b\nUSER root\n' >"$broken"
if node lint/lint.mjs "$broken" >/dev/null; then
    echo "docker check: the linter accepted a broken Dockerfile" >&2
    exit 1
fi
echo "docker check: a broken Dockerfile is rejected"
