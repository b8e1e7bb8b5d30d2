#!/usr/bin/env bash
# The demo's detection black box (seed 0; METHODS=a,b,... for other methods)
# through the benchmark's own stages, under a choice of CPU float kernels
# (session 9: how much a per-seed number depends on the machine's kernels,
# docs/benchmark.md "Reproducible numbers").
#
#   bash docs/dev_suite/det_cpu_kernels.sh OUT [ENV=VALUE ...]
#
# OUT must be a fresh folder (the stage records do not see the kernels). The
# ENV=VALUE pairs pick the kernels, e.g. ATEN_CPU_CAPABILITY=avx2
# ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=AVX2; the stages inherit them. Prints the
# kernels ATen runs and each method's mAP50.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1; shift
env "$@" .venv/bin/python -c "import torch; print('ATen kernels:', torch.backends.cpu.get_cpu_capability())"
env "$@" .venv/bin/python tools/benchmark.py --suite demo --tasks det --seeds 0 \
  --methods "${METHODS:-black_box}" --out "$out" > /dev/null
grep '^det,' "$out/results.csv"
