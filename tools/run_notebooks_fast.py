"""Execute notebooks top to bottom and store their outputs (the docs site and README show them). Cells marked
`#| eval: false` (Colab's install cell, GPU runs that need the hub) never run here, as under nbdev_test; cells marked
`#| slow` (real-size runs of many minutes) run only with --with-slow, else they keep the outputs stored from their last
full run. Usage: python tools/run_notebooks_fast.py [--with-slow] nbs/NN.ipynb ..."""
import os, sys
import nbformat
from nbclient import NotebookClient

def has_directive(cell, directive: str) -> bool:
    return cell.cell_type == "code" and any(line.replace(" ", "") == directive.replace(" ", "") for line in cell.source.splitlines())

class SkippingClient(NotebookClient):
    "A notebook client that leaves `#| eval: false` cells (and, unless with_slow, `#| slow` cells) with their stored outputs"
    with_slow = False
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if has_directive(cell, "#| eval: false") or (not self.with_slow and has_directive(cell, "#| slow")): return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

if __name__ == "__main__":
    os.environ.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    args = sys.argv[1:]
    SkippingClient.with_slow = "--with-slow" in args
    for path in [a for a in args if a != "--with-slow"]:
        print("==", path, flush=True)
        nb = nbformat.read(path, as_version=4)
        SkippingClient(nb, timeout=int(os.environ.get("NB_CELL_TIMEOUT", 1800)), kernel_name="python3",
                       resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
        nbformat.write(nb, path)
