#!/usr/bin/env bash
# Install the whole stack and bimem_mm into a virtual environment.
#
#   bash tools/setup_env.sh            # creates ./.venv (or $BIMEM_VENV)
#
# Safe to run again: every step checks first and skips what is done. The
# mmcv wheel (about 22 min to compile on 2 cores) is built once into
# $BIMEM_WHEEL_CACHE (default ~/.cache/bimem_mm/wheels) and reused by every
# later setup, on any clone. Environment knobs:
#   BIMEM_VENV         virtual environment folder       (default: .venv)
#   BIMEM_PYTHON       interpreter that creates it      (default: python3.11 or python3)
#   BIMEM_TORCH_SPEC   torch pip spec when none works   (default: torch==2.14.1 torchvision==0.29.1)
#   BIMEM_WHEEL_CACHE  where the mmcv wheel is cached
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${BIMEM_VENV:-.venv}
PYTHON_BOOT=${BIMEM_PYTHON:-$(command -v python3.11 || command -v python3)}
TORCH_SPEC=${BIMEM_TORCH_SPEC:-"torch==2.14.1 torchvision==0.29.1"}
CACHE=${BIMEM_WHEEL_CACHE:-$HOME/.cache/bimem_mm/wheels}
step() { printf '\n== %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  step "creating virtual environment $VENV"
  "$PYTHON_BOOT" -m venv "$VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -q)

step "build tools"
"$PY" -c "import setuptools, wheel, sys; v=int(setuptools.__version__.split('.')[0]); sys.exit(not 77 <= v < 81)" 2>/dev/null \
  || "${PIP[@]}" 'setuptools>=77,<81' wheel

step "torch"
if "$PY" -c "import torch, torchvision, torchvision.ops; torchvision.ops.nms" 2>/dev/null; then
  echo "present: $("$PY" -c 'import torch, torchvision; print(torch.__version__, torchvision.__version__)')"
else
  # shellcheck disable=SC2086
  "${PIP[@]}" $TORCH_SPEC
fi

step "mmcv $("$PY" -c 'print("2.1.0")') with ops"
if "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '2.1.0'; mmcv.ops.nms" 2>/dev/null; then
  echo "present"
else
  wheel=$("$PY" bimem_mm/compat/mmcv_build.py --cache "$CACHE" | tail -n 1)
  "${PIP[@]}" --no-deps --force-reinstall "$wheel"
fi

step "OpenMMLab libraries and requirements"
"${PIP[@]}" -r requirements.txt

step "bimem_mm (editable)"
"$PY" -P -c "import bimem_mm, os, sys; sys.exit(os.path.dirname(bimem_mm.__file__) != os.path.abspath('bimem_mm'))" 2>/dev/null \
  || "${PIP[@]}" --no-deps --no-build-isolation -e .

step "check"
"$PY" - <<'EOF'
import mmcv, mmcv.ops, mmdet, mmengine, mmpretrain, mmseg, torch
import bimem_mm
print(f'torch {torch.__version__}, mmengine {mmengine.__version__}, '
      f'mmcv {mmcv.__version__}, mmseg {mmseg.__version__}, '
      f'mmdet {mmdet.__version__}, mmpretrain {mmpretrain.__version__}, '
      f'bimem_mm {bimem_mm.__version__}')
EOF
echo "ready: activate with 'source $VENV/bin/activate'"
