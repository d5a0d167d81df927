#!/usr/bin/env bash
# Execute notebooks top to bottom with Jupyter (outside nbdev_test, slow cells included) and store their outputs,
# which the docs site and README show. Usage: tools/run_notebooks.sh [nbs/NN_name.ipynb ...] (default: all).
# Progress bars are turned off (TQDM_DISABLE) so the stored outputs hold results, not widget state.
set -euo pipefail
cd "$(dirname "$0")/.."
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(nbs/[0-9]*.ipynb nbs/index.ipynb)
for nb in "${notebooks[@]}"; do
  echo "== $nb"
  start=$(date +%s)
  TQDM_DISABLE=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=1800 --log-level WARN "$nb"
  echo "   $(( $(date +%s) - start )) s"
done
nbdev_clean
