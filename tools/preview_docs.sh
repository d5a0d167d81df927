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
# Do by hand what Quarto would: drop Quarto-only cell metadata (nbconvert's validator rejects it), hide the input of
# `#| echo: false` cells (show_doc), turn the front matter into a title, strip Quarto's link attributes.
import json, pathlib, re, yaml
for p in pathlib.Path("_proc").glob("*.ipynb"):
    nb = json.loads(p.read_text())
    for c in nb["cells"]:
        c.get("metadata", {}).pop("execution", None)
        src = "".join(c["source"])
        if c["cell_type"] == "raw" and src.startswith("---"):
            meta = yaml.safe_load(src.strip().strip("-")) or {}
            c.update(cell_type="markdown", source=f"# {meta.get('title', '')}\n\n> {meta.get('description', '')}")
        if c["cell_type"] == "code" and re.search(r"^#\|\s*echo:\s*false", src, re.M):
            c["metadata"].setdefault("tags", []).append("remove_input")
        for o in c.get("outputs", []):
            for key in ("text/markdown", "text/plain"):
                if key in o.get("data", {}):
                    text = "".join(o["data"][key])
                    o["data"][key] = re.sub(r'\{target="_blank"[^}]*\}', "", text)
    p.write_text(json.dumps(nb))
PY
mkdir -p _preview/training_stats
cp training_stats/*.png _preview/training_stats/ 2>/dev/null || true
jupyter nbconvert --to html --log-level ERROR --TagRemovePreprocessor.remove_input_tags remove_input --output-dir _preview _proc/*.ipynb
ls _preview/*.html
