"""Extraction pays only for what it needs (issue #14): no spaCy Doc in the batch path, gates that
skip a finder where it cannot find anything, a reader fast path for plain UTF-8 — each giving exactly
what the full work gives, on the real dev documents and seed plans."""
import re
from pathlib import Path

import pytest

from vbgraph.extract import agencies, pipeline, prefilter
from vbgraph.extract.readers import charsets, read_input
from vbgraph.extract.symbols import SYMBOL_RX

ROOT = Path(__file__).resolve().parent.parent
DEV = sorted((ROOT / "tests" / "fixtures" / "dev_texts").glob("*.md"))
SEEDS = sorted((ROOT / "data" / "samples").glob("*.txt"))
REAL = DEV + SEEDS
_FIRST_ITEM = re.compile(r"\s*(?:\*\*)?(?:I|1)\.")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _opening(path: Path) -> str:
    """A real plan's opening: its header and preamble, down to its first item (no assignment part)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:next(i for i, line in enumerate(lines) if _FIRST_ITEM.match(line))])


def _dated_lines(path: Path) -> str:
    """The lines of a real document that hold a date ("12/5/2024") but no document symbol."""
    return "\n".join(line for line in path.read_text(encoding="utf-8").split("\n")
                     if _DATE.search(line) and not SYMBOL_RX.search(line) and "Luật" not in line
                     and "Nghị quyết" not in line)


def test_analyse_text_builds_no_doc_and_gives_the_records_and_provenance_of_the_doc_path(monkeypatch):
    with_doc = {p.name: pipeline.analyse_doc(p.read_text(encoding="utf-8"), p.name) for p in REAL}

    def no_doc(*args, **kwargs):
        raise AssertionError("the batch path built a spaCy Doc")
    monkeypatch.setattr(pipeline, "make_doc", no_doc)
    monkeypatch.setattr(pipeline, "build_nlp", no_doc)
    for p in REAL:
        record, analysis = pipeline.analyse_text(p.read_text(encoding="utf-8"), p.name)
        doc_record, doc = with_doc[p.name]
        assert record == doc_record
        assert pipeline.provenance(analysis) == pipeline.provenance(doc)
        assert len(doc.spans["citations"]) >= len(record["citations"])   # the view still gets its spans
    assert any(r["agencies"] for r, _ in with_doc.values()) and any(r["movements"] for r, _ in with_doc.values())


def test_agency_gate_skips_a_real_opening_without_assignment_lines_and_keeps_every_agency(monkeypatch):
    opening = pipeline.prepare(_opening(DEV[0]))
    assert prefilter.may_hold(opening.nt.text, "agency")   # the whole-text prefilter lets it through

    def parser(*args, **kwargs):
        raise AssertionError("the addressee parser ran on a text without assignment lines")
    monkeypatch.setattr(agencies, "_Parser", parser)
    assert agencies.find_agencies(opening.nt, opening.plan) == []
    monkeypatch.undo()

    gated = {p.name: pipeline.analyse_text(p.read_text(encoding="utf-8"))[0]["agencies"] for p in REAL}
    monkeypatch.setattr(agencies, "may_hold", lambda text, family: True)
    ungated = {p.name: pipeline.analyse_text(p.read_text(encoding="utf-8"))[0]["agencies"] for p in REAL}
    assert gated == ungated and sum(map(len, gated.values())) > 20


def test_citation_cue_does_not_fire_on_dates_and_skips_nothing_that_cites(monkeypatch):
    dated = _dated_lines(DEV[2])
    assert len(_DATE.findall(dated)) >= 2 and re.search(r"\d[ ]?/", dated)   # the old cue fired on these
    assert not prefilter.may_hold(dated, "citation")
    assert pipeline.analyse_text(dated)[0]["citations"] == []
    assert prefilter.may_hold("theo Kế hoạch số 12/KH-UBND ngày 3/1/2024", "citation")
    assert prefilter.may_hold("Nghị định 30/2020/NĐ-CP", "citation")
    assert prefilter.may_hold("Hướng dẫn 36-HD/VPTW", "citation")

    cued = {p.name: pipeline.analyse_text(p.read_text(encoding="utf-8"))[0] for p in REAL}
    monkeypatch.setattr(pipeline, "may_hold", lambda text, family: True)
    every = {p.name: pipeline.analyse_text(p.read_text(encoding="utf-8"))[0] for p in REAL}
    assert cued == every


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_reader_fast_path_gives_the_document_of_the_full_checks(path, monkeypatch):
    fast = read_input(path)
    monkeypatch.setattr(charsets, "_ftfy_may_change", lambda text: True)
    monkeypatch.setattr(charsets, "_COMBINING", re.compile("."))   # the whole-text VNI scoring
    assert read_input(path) == fast


def test_reader_fast_path_still_repairs_mojibake_and_vni(tmp_path):
    text = _opening(DEV[0])
    mojibake = tmp_path / "mojibake.txt"
    mojibake.write_bytes(text.encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8"))
    assert "repaired mojibake" in read_input(mojibake).warnings[0]
    table = {r["unicode"]: r["vni"] for r in charsets.read_table("vni_windows.csv")}
    vni = tmp_path / "vni.txt"
    vni.write_text("".join(table.get(c, c) for c in text), encoding="utf-8")
    doc = read_input(vni)
    assert "VNI-Windows" in doc.warnings[0] and doc.text == text
