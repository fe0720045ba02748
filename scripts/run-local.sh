#!/usr/bin/env bash
# `make run`: the tiny model, one CPU worker and the router on localhost with a default policy that
# needs no external API. Prints the endpoint and a sample curl, sends one request, then stays in the
# foreground until Ctrl-C (both children are stopped on exit).
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIGURATION="${CONFIGURATION:-Release}"
ROUTER_PORT="${ROUTER_PORT:-8080}"
WORKER_PORT="${WORKER_PORT:-50051}"
WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-9091}"
ROUTER_METRICS_PORT="${ROUTER_METRICS_PORT:-9092}"
MODEL_DIR=".models/tiny"
RUN_DIR=".run/local"
WORKER_BIN="inference-worker/SlmFleet.Worker/bin/${CONFIGURATION}/net10.0/slm-worker"
ROUTER_BIN="router/SlmFleet.Router/bin/${CONFIGURATION}/net10.0/slm-router"

for bin in "$WORKER_BIN" "$ROUTER_BIN"; do
  if [ ! -x "$bin" ]; then
    echo "run-local: $bin not found; run 'make build' first (CONFIGURATION=${CONFIGURATION})" >&2
    exit 1
  fi
done

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$ROUTER_PORT" "$ROUTER_METRICS_PORT" "$WORKER_PORT" "$WORKER_METRICS_PORT"; do
  if port_busy "$port"; then
    echo "run-local: port $port on 127.0.0.1 is in use; set ROUTER_PORT / ROUTER_METRICS_PORT / WORKER_PORT / WORKER_METRICS_PORT" >&2
    exit 1
  fi
done

mkdir -p "$RUN_DIR"
if [ ! -f "$MODEL_DIR/genai_config.json" ]; then
  echo "run-local: generating the tiny model in $MODEL_DIR"
  "$WORKER_BIN" make-model --out "$MODEL_DIR" --preset tiny
fi

# Default policy: everything to the SLM. The LLM side points at a closed local port and the policy
# never escalates (threshold 0, no escalation on timeout/unavailable), so no external API is called.
cat > "$RUN_DIR/policies.yaml" <<YAML
deployments:
  - name: tiny
    model: tiny
    endpoints: ["http://127.0.0.1:${WORKER_PORT}"]
policies:
  - modelAlias: fleet
    slm: { deploymentRef: { name: tiny }, timeoutMilliseconds: 30000 }
    llm: { baseUrl: "http://127.0.0.1:9/v1", model: none }
    escalation: { confidenceThreshold: 0.0, onTimeout: false, onUnavailable: false }
YAML

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "run-local: stopped"
}
trap cleanup INT TERM EXIT

"$WORKER_BIN" serve --model "$MODEL_DIR" --listen 127.0.0.1 --port "$WORKER_PORT" \
  --metrics-port "$WORKER_METRICS_PORT" --execution-provider cpu --served-name tiny &
pids+=($!)
"$ROUTER_BIN" --policies "$RUN_DIR/policies.yaml" --listen "http://127.0.0.1:${ROUTER_PORT}" --metrics-listen "http://127.0.0.1:${ROUTER_METRICS_PORT}" &
pids+=($!)

endpoint="http://127.0.0.1:${ROUTER_PORT}/v1"
body='{"model":"fleet","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}'
echo "run-local: waiting for the worker to warm up and the router to answer..."
for _ in $(seq 1 240); do
  if curl -sf -o /dev/null -H 'content-type: application/json' -d "$body" "$endpoint/chat/completions"; then
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run-local: a child process exited early" >&2; exit 1; }
  done
  sleep 0.5
done

cat <<INFO

SLM Fleet router: ${endpoint}   (metrics: http://127.0.0.1:${ROUTER_METRICS_PORT}/metrics)
Models: fleet (routing policy), tiny (the worker directly)
Sample:
  curl -s ${endpoint}/chat/completions -H 'content-type: application/json' \\
    -d '${body}'

One request to prove it works:
INFO
curl -sS -D - -H 'content-type: application/json' -d "$body" "$endpoint/chat/completions" | grep -Ei '^(HTTP|x-slmfleet)|^\{'
echo
echo "run-local: running; Ctrl-C to stop"
wait
