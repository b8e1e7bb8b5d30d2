# Stage 2: BiMem from the warm-up (or tools/init_memory.py) checkpoint:
#   python tools/train.py configs/cls/digits/bimem_digits.py \
#       --cfg-options load_from=work_dirs/warmup_digits/iter_1000.pth
_base_ = ['./_base_digits_adapt.py']
model = dict(
    stage='bimem',
    refiner=dict(
        queue_length=1024,    # 16 batches of images (one unit per image)
        min_units_long=1))    # a classification unit is a whole image
