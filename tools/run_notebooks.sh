#!/usr/bin/env bash
# Execute notebooks top to bottom (outside nbdev_test, slow cells included, `#| eval: false` ones not) and store their outputs,
# which the docs site and README show. Usage: tools/run_notebooks.sh [nbs/NN_name.ipynb ...] (default: all).
# Progress bars are stored as widgets (tqdm's TQDM_DISABLE does not reach bars that pass disable= themselves), so
# tools/strip_progress_bars.py removes them afterwards: the stored outputs hold results, not widget state.
# NB_CELL_TIMEOUT (seconds, default 1800) bounds each cell: 01's benchmark at real size needs about two hours.
set -euo pipefail
cd "$(dirname "$0")/.."
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(nbs/[0-9]*.ipynb nbs/index.ipynb)
for nb in "${notebooks[@]}"; do
  echo "== $nb"
  start=$(date +%s)
  python tools/run_notebooks_fast.py --with-slow "$nb"   # every cell but `#| eval: false` ones (Colab, GPU + hub runs)
  echo "   $(( $(date +%s) - start )) s"
done
python tools/strip_progress_bars.py "${notebooks[@]}"
nbdev_clean
