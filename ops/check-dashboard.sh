#!/usr/bin/env bash
# Live check of the Grafana dashboard against a running Assay stack.
#
# Starts a throw-away Prometheus (Debian's `prometheus` package) on a free localhost port that scrapes the given
# metrics endpoints every 2 s, waits until every target is up, then runs every PromQL expression of every panel of
# ops/grafana/assay-dashboard.json through /api/v1/query. Fails, listing them, when a query is invalid or returns no
# series. Grafana's variables are substituted first ($__rate_interval, $__range, $service, textbox values, ...).
#
#   ops/check-dashboard.sh --base-port 19401            # ./assay up --metrics-base-port 19401 → 19401..19404
#   ops/check-dashboard.sh 19401 19402 127.0.0.1:19403 19404
#
# Options:
#   --base-port N        scrape N, N+1, N+2, N+3 (the four services of the dev stack)
#   --dashboard FILE     dashboard JSON (default: ops/grafana/assay-dashboard.json next to this script)
#   --timeout SECONDS    how long queries may keep returning nothing before failing (default 150: Micrometer binds
#                        new Kafka client metrics, such as per-partition lag, only on its 60 s refresh)
#   --strict-metrics     also fail when a metric named in a panel has no series at all (by default a warning: some
#                        meters, dead letters for instance, only exist once the event has happened)
#   --syntax-only        no stack needed: scrape nothing, only check that every expression parses and evaluates
#   --keep               keep the temporary directory (Prometheus config, data and log) for inspection
# Environment: PROMETHEUS_BIN (default: prometheus); ASSAY_DASHCHECK_TARGET_WAIT, seconds to wait for the targets (60).
# Exit status: 0 all panels return data, 1 some do not, 2 usage or setup error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dashboard="$here/grafana/assay-dashboard.json"
timeout_s=150
strict=false
keep=false
syntax_only=false
targets=()

die() { echo "check-dashboard: $*" >&2; exit 2; }

while (($#)); do
    case "$1" in
        --base-port) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--base-port needs a number"
                     for i in 0 1 2 3; do targets+=("127.0.0.1:$(($2 + i))"); done; shift 2 ;;
        --dashboard) dashboard="${2:?--dashboard needs a file}"; shift 2 ;;
        --timeout) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--timeout needs seconds"; timeout_s="$2"; shift 2 ;;
        --strict-metrics) strict=true; shift ;;
        --keep) keep=true; shift ;;
        --syntax-only) syntax_only=true; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        [0-9]*:[0-9]*|localhost:[0-9]*|*.*:[0-9]*) targets+=("$1"); shift ;;
        [0-9]*) [[ "$1" =~ ^[0-9]+$ ]] || die "not a port: $1"; targets+=("127.0.0.1:$1"); shift ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
((${#targets[@]})) || $syntax_only || die "no targets: give --base-port N or the metrics ports (see --help)"
[[ -r "$dashboard" ]] || die "cannot read dashboard $dashboard"
prometheus_bin="${PROMETHEUS_BIN:-prometheus}"
command -v "$prometheus_bin" >/dev/null || die "$prometheus_bin not found (Debian: apt-get install -y prometheus)"
command -v python3 >/dev/null || die "python3 not found"

work="$(mktemp -d "${TMPDIR:-/tmp}/assay-dashcheck.XXXXXX")"
prom_pid=""
cleanup() {
    if [[ -n "$prom_pid" ]] && kill -0 "$prom_pid" 2>/dev/null; then
        kill "$prom_pid" 2>/dev/null || true
        # Bounded wait for a clean TSDB shutdown, then force.
        for _ in $(seq 1 50); do kill -0 "$prom_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$prom_pid" 2>/dev/null || true
        wait "$prom_pid" 2>/dev/null || true
    fi
    if $keep; then echo "check-dashboard: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
{
    echo "global: {scrape_interval: 2s, scrape_timeout: 2s, evaluation_interval: 2s}"
    echo "scrape_configs:"
    echo "  - job_name: assay"
    echo "    honor_labels: true   # keep the services' own instance label, as ops/prometheus/prometheus.yml does"
    echo "    static_configs:"
    echo "      - targets: [$( ((${#targets[@]})) && printf '"%s",' "${targets[@]}" | sed 's/,$//')]"
} >"$work/prometheus.yml"

echo "check-dashboard: prometheus on 127.0.0.1:$port scraping ${targets[*]:-nothing (syntax only)}"
"$prometheus_bin" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prom_pid=$!

python3 - "$port" "$dashboard" "$timeout_s" "$strict" "$prom_pid" "${#targets[@]}" "$syntax_only" <<'PY'
import json, os, re, sys, time, urllib.parse, urllib.request

port, dashboard_file, timeout_s, strict, prom_pid, n_targets, syntax_only = sys.argv[1:8]
timeout_s, n_targets, strict, syntax_only = int(timeout_s), int(n_targets), strict == "true", syntax_only == "true"
base = f"http://127.0.0.1:{port}"

def get(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400/422 carry Prometheus' JSON error body
        body = e.read().decode(errors="replace")
        try:
            return json.loads(body)
        except ValueError:
            return {"status": "error", "error": f"HTTP {e.code}: {body[:200]}"}

def alive():
    try:
        os.kill(int(prom_pid), 0)
        return True
    except OSError:
        return False

def fatal(message):
    print(f"check-dashboard: {message}", file=sys.stderr)
    sys.exit(2)

def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if not alive():
            fatal(f"prometheus exited while waiting for {what}; its log is kept with --keep")
        try:
            ok, last = check()
            if ok:
                return
        except OSError as e:
            last = str(e)
        time.sleep(1)
    fatal(f"timed out after {seconds}s waiting for {what}: {last}")

wait_for("prometheus to be ready", lambda: (urllib.request.urlopen(base + "/-/ready", timeout=2).status == 200, "not ready"), 30)

def targets_up():
    active = get("/api/v1/targets", state="active")["data"]["activeTargets"]
    down = [f'{t["scrapeUrl"]}: {t["health"]} {t.get("lastError", "")}'.strip() for t in active if t["health"] != "up"]
    return len(active) == n_targets and not down, down or f"{len(active)} of {n_targets} targets discovered"
if not syntax_only:
    wait_for("all targets up", targets_up, int(os.environ.get("ASSAY_DASHCHECK_TARGET_WAIT", "60")))
    print(f"check-dashboard: {n_targets} targets up")

dashboard = json.load(open(dashboard_file))

def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))

# Values for Grafana's built-in variables: a scrape every 2 s means a 1 m rate window always holds enough samples,
# and $__range covers everything scraped since this Prometheus started.
builtins = {"__rate_interval": "1m", "__interval": "10s", "__interval_ms": "10000", "__range": "10m",
            "__range_s": "600", "__range_ms": "600000"}
variables = {}
for v in dashboard.get("templating", {}).get("list", []):
    if v.get("type") == "datasource":
        continue
    if v.get("type") in ("query", "custom") and (v.get("includeAll") or v.get("multi")):
        variables[v["name"]] = v.get("allValue") or ".*"
    else:
        cur = v.get("current", {}).get("value", v.get("query", ""))
        variables[v["name"]] = cur[0] if isinstance(cur, list) else str(cur)
variables.update(builtins)

def substitute(expr):
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        name = name.split(":")[0]  # ${var:format}
        if name not in variables:
            raise KeyError(name)
        return variables[name]
    return re.sub(r"\$\{([A-Za-z0-9_:]+)\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)", repl, expr)

queries = []
problems = []
for p in all_panels(dashboard.get("panels", [])):
    for t in p.get("targets", []):
        expr = t.get("expr", "").strip()
        if not expr or t.get("hide"):
            continue
        label = f'{p.get("title", "?")} [{t.get("refId", "?")}]'
        try:
            queries.append((label, expr, substitute(expr)))
        except KeyError as e:
            problems.append(f"{label}: unknown variable ${e.args[0]} in {expr}")
if not queries:
    fatal("no PromQL expressions found in the dashboard")
print(f"check-dashboard: {len(queries)} expressions in {dashboard_file}")

def problems_as_failures(items):
    return [(p, "", "", True) for p in items]

def run(batch):
    """Runs the queries; returns (label, query, why, invalid) for each that failed."""
    failures = []
    for label, expr, q in batch:
        r = get("/api/v1/query", query=q)
        if r.get("status") != "success":
            failures.append((label, q, "invalid: " + r.get("error", "?"), True))
        elif not r["data"]["result"]:
            failures.append((label, q, "no series", False))
    return failures

# An invalid query is final; queries without data get until the deadline (rates need two samples, new Kafka client
# metrics wait for Micrometer's refresh).
deadline = time.monotonic() + timeout_s
failures = run(queries)
invalid = [f for f in failures if f[3]]
if syntax_only:
    for label, q, why, _ in invalid + problems_as_failures(problems):
        print(f"FAIL {label}: {why}\n     {q}")
    print(f"check-dashboard: {len(queries) - len(invalid)} of {len(queries)} panel queries are valid PromQL")
    sys.exit(1 if invalid or problems else 0)
while True:
    pending = [f for f in failures if not f[3]]
    if not pending or time.monotonic() >= deadline:
        break
    print(f"check-dashboard: {len(pending)} queries without data yet, retrying ({int(deadline - time.monotonic())}s left)")
    time.sleep(5)
    retry = {f[0] for f in pending}
    failures = run([q for q in queries if q[0] in retry])
failures = invalid + failures

# Metric names each expression relies on, to tell "no data yet" from "metric does not exist".
names = set(get("/api/v1/label/__name__/values")["data"])
keywords = {"sum", "rate", "increase", "histogram_quantile", "max", "min", "avg", "count", "by", "without", "on",
            "ignoring", "group_left", "group_right", "or", "and", "unless", "le", "offset", "bool", "deriv", "irate",
            "topk", "bottomk", "abs", "clamp_min", "clamp_max", "vector", "scalar", "label_replace", "time"}
missing = {}
for label, expr, q in queries:
    stripped = re.sub(r'\{[^}]*\}|"[^"]*"|\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)', " ", q)
    for name in re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b", stripped):
        if name in keywords or name.isdigit() or re.fullmatch(r"\d+[smhdwy]", name):
            continue
        if "_" in name and name not in names:
            missing.setdefault(name, []).append(label)

for name, labels in sorted(missing.items()):
    print(f"{'FAIL' if strict else 'WARN'} metric {name} has no series (used by: {'; '.join(sorted(set(labels)))})")
for problem in problems:
    print(f"FAIL {problem}")
for label, q, why, _ in failures:
    print(f"FAIL {label}: {why}\n     {q}")
ok = len(queries) - len(failures)
print(f"check-dashboard: {ok} of {len(queries)} panel queries returned data")
sys.exit(1 if failures or problems or (strict and missing) else 0)
PY
