# BiMem hyperparameters: the official defaults (jingyi0000/BiMem,
# parser_train.py), shared by every task. Task configs reference them as
# {{_base_.bimem_refiner}} etc. and override what their units need.
bimem_refiner = dict(
    type='bimem_mm.BiMemRefiner',
    queue_length=65536,        # short-term FIFO length L
    units_per_group=256,       # k units per image enter the queue (--fs)
    selection='high_entropy',  # official topk(entropy): the most uncertain
    temperature=1.0,           # T of softmax(-T * distance); set for 256-d
    momentum=1e-4,             # proto_momentum, prototype and short mix
    short_weight=0.5,          # fused = 0.5 long + 0.5 short
    threshold=0.0,             # train_thred: nothing ignored
    min_units_short=10,        # queue units a class needs
    min_units_long=10,         # pixels per (image, class) for a vector
    # deviation (bug fix): 'count' tests the queue by its push count; the
    # official test 'oldest label != 0' ('official') misreads class 0
    ready_check='count',
    use_short=True,
    use_long=True)
bimem_loss = dict(type='bimem_mm.BiMemLoss', alpha=0.1, beta=1.0)
# EMA teacher (momentum 0.999, BN buffers copied from the student) and
# the long-term initialisation pass when the memory is empty
bimem_hook = dict(type='bimem_mm.BiMemHook', momentum=0.999,
                  copy_buffers=True)
store_check_hook = dict(type='bimem_mm.PredictionStoreCheckHook')
# what every adaptation base adds around its task model:
#   model = dict(_base_.bimem_wrapper, _delete_=True,
#                type='bimem_mm.BiMem<Task>', model=_base_.model)
#   custom_hooks = _base_.bimem_hooks
bimem_wrapper = dict(refiner=bimem_refiner, loss=bimem_loss, stage='bimem')
bimem_hooks = [store_check_hook, bimem_hook]
