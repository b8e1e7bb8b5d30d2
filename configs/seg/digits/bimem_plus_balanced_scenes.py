# The session-4 bimem_plus for digit scenes (an option, not the default):
# faithful BiMem with both loss terms class-balanced (weights freq ** -0.5
# of the calibrated labels' running frequency; bimem_plus_model_pixels).
# On top of the balanced warm-up it over-predicts digits and loses to
# faithful BiMem on USPS <-> MNIST (docs/dev_suite/seg.md, session 5).
_base_ = ['./bimem_scenes.py', '../../_base_/bimem/bimem_plus.py']
model = {{_base_.bimem_plus_model_pixels}}
