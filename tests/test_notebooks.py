"""The notebooks in ``notebooks/`` run from top to bottom and draw their figures.

Each notebook is executed with nbclient (kernel ``python3``: ipykernel installed in this
environment) from a copy in a temporary directory, so the stored notebooks stay without
outputs and the notebooks' own "move to the repository root" cell is exercised.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbclient  # the dev extra installs nbclient, nbformat and ipykernel
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_are_found_and_stored_without_outputs():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01-student-quickstart.ipynb",
        "02-analyst-sweeps.ipynb",
        "03-teacher-bargaining-gap.ipynb",
    ]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def _is_plot(cell) -> bool:
    return cell.cell_type == "code" and "plt.show()" in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch):
    # the kernel's own inline backend draws the figures as outputs; a backend forced by the
    # environment (MPLBACKEND=Agg in CI) would draw them nowhere
    monkeypatch.delenv("MPLBACKEND", raising=False)
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    nb = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors}"
    plots = [c for c in code if _is_plot(c)]
    assert plots, f"{path.name} draws no figure"
    for cell in plots:
        images = [
            o
            for o in cell.outputs
            if o.output_type == "display_data" and "image/png" in o.get("data", {})
        ]
        assert images, f"{path.name}: a plotting cell shows no figure:\n{cell.source}"
