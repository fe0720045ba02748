#!/usr/bin/env bash
# Builds the container images the Helm chart runs (`make images`):
#   slm-operator (operator/Dockerfile), slm-router (router/Dockerfile),
#   slm-worker (inference-worker/Dockerfile) and, when inference-worker/Dockerfile.gpu exists, slm-worker-gpu.
# Names match charts/slm-fleet/values.yaml (images.*.repository); the tag defaults to the chart's appVersion,
# which is also the chart's default tag. Override with REGISTRY=... TAG=... ./scripts/images.sh
set -euo pipefail
cd "$(dirname "$0")/.."

REGISTRY="${REGISTRY:-slmfleet}"
TAG="${TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' charts/slm-fleet/Chart.yaml)}"

if ! command -v docker >/dev/null 2>&1; then
  echo "make images: the docker CLI is not installed; install Docker (or a compatible engine) to build the images." >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "make images: no Docker engine is reachable ('docker info' failed); start the daemon or point DOCKER_HOST at one." >&2
  echo "The images are: ${REGISTRY}/slm-operator:${TAG}, ${REGISTRY}/slm-router:${TAG}, ${REGISTRY}/slm-worker:${TAG}." >&2
  exit 1
fi

failed=0
build() {
  local name="$1" dockerfile="$2"
  if [ ! -f "$dockerfile" ]; then
    echo "make images: $dockerfile is missing, so ${REGISTRY}/${name}:${TAG} was not built." >&2
    failed=1
    return
  fi
  echo "==> ${REGISTRY}/${name}:${TAG} from ${dockerfile}"
  docker build --file "$dockerfile" --tag "${REGISTRY}/${name}:${TAG}" .
}

build slm-operator operator/Dockerfile
build slm-router router/Dockerfile
build slm-worker inference-worker/Dockerfile
if [ -f inference-worker/Dockerfile.gpu ]; then
  build slm-worker-gpu inference-worker/Dockerfile.gpu
else
  echo "note: inference-worker/Dockerfile.gpu not found; the GPU worker image (values-gpu-production.yaml) was not built." >&2
fi

exit "$failed"
