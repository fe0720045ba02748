#!/usr/bin/env bash
# `make run`: the product working on one machine, with no external API. Starts a CPU worker on a
# generated model, a local OpenAI-compatible stand-in for the LLM (priced like GPT-4o) and the router
# with the demo's routing policy, then plays a mixed workload through the router and prints a row per
# request (route, reason, confidence, latency, cost) and a summary (SLM share, escalations by reason,
# spend vs an LLM-only baseline). Then it keeps serving and prints how to point an OpenAI SDK at it;
# Ctrl-C stops everything it started.
#   RUN_ONCE=1      exit after the summary (CI, scripts)
#   MODEL_DIR=DIR   serve another model folder instead of the generated tiny one
#   ROUTER_PORT / ROUTER_METRICS_PORT / WORKER_PORT / WORKER_METRICS_PORT / LLM_PORT   the ports
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIGURATION="${CONFIGURATION:-Release}"
ROUTER_PORT="${ROUTER_PORT:-8080}"
ROUTER_METRICS_PORT="${ROUTER_METRICS_PORT:-9092}"
WORKER_PORT="${WORKER_PORT:-50051}"
WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-9091}"
LLM_PORT="${LLM_PORT:-8089}"
MODEL_DIR="${MODEL_DIR:-.models/tiny}"
RUN_ONCE="${RUN_ONCE:-}"
RUN_DIR=".run/local"
WORKER_BIN="inference-worker/SlmFleet.Worker/bin/${CONFIGURATION}/net10.0/slm-worker"
ROUTER_BIN="router/SlmFleet.Router/bin/${CONFIGURATION}/net10.0/slm-router"
DEMO_BIN="demo/SlmFleet.Demo/bin/${CONFIGURATION}/net10.0/slm-demo"

for bin in "$WORKER_BIN" "$ROUTER_BIN" "$DEMO_BIN"; do
  if [ ! -x "$bin" ]; then
    echo "run-local: $bin not found; run 'make build' first (CONFIGURATION=${CONFIGURATION})" >&2
    exit 1
  fi
done

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$ROUTER_PORT" "$ROUTER_METRICS_PORT" "$WORKER_PORT" "$WORKER_METRICS_PORT" "$LLM_PORT"; do
  if port_busy "$port"; then
    echo "run-local: port $port on 127.0.0.1 is in use; set ROUTER_PORT / ROUTER_METRICS_PORT / WORKER_PORT / WORKER_METRICS_PORT / LLM_PORT" >&2
    exit 1
  fi
done

mkdir -p "$RUN_DIR"
if [ ! -f "$MODEL_DIR/genai_config.json" ]; then
  echo "run-local: generating the tiny model in $MODEL_DIR"
  "$WORKER_BIN" make-model --out "$MODEL_DIR" --preset tiny >/dev/null
fi

router_url="http://127.0.0.1:${ROUTER_PORT}"
metrics_url="http://127.0.0.1:${ROUTER_METRICS_PORT}/metrics"
# The demo's policy: threshold 0.85, long documents and requests flagged 'complex' to the LLM by rule,
# GPT-4o's list prices; the LLM side is the local stand-in below.
"$DEMO_BIN" policy --worker "http://127.0.0.1:${WORKER_PORT}" --llm "http://127.0.0.1:${LLM_PORT}/v1" --out "$RUN_DIR/policies.yaml"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "run-local: stopped the worker, the router and the LLM stand-in"
}
# Ctrl-C (or a TERM) exits, and every exit stops the children.
trap cleanup EXIT
trap 'exit 130' INT TERM

# Children log to files so that the table stays readable.
"$WORKER_BIN" serve --model "$MODEL_DIR" --listen 127.0.0.1 --port "$WORKER_PORT" \
  --metrics-port "$WORKER_METRICS_PORT" --execution-provider cpu --served-name tiny >"$RUN_DIR/worker.log" 2>&1 &
pids+=($!)
"$DEMO_BIN" llm --listen "http://127.0.0.1:${LLM_PORT}" >"$RUN_DIR/llm.log" 2>&1 &
pids+=($!)
"$ROUTER_BIN" --policies "$RUN_DIR/policies.yaml" --listen "$router_url" --metrics-listen "http://127.0.0.1:${ROUTER_METRICS_PORT}" >"$RUN_DIR/router.log" 2>&1 &
pids+=($!)
echo "run-local: worker, router and LLM stand-in starting (logs in $RUN_DIR/)"

# The player waits for the worker's warm-up itself; here only a child that dies is caught early.
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "$router_url/readyz" && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run-local: a child process exited early; see $RUN_DIR/*.log" >&2; exit 1; }
  done
  sleep 0.5
done

play=("$DEMO_BIN" play --router "$router_url" --metrics "$metrics_url")
if [ -n "$RUN_ONCE" ]; then
  play+=(--once)
fi
if ! "${play[@]}"; then
  echo "run-local: the workload did not complete; see $RUN_DIR/*.log" >&2
  exit 1
fi
if [ -n "$RUN_ONCE" ]; then
  exit 0
fi
echo "run-local: running; Ctrl-C to stop"
wait
