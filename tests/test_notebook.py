"""notebooks/analyst_walkthrough.ipynb runs top to bottom (nbclient, embedded kglite store, no server) in a
temporary working directory, without errors, quickly, and shows the answers it talks about."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat") if os.environ.get("CI") != "true" else __import__("nbformat")
nbclient = pytest.importorskip("nbclient") if os.environ.get("CI") != "true" else __import__("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "analyst_walkthrough.ipynb"


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    work = tmp_path_factory.mktemp("notebook")
    shutil.copy(NOTEBOOK, work / NOTEBOOK.name)
    nb = nbformat.read(work / NOTEBOOK.name, as_version=4)
    env_before = os.environ.get("VBGRAPH_SAMPLES")
    os.environ["VBGRAPH_SAMPLES"] = str(ROOT / "data" / "samples")   # the kernel inherits it
    started = time.perf_counter()
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(work)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("VBGRAPH_SAMPLES", None)
        else:
            os.environ["VBGRAPH_SAMPLES"] = env_before
    return nb, work, time.perf_counter() - started


def _cell(nb, needle: str):
    return next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)


def test_runs_without_errors_and_fast(executed):
    nb, work, seconds = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    assert seconds < 60
    assert (work / "out" / "notebook.kgl").exists()     # the store went to the temp working dir


def test_known_answers_appear(executed):
    nb, _, _ = executed
    provinces = _text(_cell(nb, '"provinces_implementing", {"symbol": "33/CT-TTg", "mode": "loose"})\n'))
    assert "Quảng Ngãi" in provinces and "Kon Tum" in provinces and "Đồng Nai" in provinces
    assert "(5 rows)" in provinces
    assert "765/KH-UBND" in _text(_cell(nb, '"lineage_up", {"symbol": "60/KH-SVHTTDL"}'))
    assert "84/KH-UBND" in _text(_cell(nb, '"lineage_up", {"id": hon_quan}'))
    outdated = _text(_cell(nb, '{"as_of": "2025-12-31"}'))
    assert "859/KH-UBND" in outdated and "(9 rows)" in outdated   # 4 replaced or expired, 5 amended (issue 12)
    assert "overdue" in _text(_cell(nb, '"deadlines"'))


def test_three_plots(executed):
    nb, _, _ = executed
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) == 3
