#!/usr/bin/env bash
# Offline preview of the docs site. `nbdev_docs` renders with Quarto, which cannot be installed without internet
# access; this renders the same processed notebooks (nbdev's directives applied: hidden cells dropped, show_doc
# added for exported names) with `jupyter nbconvert --to html` into _preview/. Open _preview/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf _proc _preview
python - <<'PY'
from nbdev.config import get_config
from nbdev.quarto import proc_nbs
proc_nbs(get_config().nbs_path, n_workers=0)
PY
python - <<'PY'
# nbdev stores Quarto-only cell metadata (execution options) that nbconvert's validator rejects: drop it
import json, pathlib
for p in pathlib.Path("_proc").glob("*.ipynb"):
    nb = json.loads(p.read_text())
    for c in nb["cells"]: c.get("metadata", {}).pop("execution", None)
    p.write_text(json.dumps(nb))
PY
mkdir -p _preview/training_stats
cp training_stats/*.png _preview/training_stats/ 2>/dev/null || true
jupyter nbconvert --to html --log-level ERROR --output-dir _preview _proc/*.ipynb
ls _preview/*.html
