"""Builds ops/grafana/assay-dashboard.json, the Grafana dashboard for Assay.

Panels are written here, once, with their PromQL; the JSON is generated so layout and datasource wiring stay
consistent. Edit this file, then run:  python3 ops/grafana/build-dashboard.py ops/grafana/assay-dashboard.json
(ops/check-dashboard.sh checks the result against live metrics; ops/README.md lists the metrics).
"""
import json
import sys

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
panels = []
pid = [0]
y = [0]

cur_h = [0]

def row(title):
    if getattr(row, "x", 0) > 0:
        y[0] += cur_h[0]
    pid[0] += 1
    panels.append({"type": "row", "id": pid[0], "title": title, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y[0]}, "panels": []})
    y[0] += 1
    row.x = 0

def panel(title, kind, targets, w=8, h=8, unit=None, desc="", stack=False, extra=None):
    if row.x + w > 24:
        row.x = 0
        y[0] += cur_h[0]
    cur_h[0] = h if row.x == 0 else max(cur_h[0], h)
    pid[0] += 1
    p = {"type": kind, "id": pid[0], "title": title, "description": desc, "datasource": DS,
         "gridPos": {"h": h, "w": w, "x": row.x, "y": y[0]},
         "targets": [{"datasource": DS, "refId": chr(65 + i), "expr": e, "legendFormat": l,
                      **({"instant": True, "range": False} if kind in ("stat", "bargauge", "gauge") else {"range": True})}
                     for i, (e, l) in enumerate(targets)],
         "fieldConfig": {"defaults": {"unit": unit or "short"}, "overrides": []},
         "options": {}}
    if kind == "timeseries":
        p["fieldConfig"]["defaults"]["custom"] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                                                  "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
        p["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                                   "calcs": ["lastNotNull", "max"]}, "tooltip": {"mode": "multi", "sort": "desc"}}
    elif kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "value", "graphMode": "none", "textMode": "auto"}
    elif kind == "bargauge":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True}
    if extra:
        for k, v in extra.items():
            if k == "defaults":
                p["fieldConfig"]["defaults"].update(v)
            else:
                p[k] = v
    panels.append(p)
    row.x += w

RI = "$__rate_interval"
RANGE = "$__range"
SVC = 'service=~"$service"'
# Kafka clients report each partition twice while the topic name has a period: under the real name and, deprecated,
# with periods replaced by underscores. Keep the real one (Assay's topic names contain no underscore).
TOPIC = 'topic!~"[^.]*_[^.]*"'

def thresholds(*steps):
    return {"defaults": {"thresholds": {"mode": "absolute", "steps": [{"color": c, "value": v} for c, v in steps]}}}

# --- Overview -------------------------------------------------------------------------------------------------
row("Overview")
panel("Requests received", "stat",
      [(f'sum by (result) (increase(assay_assembler_requests_total[{RANGE}]))', "{{result}}")], w=4, h=5,
      desc="Requests the context-assembler handled in the selected range, by result (invalid ones end as INVALID outcomes).")
panel("Outcomes by status", "bargauge",
      [(f'sum by (status) (increase(assay_outcomes_total[{RANGE}]))', "{{status}}")], w=6, h=5,
      desc="Final outcomes (exactly one per request) in the selected range: APPROVED, REJECTED, FAILED, INVALID.")
panel("Verdict pass rate", "stat",
      [(f'sum(rate(assay_verdicts_total{{passed="true"}}[{RI}])) / sum(rate(assay_verdicts_total[{RI}]))', "pass rate")],
      w=4, h=5, unit="percentunit",
      desc="Share of verdicts that passed (all attempts). NaN when no verdict was produced in the window.",
      extra=thresholds(("red", None), ("orange", 0.5), ("green", 0.8)))
panel("Approval rate", "stat",
      [(f'sum(increase(assay_outcomes_total{{status="APPROVED"}}[{RANGE}])) / sum(increase(assay_outcomes_total[{RANGE}]))', "approved")],
      w=4, h=5, unit="percentunit", desc="Share of finished requests that ended APPROVED in the selected range.")
panel("Approvals waiting", "stat",
      [("sum(assay_approvals_pending)", "pending"), ("max(assay_approvals_oldest_pending_seconds)", "oldest (s)")],
      w=6, h=5, desc="Approval requests with no decision yet, and the age of the oldest one.",
      extra={"defaults": {"unit": "short"}})

# --- Pipeline -------------------------------------------------------------------------------------------------
row("Pipeline throughput and latency")
panel("Throughput per stage (records/s)", "timeseries",
      [(f'sum by (service, topic) (rate(assay_stage_records_total{{{SVC}}}[{RI}]))', "{{service}} ← {{topic}}")],
      w=12, unit="ops", desc="Input records handled per second by each stage, per input topic (all results).")
panel("Stage latency p50 / p95", "timeseries",
      [(f'histogram_quantile(0.95, sum by (service, le) (rate(assay_stage_processing_seconds_bucket{{{SVC}}}[{RI}])))', "p95 {{service}}"),
       (f'histogram_quantile(0.50, sum by (service, le) (rate(assay_stage_processing_seconds_bucket{{{SVC}}}[{RI}])))', "p50 {{service}}")],
      w=12, unit="s", desc="Time to handle one input record, per stage (model calls and sandbox runs included).")
panel("Fix-loop depth (attempts per finished request)", "timeseries",
      [(f'sum(rate(assay_fix_loop_attempts_sum[{RI}])) / sum(rate(assay_fix_loop_attempts_count[{RI}]))', "mean attempts"),
       (f'histogram_quantile(0.95, sum by (le) (rate(assay_fix_loop_attempts_bucket[{RI}])))', "p95 attempts")],
      w=8, desc="How many generate→execute→verify rounds a request needed before its verdict became final.")
panel("Fix requests (/s)", "timeseries",
      [(f'sum by (reason) (rate(assay_fix_requests_total[{RI}]))', "{{reason}}")],
      w=8, unit="ops", desc="Failed attempts the verifier sent back to the generator, by why they failed.")
panel("Outcomes (/s)", "timeseries",
      [(f'sum by (status) (rate(assay_outcomes_total[{RI}]))', "{{status}}")],
      w=8, unit="ops", stack=True, desc="Final outcomes per second by status.")

# --- Gate -----------------------------------------------------------------------------------------------------
row("Risk gate and approvals")
panel("Gate decisions by risk level", "bargauge",
      [(f'sum by (risk, decision) (increase(assay_gate_decisions_total[{RANGE}]))', "{{risk}} → {{decision}}")],
      w=8, desc="Passing attempts by assessed risk level and what the gate did with them (selected range).")
panel("Gate decisions (/s)", "timeseries",
      [(f'sum by (risk) (rate(assay_gate_decisions_total[{RI}]))', "{{risk}}")],
      w=8, unit="ops", stack=True, desc="Gate decisions per second, by risk level.")
panel("Approval decisions and wait", "timeseries",
      [("sum(assay_approvals_pending)", "pending"),
       ("max(assay_approvals_oldest_pending_seconds)", "oldest pending (s)")],
      w=8, desc="Approvals waiting for a person, and how long the oldest has waited (alert: AssayApprovalWaitingTooLong).")

# --- Sandbox --------------------------------------------------------------------------------------------------
row("Sandbox")
panel("Executions by status (/s)", "timeseries",
      [(f'sum by (backend, language, status) (rate(assay_executions_total[{RI}]))', "{{backend}} {{language}} {{status}}")],
      w=8, unit="ops", stack=True, desc="Sandbox runs per second by backend (runsc, bwrap, kubernetes), language and status.")
panel("Sandbox violations (selected range)", "bargauge",
      [(f'sum by (violation) (increase(assay_executions_total{{violation!="NONE"}}[{RANGE}]))'
        f' or sum by (violation) (0 * increase(assay_executions_total{{violation="NONE"}}[{RANGE}]))', "{{violation}}")],
      w=6, desc="Runs stopped by a limit or policy: TIMEOUT, MEMORY, PIDS, OUTPUT_LIMIT, DISK, NETWORK. Zero when none happened.",
      extra=thresholds(("green", None), ("red", 1)))
panel("Tampering rejected (selected range)", "stat",
      [(f'sum(increase(assay_executions_total{{status="TAMPERED"}}[{RANGE}])) or sum(0 * increase(assay_executions_total[{RANGE}]))', "tampered")],
      w=4, desc="Runs whose generated code attacked its own verification (forged report, patched test framework, early exit, frame or heap walking...); each rejected its request. Alert: AssayVerificationTampered.",
      extra=thresholds(("green", None), ("red", 1)))
panel("Sandbox run duration p95", "timeseries",
      [(f'histogram_quantile(0.95, sum by (backend, language, le) (rate(assay_sandbox_duration_seconds_bucket[{RI}])))', "p95 {{backend}} {{language}}"),
       (f'sum by (backend) (rate(assay_sandbox_duration_seconds_sum[{RI}])) / sum by (backend) (rate(assay_sandbox_duration_seconds_count[{RI}]))', "mean {{backend}}")],
      w=6, unit="s", desc="Wall time of one sandboxed run, setup and teardown included.")

# --- Model ----------------------------------------------------------------------------------------------------
row("Model")
panel("Model latency (mean, max)", "timeseries",
      [(f'sum by (provider) (rate(assay_generator_model_latency_seconds_sum[{RI}])) / sum by (provider) (rate(assay_generator_model_latency_seconds_count[{RI}]))', "mean {{provider}}"),
       ('max by (provider) (assay_generator_model_latency_seconds_max)', "max {{provider}}")],
      w=8, unit="s", desc="Model call and parse time per generation (retries included), per provider.")
panel("Generations (/s)", "timeseries",
      [(f'sum by (provider, status) (rate(assay_generator_generations_total[{RI}]))', "{{provider}} {{status}}")],
      w=8, unit="ops", stack=True, desc="Generations produced per second by provider and status (FAILED: the model's answer was unusable or the call failed).")
panel("Model tokens (/s)", "timeseries",
      [(f'sum by (provider, direction) (rate(assay_generator_tokens_sum[{RI}]))', "{{provider}} {{direction}}")],
      w=8, unit="short", stack=True, desc="Prompt (in) and completion (out) tokens per second.")
panel("Estimated model cost (selected range)", "stat",
      [(f'sum(increase(assay_generator_tokens_sum{{direction="in"}}[{RANGE}])) * $price_in_per_mtok / 1000000'
        f' + sum(increase(assay_generator_tokens_sum{{direction="out"}}[{RANGE}])) * $price_out_per_mtok / 1000000', "cost")],
      w=8, unit="currencyUSD",
      desc="Tokens times the per-million-token prices set in the dashboard variables price_in_per_mtok / price_out_per_mtok. Scripted generations count zero tokens.")
panel("Model call errors (/s)", "timeseries",
      [(f'sum by (provider, outcome) (rate(assay_generator_provider_calls_seconds_count{{outcome!="ok"}}[{RI}]))'
        f' or sum by (provider) (0 * rate(assay_generator_generations_total[{RI}]))', "{{provider}} {{outcome}}")],
      w=8, unit="ops", desc="Failed model call attempts per second by provider and kind (retryable_error, error). Zero when none failed.")
panel("Model call retries (/s)", "timeseries",
      [(f'sum by (provider) (rate(assay_generator_provider_retries_total[{RI}]))'
        f' or sum by (provider) (0 * rate(assay_generator_generations_total[{RI}]))', "{{provider}}")],
      w=8, unit="ops", desc="Model call attempts retried after a retryable failure (rate limits, timeouts, 5xx).")

# --- Kafka ----------------------------------------------------------------------------------------------------
row("Kafka: consumer lag, errors and dead letters")
panel("Consumer lag (records)", "timeseries",
      [(f'sum by (service, topic) (kafka_consumer_fetch_manager_records_lag{{{SVC}, {TOPIC}}})', "{{service}} {{topic}}")],
      w=8, desc="Records not yet consumed, summed over partitions, per service and topic (KEDA scales on this).")
panel("Max partition lag (records)", "timeseries",
      [(f'max by (service) (kafka_consumer_fetch_manager_records_lag_max{{{SVC}, {TOPIC}}})', "{{service}}")],
      w=8, desc="Largest lag of any assigned partition, per service.")
panel("Dead letters (/s)", "timeseries",
      [(f'sum by (service, reason) (rate(assay_dead_letters_total{{{SVC}}}[{RI}]))'
        f' or sum by (service) (0 * rate(assay_stage_records_total{{{SVC}}}[{RI}]))', "{{service}} {{reason}}")],
      w=8, unit="ops", desc="Input records sent to the dead-letter topic, by service and reason. Zero when none.")
panel("Stage results (/s)", "timeseries",
      [(f'sum by (service, result) (rate(assay_stage_records_total{{{SVC}}}[{RI}]))', "{{service}} {{result}}")],
      w=8, unit="ops", desc="Handled input records per second, ok vs dead_letter.")
panel("Verifier stream threads: processed records (/s)", "timeseries",
      [(f'sum by (service) (rate(kafka_stream_thread_process_total{{service="verifier"}}[{RI}]))', "{{service}}")],
      w=8, unit="ops", desc="Records processed per second by the verifier's Kafka Streams threads.")
panel("Producer record errors (/s)", "timeseries",
      [(f'sum by (service) (rate(kafka_producer_record_error_total{{{SVC}}}[{RI}]))', "{{service}}")],
      w=8, unit="ops", desc="Records the Kafka producers failed to send, per service.")

# --- JVM ------------------------------------------------------------------------------------------------------
row("JVM")
panel("Heap used", "timeseries",
      [(f'sum by (service, instance) (jvm_memory_used_bytes{{area="heap", {SVC}}})', "{{instance}}")],
      w=8, unit="bytes")
panel("Process CPU", "timeseries",
      [(f'max by (service, instance) (process_cpu_usage{{{SVC}}})', "{{instance}}")],
      w=8, unit="percentunit")
panel("GC pause (s/s)", "timeseries",
      [(f'sum by (service, instance) (rate(jvm_gc_pause_seconds_sum{{{SVC}}}[{RI}]))', "{{instance}}")],
      w=8, unit="s")

dashboard = {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource",
                  "pluginId": "prometheus", "pluginName": "Prometheus"}],
    "uid": "assay-pipeline", "title": "Assay pipeline", "tags": ["assay", "kafka", "llm"],
    "description": "Assay: throughput and latency per stage, fix loop, pass rate, risk gate, sandbox, model usage, Kafka lag and dead letters.",
    "editable": True, "graphTooltip": 1, "schemaVersion": 39, "version": 1, "refresh": "30s",
    "time": {"from": "now-1h", "to": "now"}, "timezone": "",
    "templating": {"list": [
        {"name": "DS_PROMETHEUS", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
        {"name": "service", "label": "Service", "type": "query", "datasource": DS,
         "definition": "label_values(jvm_memory_used_bytes, service)",
         "query": {"query": "label_values(jvm_memory_used_bytes, service)", "refId": "service"},
         "includeAll": True, "multi": True, "allValue": ".*",
         "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "refresh": 2, "sort": 1},
        {"name": "price_in_per_mtok", "label": "USD per 1M input tokens", "type": "textbox", "query": "3",
         "current": {"text": "3", "value": "3"}, "hide": 0},
        {"name": "price_out_per_mtok", "label": "USD per 1M output tokens", "type": "textbox", "query": "15",
         "current": {"text": "15", "value": "15"}, "hide": 0},
    ]},
    "annotations": {"list": []},
    "panels": panels,
}
json.dump(dashboard, open(sys.argv[1], "w"), indent=2, ensure_ascii=False)
open(sys.argv[1], "a").write("\n")
