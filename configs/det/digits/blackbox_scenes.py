# The black box of the digit-scene benchmark: Faster R-CNN trained on SOURCE
# scenes with their labels. Wrapped as BoxProbsDetector, so its predictions
# carry a class distribution per box; only those predictions on target
# scenes are used by adaptation (tools/predict_blackbox.py --task det).
_base_ = [
    '../_base_/models/faster_rcnn_smallconvnet_scenes.py',
    '../_base_/datasets/digit_scenes_det.py',
    '../_base_/schedules/scenes_det_iters.py',
]
model = dict(_delete_=True, type='bimem_mm.BoxProbsDetector',
             detector={{_base_.model}})
train_dataloader = dict(
    _delete_=True, batch_size=8, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset={{_base_.source_train_dataset}})
memory_init_dataloader = None
