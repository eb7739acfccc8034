#!/usr/bin/env bash
# `make test`: every layer, in order; fails if any layer fails.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
make --no-print-directory unit || status=1
make --no-print-directory load-test || status=1
make --no-print-directory e2e || status=1
if [ $status -eq 0 ]; then echo "make test: all layers passed"; else echo "make test: FAILED"; fi
exit $status
