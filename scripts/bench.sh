#!/usr/bin/env bash
# Runs every benchmark in turn; each writes bench/results/<name>.json and bench/results/<name>.md.
# Usage: scripts/bench.sh [operator|worker|router|router-streaming|calibration|autoscaler|tokenizers|constrained ...]   (default: all)
# tokenizers: the worker's tokenizers beside transformers.js (needs `make tools`), bench/results/tokenizers.*
# constrained: constrained decoding on the 152k-vocabulary fixture (mask time, throughput, compile time), bench/results/constrained.*
# router-streaming: SLM streaming TTFT through the router vs the worker alone, and the router's first
# 10 seconds after start, bench/results/router-streaming.*
# calibration: the deterministic threshold-calibration simulation, bench/results/calibration.*
# operator: in-process against the API test server, then on a real control plane (../shared/k8s/up.sh --full);
# the real run is skipped, with a message, where ../shared/k8s/assets.sh is missing or fails.
# WORKER_BENCH_ARGS passes flags to the worker benchmark, e.g. "--model-dir DIR" or "--repeats 1"
# (see bench/SlmFleet.Bench.Worker/BenchOptions.cs; the default model is the qwen2.5-0.5b preset).
# After the benchmarks, bench/SlmFleet.Bench.Charts renders the JSON into bench/results/*.svg (`make charts`
# does only that).
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=${CONFIGURATION:-Release}
benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
  # The autoscaler simulation reads the worker's measured service rate, so the worker runs first.
  benches=(worker autoscaler operator router router-streaming calibration tokenizers constrained)
fi

mkdir -p bench/results
failed=()
for name in "${benches[@]}"; do
  project="bench/SlmFleet.Bench.${name^}"
  extra=()
  if [ "$name" = tokenizers ]; then
    # The tokenizer table is an entry point of the worker benchmark project.
    project="bench/SlmFleet.Bench.Worker"
    extra=(tokenizers)
  fi
  if [ "$name" = constrained ]; then
    project="bench/SlmFleet.Bench.Worker"
    extra=(constrained)
  fi
  if [ "$name" = router-streaming ]; then
    project="bench/SlmFleet.Bench.Router"
    extra=(streaming)
  fi
  if [ "$name" = calibration ]; then
    project="bench/SlmFleet.Bench.Router"
    extra=(calibration)
  fi
  if [ "$name" = operator ] && ! ../shared/k8s/assets.sh >/dev/null 2>&1; then
    echo "operator: ../shared/k8s/assets.sh is missing or failed (no control-plane binaries): skipping the real control-plane run; the in-process run still goes ahead" >&2
    extra=(--in-process-only)
  fi
  if [ ! -d "$project" ]; then
    echo "unknown benchmark '$name' (expected one of: operator worker router router-streaming calibration autoscaler tokenizers constrained)" >&2
    exit 2
  fi
  echo "=== benchmark: $name"
  if [ "$name" = worker ] && [ -n "${WORKER_BENCH_ARGS:-}" ]; then
    read -r -a extra <<<"$WORKER_BENCH_ARGS"
  fi
  if ! dotnet run -c "$configuration" --no-build --project "$project" -- "${extra[@]}"; then
    failed+=("$name")
  fi
done

# Charts: every result JSON (fresh or kept from an earlier run) rendered to bench/results/*.svg.
echo "=== charts"
if ! dotnet run -c "$configuration" --no-build --project bench/SlmFleet.Bench.Charts -- --results bench/results; then
  failed+=(charts)
fi

for table in bench/results/*.md; do
  [ -f "$table" ] && { echo; cat "$table"; }
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "benchmarks failed: ${failed[*]}" >&2
  exit 1
fi
