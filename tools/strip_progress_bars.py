"""Remove stored tqdm progress bars (ipywidgets) from executed notebooks, keeping every other widget.

A progress bar executed in Jupyter is stored as a widget output plus ~20 kB of widget state, and renders as
'0%|' text wherever the widget cannot run (GitHub, the docs site). Usage: python tools/strip_progress_bars.py NB...
"""
import json, re, sys

VIEW, STATE = "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"

def refs(model: dict) -> set[str]:
    "Ids of the widget models that `model` points to"
    return set(re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(model)))

def is_progress_bar(state: dict, model_id: str) -> bool:
    "tqdm.notebook draws an HBox of HTML + a progress bar + HTML"
    return any(state.get(r, {}).get("model_name", "").endswith("ProgressModel") for r in refs(state.get(model_id, {})))

def strip(path: str) -> int:
    nb = json.load(open(path))
    state = nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state", {})
    removed, kept = 0, []
    for cell in nb["cells"]:
        outputs = []
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(VIEW)
            if view and is_progress_bar(state, view["model_id"]): removed += 1; continue
            if view: kept.append(view["model_id"])
            outputs.append(out)
        if "outputs" in cell: cell["outputs"] = outputs
    reachable, todo = set(), kept                      # keep the models the remaining widgets need, drop the rest
    while todo:
        m = todo.pop()
        if m in reachable or m not in state: continue
        reachable.add(m); todo.extend(refs(state[m]))
    if state:
        if reachable: nb["metadata"]["widgets"][STATE]["state"] = {k: v for k, v in state.items() if k in reachable}
        else: del nb["metadata"]["widgets"]
    with open(path, "w") as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write("\n")
    return removed

if __name__ == "__main__":
    for p in sys.argv[1:]: print(f"{p}: removed {strip(p)} progress bars")
