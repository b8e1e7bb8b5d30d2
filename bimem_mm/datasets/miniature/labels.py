"""The class tables of the paper datasets, as the datasets define them.

* Cityscapes (cityscapesscripts ``helpers/labels.py``): label id, train id
  and colour of the 19 evaluated classes; GTA5 labels use the same ids.
* SYNTHIA-RAND-CITYSCAPES: the class id in the red channel of
  ``GT/LABELS/*.png``.
* Office-31, Office-Home, VisDA-2017: the class folder names.

The miniature images are colour-coded: a pixel of class ``c`` is drawn in
the class's colour (plus noise), so a black box can answer from the image
(``bimem_mm.datasets.miniature.blackbox``) and a model can learn it.
"""
import numpy as np

# (name, Cityscapes label id, train id, colour RGB)
CITYSCAPES = (
    ('road', 7, 0, (128, 64, 128)), ('sidewalk', 8, 1, (244, 35, 232)),
    ('building', 11, 2, (70, 70, 70)), ('wall', 12, 3, (102, 102, 156)),
    ('fence', 13, 4, (190, 153, 153)), ('pole', 17, 5, (153, 153, 153)),
    ('traffic light', 19, 6, (250, 170, 30)),
    ('traffic sign', 20, 7, (220, 220, 0)),
    ('vegetation', 21, 8, (107, 142, 35)),
    ('terrain', 22, 9, (152, 251, 152)), ('sky', 23, 10, (70, 130, 180)),
    ('person', 24, 11, (220, 20, 60)), ('rider', 25, 12, (255, 0, 0)),
    ('car', 26, 13, (0, 0, 142)), ('truck', 27, 14, (0, 0, 70)),
    ('bus', 28, 15, (0, 60, 100)), ('train', 31, 16, (0, 80, 100)),
    ('motorcycle', 32, 17, (0, 0, 230)), ('bicycle', 33, 18, (119, 11, 32)),
)
CITYSCAPES_CLASSES = tuple(c[0] for c in CITYSCAPES)
CITYSCAPES_IDS = {c[0]: c[1] for c in CITYSCAPES}
CITYSCAPES_COLORS = np.array([c[3] for c in CITYSCAPES], np.uint8)
# the 8 classes with instances (mmdet's Cityscapes detection classes)
INSTANCE_CLASSES = ('person', 'rider', 'car', 'truck', 'bus', 'train',
                    'motorcycle', 'bicycle')
# the 16 classes SYNTHIA shares with Cityscapes, and their SYNTHIA ids
SYNTHIA_16 = tuple(c for c in CITYSCAPES_CLASSES
                   if c not in ('terrain', 'truck', 'train'))
SYNTHIA_IDS = dict(zip(SYNTHIA_16, (3, 4, 2, 21, 5, 7, 15, 9, 6, 1, 10, 17,
                                    8, 19, 12, 11)))

OFFICE31 = (
    'back_pack', 'bike', 'bike_helmet', 'bookcase', 'bottle', 'calculator',
    'desk_chair', 'desk_lamp', 'desktop_computer', 'file_cabinet',
    'headphones', 'keyboard', 'laptop_computer', 'letter_tray',
    'mobile_phone', 'monitor', 'mouse', 'mug', 'paper_notebook', 'pen',
    'phone', 'printer', 'projector', 'punchers', 'ring_binder', 'ruler',
    'scissors', 'speaker', 'stapler', 'tape_dispenser', 'trash_can')
OFFICE31_DOMAINS = ('amazon', 'dslr', 'webcam')
# class indices follow the sorted folder names, as mmpretrain's
# CustomDataset (and the black box trained through it) read them
OFFICEHOME = tuple(sorted((
    'Alarm_Clock', 'Backpack', 'Batteries', 'Bed', 'Bike', 'Bottle',
    'Bucket', 'Calculator', 'Calendar', 'Candles', 'Chair', 'Clipboards',
    'Computer', 'Couch', 'Curtains', 'Desk_Lamp', 'Drill', 'Eraser',
    'Exit_Sign', 'Fan', 'File_Cabinet', 'Flipflops', 'Flowers', 'Folder',
    'Fork', 'Glasses', 'Hammer', 'Helmet', 'Kettle', 'Keyboard', 'Knives',
    'Lamp_Shade', 'Laptop', 'Marker', 'Monitor', 'Mop', 'Mouse', 'Mug',
    'Notebook', 'Oven', 'Pan', 'Paper_Clip', 'Pen', 'Pencil',
    'Postit_Notes', 'Printer', 'Push_Pin', 'Radio', 'Refrigerator', 'Ruler',
    'Scissors', 'Screwdriver', 'Shelf', 'Sink', 'Sneakers', 'Soda',
    'Speaker', 'Spoon', 'Table', 'Telephone', 'ToothBrush', 'Toys',
    'Trash_Can', 'TV', 'Webcam')))
OFFICEHOME_DOMAINS = ('Art', 'Clipart', 'Product', 'Real_World')
VISDA2017 = ('aeroplane', 'bicycle', 'bus', 'car', 'horse', 'knife',
             'motorcycle', 'person', 'plant', 'skateboard', 'train', 'truck')


def class_colors(num_classes: int) -> np.ndarray:
    """(C, 3) uint8 colours, pairwise far apart: points of an RGB grid,
    the same for every call (the code of a classification image)."""
    side = int(np.ceil(num_classes ** (1 / 3)))
    levels = np.linspace(20, 235, side).round()
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing='ij'),
                    -1).reshape(-1, 3)
    return grid[:num_classes].astype(np.uint8)
