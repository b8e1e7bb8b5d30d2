#!/bin/bash
# Session 6 detection dev runs (docs/dev_suite/det.md#session-6), from the repo root.
# The stages of session 5 (work_dirs/s5_rot, work_dirs/s5_mu: black box, store and
# the 3x warm-up of each seed, made by tools/benchmark.py) are reused by running the
# benchmark's own command lines directly: the session-5 stage records no longer match
# (they hash the interpreter path and, since 6bc8602, the config contents), while
# the outputs do (MNIST -> USPS seed 0 rerun through tools/benchmark.py in this
# session: warm-up 95.56, session 5's number to the digit).
#   ema  SEED_DIR SEED TARGET_NPZ CROP OUT_DIR : the 3x warm-up with WarmupEMAHook
#        momentum 0.99, on SEED_DIR's store, into OUT_DIR/warmup
#   methods SEED_DIR SEED TARGET_NPZ CROP       : dine, and bimem_plus (dine_half ->
#        memory init -> bimem_plus), from SEED_DIR/warmup/iter_1200.pth
#   bimem SEED_DIR SEED TARGET_NPZ CROP         : faithful BiMem (memory init -> bimem)
#        from the same warm-up
# e.g.  docs/dev_suite/det_s6_runs.sh methods work_dirs/s5_mu/det/mnist2usps/seed1 1 \
#           /work/shared/data/digits/usps.npz None
set -e
what=$1; R=$2; s=$3; T=$4; C=$5; P=.venv/bin/python
export OMP_NUM_THREADS=1 PYTHONHASHSEED=0
O="randomness.seed=$s test_dataloader.dataset.npz_file=$T test_dataloader.dataset.crop=$C val_dataloader.dataset.npz_file=$T val_dataloader.dataset.crop=$C train_dataloader.dataset.npz_file=$T train_dataloader.dataset.crop=$C train_dataloader.dataset.pipeline.0.store=$R/blackbox_store memory_init_dataloader.dataset.npz_file=$T memory_init_dataloader.dataset.crop=$C memory_init_dataloader.dataset.pipeline.0.store=$R/blackbox_store"
it() { echo "train_cfg.max_iters=$1 train_cfg.val_interval=$1 default_hooks.checkpoint.interval=$1 param_scheduler.0.begin=0 param_scheduler.0.end=$(($1/10)) param_scheduler.1.begin=$(($1/10)) param_scheduler.1.end=$1"; }
metric() { grep -o '"pascal_voc/mAP": [0-9.]*' "$1" | cut -d' ' -f2; }
if [ "$what" = ema ]; then
  W=$6/warmup; mkdir -p $W
  $P tools/train.py configs/det/digits/warmup_scenes.py --work-dir $W --cfg-options $O $(it 1200) custom_hooks.2.momentum=0.99 > $W/train.log 2>&1
  $P tools/test.py configs/det/digits/warmup_scenes.py $W/iter_1200.pth --work-dir $W/test --metrics-out $W/test/metrics.json --cfg-options $O > $W/test.log 2>&1
  echo "$W seed $s: warmup_ema $(metric $W/test/metrics.json)"
elif [ "$what" = methods ]; then
  mkdir -p $R/logs $R/bimem_plus
  $P tools/train.py configs/det/digits/dine_scenes.py --work-dir $R/dine --cfg-options $O load_from=$R/warmup/iter_1200.pth $(it 400) > $R/logs/train_dine.log 2>&1
  $P tools/test.py configs/det/digits/dine_scenes.py $R/dine/iter_400.pth --work-dir $R/dine/test --metrics-out $R/dine/test/metrics.json --cfg-options $O > $R/logs/test_dine.log 2>&1
  $P tools/train.py configs/det/digits/dine_scenes.py --work-dir $R/dine_half --cfg-options $O load_from=$R/warmup/iter_1200.pth $(it 200) > $R/logs/train_dine_half.log 2>&1
  $P tools/init_memory.py configs/det/digits/bimem_plus_scenes.py $R/dine_half/iter_200.pth --out $R/bimem_plus/memory_init.pth --cfg-options $O > $R/logs/init_memory_bimem_plus.log 2>&1
  $P tools/train.py configs/det/digits/bimem_plus_scenes.py --work-dir $R/bimem_plus --cfg-options $O load_from=$R/bimem_plus/memory_init.pth $(it 200) > $R/logs/train_bimem_plus.log 2>&1
  $P tools/test.py configs/det/digits/bimem_plus_scenes.py $R/bimem_plus/iter_200.pth --work-dir $R/bimem_plus/test --metrics-out $R/bimem_plus/test/metrics.json --cfg-options $O > $R/logs/test_bimem_plus.log 2>&1
  echo "$R seed $s: dine $(metric $R/dine/test/metrics.json) bimem_plus $(metric $R/bimem_plus/test/metrics.json)"
elif [ "$what" = bimem ]; then
  mkdir -p $R/logs $R/bimem
  $P tools/init_memory.py configs/det/digits/bimem_scenes.py $R/warmup/iter_1200.pth --out $R/bimem/memory_init.pth --cfg-options $O > $R/logs/init_memory_bimem.log 2>&1
  $P tools/train.py configs/det/digits/bimem_scenes.py --work-dir $R/bimem --cfg-options $O load_from=$R/bimem/memory_init.pth $(it 400) > $R/logs/train_bimem.log 2>&1
  $P tools/test.py configs/det/digits/bimem_scenes.py $R/bimem/iter_400.pth --work-dir $R/bimem/test --metrics-out $R/bimem/test/metrics.json --cfg-options $O > $R/logs/test_bimem.log 2>&1
  echo "$R seed $s: bimem $(metric $R/bimem/test/metrics.json)"
else
  echo "usage: $0 ema|methods|bimem SEED_DIR SEED TARGET_NPZ CROP [OUT_DIR]" >&2; exit 2
fi
