#!/usr/bin/env bash
# Prints the performance figures of an optimised build: run-bench.sh BUILD_DIR [KEYS] [WORKSPACES]
set -euo pipefail
build=${1:-build-bench}
echo "Portkey Key Manager benchmarks ($(nproc) cores, ${2:-100000} keys over ${3:-500} workspaces)"
"$build/tests/bench/pk-bench" "${2:-100000}" "${3:-500}"
