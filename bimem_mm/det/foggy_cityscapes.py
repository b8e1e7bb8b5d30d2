"""COCO-style annotation files for Foggy Cityscapes (json only).

Foggy Cityscapes renders fog on the Cityscapes images and keeps their
labels, so its annotation files are mmdet's Cityscapes ones
(``tools/dataset_converters/cityscapes.py`` of mmdetection) with each
``file_name`` pointing at the foggy image of one fog density ``beta``::

    python -m bimem_mm.det.foggy_cityscapes \\
        --cityscapes-ann data/cityscapes/annotations \\
        --out data/foggy_cityscapes/annotations --beta 0.02

writes ``foggy_beta_0.02_train_images.json`` (images only: the training
set of adaptation never sees a target label), ``foggy_beta_0.02_train.json``
(with labels, for the oracle only) and ``foggy_beta_0.02_val.json``
(evaluation).
"""
import argparse
import json
import os
import os.path as osp

SUFFIX = '_leftImg8bit.png'


def foggy_annotations(src: str, dst: str, beta: float,
                      keep_labels: bool = True) -> int:
    """Rewrite one mmdet Cityscapes json for the foggy images.

    Returns:
        the number of images.
    """
    with open(src) as f:
        coco = json.load(f)
    for key in ('images', 'categories'):
        if key not in coco:
            raise ValueError(f'{src}: not a COCO annotation file (no {key!r})')
    for img in coco['images']:
        name = img['file_name']
        if not name.endswith(SUFFIX):
            raise ValueError(f'{src}: image {name!r} does not end with '
                             f'{SUFFIX!r}; is this a Cityscapes json?')
        img['file_name'] = (name[:-len('.png')]
                            + f'_foggy_beta_{beta:g}.png')
    if not keep_labels:
        coco['annotations'] = []
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    tmp = dst + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(coco, f)
    os.replace(tmp, dst)
    return len(coco['images'])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cityscapes-ann', required=True,
                        help='folder with instancesonly_filtered_gtFine_'
                        '{train,val}.json')
    parser.add_argument('--out', required=True)
    parser.add_argument('--beta', type=float, default=0.02)
    args = parser.parse_args(argv)
    src = osp.join(args.cityscapes_ann,
                   'instancesonly_filtered_gtFine_{}.json')
    dst = osp.join(args.out, f'foggy_beta_{args.beta:g}_{{}}.json')
    for split, name, labels in (('train', 'train_images', False),
                                ('train', 'train', True),
                                ('val', 'val', True)):
        n = foggy_annotations(src.format(split), dst.format(name), args.beta,
                              labels)
        print(f'{dst.format(name)}: {n} images')


if __name__ == '__main__':
    main()
