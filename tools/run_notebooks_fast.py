"""Execute notebooks top to bottom and store their outputs, like tools/run_notebooks.sh, but leave the cells marked
`#| slow` (real-size runs of many minutes) unexecuted with the outputs they have stored from their last full run.
Only for changes that do not touch what the slow cells measure. Usage: python tools/run_notebooks_fast.py nbs/NN.ipynb ..."""
import os, sys
import nbformat
from nbclient import NotebookClient

class KeepSlowOutputs(NotebookClient):
    "A notebook client that skips `#| slow` cells, keeping their stored outputs"
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == "code" and any(line.strip() == "#| slow" for line in cell.source.splitlines()): return cell
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

if __name__ == "__main__":
    os.environ.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    for path in sys.argv[1:]:
        print("==", path, flush=True)
        nb = nbformat.read(path, as_version=4)
        KeepSlowOutputs(nb, timeout=int(os.environ.get("NB_CELL_TIMEOUT", 1800)), kernel_name="python3",
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
        nbformat.write(nb, path)
