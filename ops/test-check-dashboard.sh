#!/usr/bin/env bash
# Tests ops/check-dashboard.sh itself, without an Assay stack: fake /metrics endpoints (testdata/fake_exporter.py)
# stand in for the four services. Expects: pass when every meter is served; fail when only the runtime's meters are;
# fail on a dashboard with an invalid query; a setup error (exit 2) when nothing listens.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_base() {  # four consecutive free ports
    python3 - <<'PY'
import socket
for base in range(20000, 60000, 97):
    socks = []
    try:
        for p in range(base, base + 4):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}
start_fakes() {  # $1 base port, $2 full|partial
    local i=0
    for s in context-assembler generator executor verifier; do
        python3 "$here/testdata/fake_exporter.py" $(($1 + i)) "$s" "$2" & pids+=($!)
        i=$((i + 1))
    done
}
passed=0 failed=0
expect() {  # $1 expected exit status, $2 name, rest: command
    local want="$1" name="$2"; shift 2
    local got=0
    "$@" >"$work/out" 2>&1 || got=$?
    if [[ "$got" == "$want" ]]; then
        echo "ok: $name (exit $got)"; passed=$((passed + 1))
    else
        echo "FAILED: $name: exit $got, expected $want"; sed 's/^/    /' "$work/out"; failed=$((failed + 1))
    fi
}
expect_output() {  # $1 name, $2 pattern the last command's output must contain
    if grep -q "$2" "$work/out"; then
        echo "ok: $1"; passed=$((passed + 1))
    else
        echo "FAILED: $1"; failed=$((failed + 1))
    fi
}

full="$(free_base)"; start_fakes "$full" full
partial="$((full + 4))"; start_fakes "$partial" partial
sleep 1
jq '(.panels[] | select(.title == "Verdict pass rate") | .targets[0].expr) |= "sum(rate(assay_verdicts_total[$__rate_interval])"' \
    "$here/grafana/assay-dashboard.json" >"$work/broken.json"
none="$(free_base)"

expect 0 "every panel has data when every meter is served" "$here/check-dashboard.sh" --base-port "$full" --timeout 60
expect 1 "panels without data fail" "$here/check-dashboard.sh" --base-port "$partial" --timeout 15
expect_output "the missing panel is named" "FAIL Verdict pass rate \[A\]: no series"
expect 1 "an invalid query fails" "$here/check-dashboard.sh" --base-port "$full" --dashboard "$work/broken.json" --timeout 30
expect_output "the parse error is reported" "invalid: .*parse error"
expect 0 "syntax-only accepts the dashboard" "$here/check-dashboard.sh" --syntax-only
expect 1 "syntax-only rejects an invalid query" "$here/check-dashboard.sh" --syntax-only --dashboard "$work/broken.json"
expect 2 "no targets up is a setup error" env ASSAY_DASHCHECK_TARGET_WAIT=5 "$here/check-dashboard.sh" --base-port "$none" --timeout 5
echo "$passed passed, $failed failed"
((failed == 0))
