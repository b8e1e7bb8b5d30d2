#!/usr/bin/env bash
# Session 7's detection development runs (docs/dev_suite/det.md#session-7).
#
#   det_s7_runs.sh base PAIR                 black box, warm-up, dine, bimem_plus; seeds 0,1,2
#   det_s7_runs.sh variant PAIR TAG ARGS...  rerun bimem_plus with ARGS (e.g. --method-options
#                                            bimem_plus:model.soft_weight=1.0) and keep its
#                                            metrics as SEED/bimem_plus_TAG_metrics.json
# PAIR: rot (mnist_clean -> mnist_rotated), mu (MNIST -> USPS), um (USPS -> MNIST).
# DEV (default /work/devdata, from tools/make_dev_pairs.py) and DIGITS (default
# ../shared/data/digits) say where the .npz files are; run from the repository root.
# Before the first variant the default bimem_plus's metrics are kept as bimem_plus_default.
set -euo pipefail
DEV=${DEV:-/work/devdata}; DIGITS=${DIGITS:-../shared/data/digits}
what=$1; pair=$2; shift 2
case $pair in
  rot) src=$DEV/mnist_clean.npz; tgt=$DEV/mnist_rotated.npz; name=mnist_clean2mnist_rotated;;
  mu)  src=$DIGITS/mnist.npz; tgt=$DIGITS/usps.npz; name=mnist2usps;;
  um)  src=$DIGITS/usps.npz; tgt=$DIGITS/mnist.npz; name=usps2mnist;;
  *) echo "unknown pair $pair (rot, mu, um)" >&2; exit 2;;
esac
out=work_dirs/s7_$pair; root=$out/det/$name
bench=(env OMP_NUM_THREADS=1 python tools/benchmark.py --tasks det --iters 400 --jobs 1
       --seeds 0,1,2 --pair "$src:$tgt" --out "$out")
if [ "$what" = base ]; then
  "${bench[@]}" --methods black_box,warmup,dine,bimem_plus "$@"
elif [ "$what" = variant ]; then
  tag=$1; shift
  for s in "$root"/seed*; do
    [ -f "$s/bimem_plus_default_metrics.json" ] || cp "$s/bimem_plus/test/metrics.json" "$s/bimem_plus_default_metrics.json"
  done
  "${bench[@]}" --methods bimem_plus "$@"
  for s in "$root"/seed*; do cp "$s/bimem_plus/test/metrics.json" "$s/bimem_plus_${tag}_metrics.json"; done
else
  echo "usage: $0 base|variant PAIR [TAG] [ARGS...]" >&2; exit 2
fi
