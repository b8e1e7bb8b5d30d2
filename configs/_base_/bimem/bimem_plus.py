# bimem_plus: our stronger BiMem configuration, beside the faithful one.
# Deviations from the official method (each a config value):
# - temperature 10 instead of 1: distances of small-CNN / GAP features are
#   on another scale than ProDA's 256-d ones (chosen on USPS <-> MNIST);
# - an information-maximisation term on the student (confident, diverse);
# - the benchmark starts it from a DINE-style distilled model instead of
#   the CE warm-up, within the same total iteration budget.
# Use in a task config: model = {{_base_.bimem_plus_model}}
bimem_plus_model = dict(im_weight=1.0, refiner=dict(temperature=10.0))
