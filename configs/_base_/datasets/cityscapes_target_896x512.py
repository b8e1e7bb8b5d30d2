# Cityscapes as the unlabelled TARGET of GTA5/SYNTHIA -> Cityscapes
# (docs/segmentation.md). Validation/test: mmseg's Cityscapes val set.
# Student view as the official code: random resize of the long side in
# 0.5-1.5 x 2200, random 896x512 crop, horizontal flip; the stored
# black-box maps move with it (bimem_mm.LoadBlackBoxSegMap ... PackSegBlackBox).
_base_ = ['mmseg::_base_/datasets/cityscapes.py']
custom_imports = dict(imports=['bimem_mm.seg'], allow_failed_imports=False)
data_root = 'data/cityscapes/'
bb_store = 'work_dirs/gta5_to_cityscapes/blackbox_store'
num_classes = 19
crop_size = (512, 896)  # (h, w): the official 896x512 crop
load_bb = dict(type='bimem_mm.LoadBlackBoxSegMap', store=bb_store,
               key_root=data_root, num_classes=num_classes,
               validate=False)  # True reads the whole store at start-up
student_view = [
    dict(type='RandomResize', scale=(2200, 1100), ratio_range=(0.5, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [dict(type='LoadImageFromFile'), load_bb, *student_view,
                  dict(type='bimem_mm.PackSegBlackBox')]
# official teacher view: the full un-augmented image, its maps resampled
# into the student's crop (BiMemSegmentor(teacher_view='full'))
train_pipeline_full_view = [dict(type='LoadImageFromFile'), load_bb,
                            dict(type='bimem_mm.KeepTeacherView'),
                            *student_view,
                            dict(type='bimem_mm.PackSegBlackBox')]
target_train = dict(type='CityscapesDataset', data_root=data_root,
                    data_prefix=dict(img_path='leftImg8bit/train'))
train_dataloader = dict(
    _delete_=True, batch_size=4, num_workers=4, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**target_train, pipeline=train_pipeline))
# long-term memory initialisation (official calc_prototype.py): the target
# training images without augmentation and without labels
memory_init_dataloader = dict(
    batch_size=1, num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**target_train, pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
        dict(type='PackSegInputs')]))
