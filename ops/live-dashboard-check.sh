#!/usr/bin/env bash
# The dashboard proven live: runs the demo on the embedded stack with its metrics on fixed ports, keeps it up,
# and has ops/check-dashboard.sh evaluate every panel's PromQL through a real Prometheus scraping it.
# Exit status: that of check-dashboard.sh (0: every panel returned data).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base_port="${ASSAY_DASHCHECK_BASE_PORT:-19401}"
log="$(mktemp "${TMPDIR:-/tmp}/assay-live-dashboard.XXXXXX.log")"

./assay demo --metrics-base-port "$base_port" --linger PT10M >"$log" 2>&1 &
demo_pid=$!
trap 'kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 600); do
    grep -q "Stack stays up" "$log" && break
    if ! kill -0 "$demo_pid" 2>/dev/null; then
        echo "live-dashboard-check: the demo exited before the stack was ready:" >&2
        tail -40 "$log" >&2
        exit 2
    fi
    sleep 1
done
grep -q "Stack stays up" "$log" || { echo "live-dashboard-check: demo not done after 10 min" >&2; tail -40 "$log" >&2; exit 2; }
sed -n '/^Summary/,/Stack stays up/p' "$log"
ops/check-dashboard.sh --base-port "$base_port"
