"""The terminal tables of `vbgraph query` and `vbgraph cypher`: every named query, run as its example
says on the sample store, fits the width it is given; long answers stop at a row limit that says how many
there were; table, CSV and JSON carry the same columns."""
from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest

from vbgraph.queries import catalog
from vbgraph.queries import cli as qcli

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    from vbgraph.graph.build import build_graph, ingest_text
    from vbgraph.graph.stores.base import open_store

    docs = [ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in sorted(SAMPLES.glob("*.txt"))]
    folder = tmp_path_factory.mktemp("tables")
    with open_store("kglite", path=folder) as s:
        s.load(build_graph(docs))
    return folder


def run(capsys, argv):
    code = qcli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def example_argv(query) -> list[str]:
    """The query's own example, without the leading `vbgraph`, or its name when it has none."""
    return shlex.split(query.examples[0])[1:] if query.examples else ["query", query.name]


@pytest.mark.parametrize("name", sorted(catalog.catalog()))
@pytest.mark.parametrize("width", [40, 80, 132])
def test_every_named_query_fits_the_width(capsys, store_path, name, width):
    argv = example_argv(catalog.get(name)) + ["--store", str(store_path), "--max-width", str(width)]
    out = run(capsys, argv)
    lines = out.splitlines()
    assert lines and all(len(line) <= width for line in lines), max(lines, key=len)


def test_width_zero_never_cuts_and_the_default_is_the_terminal(capsys, store_path, monkeypatch):
    argv = ["query", "provinces_implementing", "-p", "symbol=33/CT-TTg", "-p", "mode=loose",
            "--store", str(store_path)]
    wide = run(capsys, argv + ["--max-width", "0"])
    assert "vn/national/2021/33-ct-ttg" in wide and "…" not in wide
    monkeypatch.setenv("COLUMNS", "60")
    assert max(len(line) for line in run(capsys, argv).splitlines()) <= 60


def test_row_limit_states_the_total_and_all_prints_everything(capsys, store_path):
    base = ["cypher", "MATCH (d:Document) RETURN d.id AS id ORDER BY id", "--store", str(store_path)]
    total = len(json.loads(run(capsys, base + ["--format", "json"])))
    assert total > qcli.DEFAULT_LIMIT
    out = run(capsys, base).splitlines()
    assert len(out) == qcli.DEFAULT_LIMIT + 3
    assert out[-1].startswith(f"({qcli.DEFAULT_LIMIT} of {total} rows; --limit N or --all")
    assert len(run(capsys, base + ["--limit", "7"]).splitlines()) == 7 + 3
    assert run(capsys, base + ["--all"]).splitlines()[-1] == f"({total} rows)"
    assert len(json.loads(run(capsys, base + ["--format", "json", "--limit", "3"]))) == 3


def test_same_columns_in_table_csv_and_json(capsys, store_path):
    # a column missing from the first rows still has its place in every format
    base = ["cypher", "MATCH (d:Document) RETURN d.id AS id, d.title AS title ORDER BY id LIMIT 20",
            "--store", str(store_path)]
    rows = json.loads(run(capsys, base + ["--format", "json"]))
    header = next(csv.reader(io.StringIO(run(capsys, base + ["--format", "csv"]))))
    table = run(capsys, base + ["--max-width", "0"]).splitlines()[0].split()
    assert header == table == list(rows[0]) == ["id", "title"]
    assert all(list(r) == header for r in rows)


def test_columns_that_cannot_fit_are_named():
    rows = [{f"column_{i}": "x" * 20 for i in range(12)}]
    out = qcli.format_rows(rows, "table", 40)
    assert all(len(line) <= 40 for line in out.splitlines())
    wide = qcli.format_rows(rows, "table", 60)
    assert "left out" in wide and all(len(line) <= 60 for line in wide.splitlines())


def test_extract_table_fits_the_width(tmp_path):
    import subprocess
    import sys

    sample = Path(__file__).resolve().parent.parent / "data" / "samples" / "000_37ff60af79915060.txt"
    for width in (60, 100):
        out = subprocess.run([sys.executable, "-m", "vbgraph.cli", "extract", str(sample), "--format", "table",
                              "--max-width", str(width), "--quiet"], capture_output=True, text=True,
                             encoding="utf-8", check=True).stdout
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= width
        assert any(line.startswith("implements") for line in lines) and "859/KH-UBND" in lines[0]
