# The black box of the digit-scene benchmark: a segmenter trained on SOURCE
# scenes with their labels. Only its predictions on target scenes are used
# by adaptation (tools/predict_blackbox.py --task seg).
_base_ = [
    '../../_base_/models/deeplabv2_smallconvnet_scenes.py',
    '../../_base_/datasets/digit_scenes_seg.py',
    '../../_base_/schedules/scenes_seg_iters.py',
]
source_train = dict(type='bimem_mm.DigitSceneSegDataset',
                    npz_file={{_base_.source_npz}}, images='x_train',
                    labels='y_train', crop={{_base_.source_crop}},
                    num_scenes=1000, seed=0, canvas={{_base_.canvas}},
                    with_label=True)
train_dataloader = dict(
    _delete_=True, batch_size=8, num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**source_train, pipeline={{_base_.labelled_pipeline}}))
memory_init_dataloader = None
