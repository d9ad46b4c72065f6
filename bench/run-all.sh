#!/usr/bin/env bash
# Produces every figure of BENCHMARKS.md in one go, on a quiet machine: full HumanEval (164 problems, Python, Java,
# JavaScript), the pipeline runs (overhead, no-sandbox, 1/2/4 instances, 3 candidates) and context assembly over 10k files.
# Output: bench/target/results-<time>.txt.
# Usage (from the repository root, after ./assay build):  bench/run-all.sh [requests-per-pipeline-run]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/env.sh
assay_find_jdk
N="${1:-200}"
OUT="bench/target/results-$(date +%Y%m%d-%H%M%S).txt"
bench() {
  echo "\$ ./assay bench $*" | tee -a "$OUT"
  java -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -cp "bench/target/classes:bench/target/lib/*" dev.assay.bench.BenchMain "$@" 2>&1 | grep -v ' WARN ' | tee -a "$OUT"
}
bench humaneval --limit 164
bench pipeline --requests "$N"
bench pipeline --requests "$N" --no-sandbox
bench pipeline --requests 40 --no-sandbox --interval PT0.5S
bench pipeline --requests 40 --interval PT2S
bench pipeline --requests "$N" --no-sandbox --partitions 6 --instances 2
bench pipeline --requests "$N" --no-sandbox --partitions 6 --instances 4
bench pipeline --requests "$N" --partitions 6 --instances 2
bench pipeline --requests 40 --candidates 3
bench context --files 10000
echo "results in $OUT"
