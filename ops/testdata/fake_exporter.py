"""A stand-in for one Assay service's /metrics endpoint, for testing ops/check-dashboard.sh without a running stack.

Serves, in Prometheus text format, the meters the dashboard reads, with the names and labels the services register
(see the Metrics section of ops/README.md); counters grow on every scrape so rates are non-zero.
Usage: fake_exporter.py PORT SERVICE full|partial   (partial: only the runtime's stage, Kafka client and JVM meters)
"""
import http.server
import itertools
import sys

port, service, full = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "full"
n = itertools.count(1)


def body():
    i = next(n)
    L = []
    def m(name, labels, v):
        lab = ",".join(f'{k}="{v_}"' for k, v_ in {"service": service, "instance": service + "-0", **labels}.items())
        L.append(f"{name}{{{lab}}} {v}")
    m("jvm_memory_used_bytes", {"area": "heap", "id": "G1 Eden Space"}, 1e7 + i)
    m("process_cpu_usage", {}, 0.1)
    m("jvm_gc_pause_seconds_sum", {"action": "end of minor GC", "cause": "G1 Evacuation Pause", "gc": "G1 Young Generation"}, 0.01 * i)
    m("jvm_gc_pause_seconds_count", {"action": "end of minor GC", "cause": "G1 Evacuation Pause", "gc": "G1 Young Generation"}, i)
    m("kafka_consumer_fetch_manager_records_lag", {"client_id": "c", "topic": "assay.x", "partition": "0"}, 3)
    m("kafka_consumer_fetch_manager_records_lag_max", {"client_id": "c", "topic": "assay.x", "partition": "0"}, 3)
    m("kafka_producer_record_error_total", {"client_id": "p"}, 0)
    if service != "verifier":
        m("assay_stage_records_total", {"topic": "assay.in", "result": "ok"}, 2 * i)
        for le in ["0.1", "1.0", "+Inf"]:
            m("assay_stage_processing_seconds_bucket", {"topic": "assay.in", "le": le}, i)
        m("assay_stage_processing_seconds_count", {"topic": "assay.in"}, i)
        m("assay_stage_processing_seconds_sum", {"topic": "assay.in"}, 0.05 * i)
    if full and service == "verifier":
        m("kafka_stream_thread_process_total", {"thread_id": "t1"}, 4 * i)
        m("assay_verdicts_total", {"passed": "true"}, i)
        m("assay_verdicts_total", {"passed": "false"}, i // 2)
        m("assay_outcomes_total", {"status": "APPROVED"}, i)
        m("assay_fix_requests_total", {"reason": "TESTS_FAILED"}, i)
        m("assay_gate_decisions_total", {"risk": "LOW", "decision": "AUTO_APPROVE"}, i)
        m("assay_approvals_pending", {}, 1)
        m("assay_approvals_oldest_pending_seconds", {}, 12)
        for le in ["1.0", "2.0", "3.0", "+Inf"]:
            m("assay_fix_loop_attempts_bucket", {"le": le}, i)
        m("assay_fix_loop_attempts_count", {}, i)
        m("assay_fix_loop_attempts_sum", {}, 1.5 * i)
    if full and service == "context-assembler":
        m("assay_assembler_requests_total", {"result": "assembled"}, i)
    if full and service == "executor":
        m("assay_executions_total", {"backend": "bwrap", "language": "PYTHON", "status": "PASSED", "violation": "NONE"}, i)
        for le in ["1.0", "+Inf"]:
            m("assay_sandbox_duration_seconds_bucket", {"backend": "bwrap", "language": "PYTHON", "le": le}, i)
        m("assay_sandbox_duration_seconds_count", {"backend": "bwrap", "language": "PYTHON"}, i)
        m("assay_sandbox_duration_seconds_sum", {"backend": "bwrap", "language": "PYTHON"}, 0.3 * i)
    if full and service == "generator":
        m("assay_generator_generations_total", {"provider": "scripted", "status": "OK"}, i)
        m("assay_generator_model_latency_seconds_count", {"provider": "scripted"}, i)
        m("assay_generator_model_latency_seconds_sum", {"provider": "scripted"}, 0.01 * i)
        m("assay_generator_model_latency_seconds_max", {"provider": "scripted"}, 0.02)
        m("assay_generator_provider_calls_seconds_count", {"provider": "scripted", "outcome": "ok"}, i)
        m("assay_generator_provider_calls_seconds_sum", {"provider": "scripted", "outcome": "ok"}, 0.01 * i)
        for d, k in (("in", 100), ("out", 40)):
            m("assay_generator_tokens_count", {"provider": "scripted", "direction": d}, i)
            m("assay_generator_tokens_sum", {"provider": "scripted", "direction": d}, k * i)
    return ("\n".join(L) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        payload = body()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
