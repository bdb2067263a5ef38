"""`vbgraph build --jobs N` and the record cache, on the dev documents and the sample plans: worker
processes give the same output as one process, an unchanged file is taken from the cache, an edited
extractor or a damaged entry means extracting again; succession without all-pairs difflib gives the same
edges as comparing every pair."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from vbgraph.cli import main
from vbgraph.graph import status
from vbgraph.graph.stores.base import canonical_dump, open_store
from vbgraph.graph.node_link import read_json
from vbgraph.record_cache import CACHE_FOLDER, RecordCache

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "fixtures" / "dev_texts"
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    for path in [*sorted(DEV.iterdir()), *sorted(SAMPLES.glob("*.txt"))]:
        shutil.copy(path, folder / path.name)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00garbage")   # not UTF-8 text
    return folder


def build(capsys, inputs, out, *argv) -> tuple[int, dict, str]:
    code = main(["build", str(inputs), "--out", str(out), "--quiet", "--json", *argv])
    stdout, stderr = capsys.readouterr()
    return code, json.loads(stdout), stderr


@pytest.fixture(scope="module")
def one_process(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("one")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["build", str(inputs), "--out", str(out), "--quiet", "--json", "--jobs", "1", "--no-cache"])
    return {"code": code, "stats": json.loads(stdout.getvalue()), "err": stderr.getvalue(), "out": out}


def test_two_processes_give_the_output_of_one(one_process, inputs, tmp_path, capsys):
    code, stats, err = build(capsys, inputs, tmp_path, "--jobs", "2")
    assert code == one_process["code"] == 1                     # broken.txt
    assert err == one_process["err"] and err.count("broken.txt") == 1
    assert stats["documents"] == one_process["stats"]["documents"] == 23
    assert (stats["extracted"], stats["from_cache"]) == (23 + 1, 0)
    for name in ("records.jsonl", "graph.json"):
        assert (tmp_path / name).read_bytes() == (one_process["out"] / name).read_bytes(), name


def test_an_unchanged_file_comes_from_the_cache(one_process, inputs, tmp_path, capsys):
    build(capsys, inputs, tmp_path, "--jobs", "2")
    code, stats, _ = build(capsys, inputs, tmp_path, "--jobs", "2")
    assert (stats["extracted"], stats["from_cache"]) == (1, 23)   # only the file that fails is read again
    assert (tmp_path / "graph.json").read_bytes() == (one_process["out"] / "graph.json").read_bytes()
    assert (tmp_path / "records.jsonl").read_bytes() == (one_process["out"] / "records.jsonl").read_bytes()


def test_an_edited_file_is_extracted_again_and_the_rest_come_from_the_cache(inputs, tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    build(capsys, folder, tmp_path / "out", "--jobs", "1")
    edited = sorted(folder.glob("*.txt"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nKế hoạch này thay thế Kế hoạch số 12/KH-UBND.\n",
                      encoding="utf-8")
    _, stats, _ = build(capsys, folder, tmp_path / "out", "--jobs", "1")
    assert (stats["extracted"], stats["from_cache"]) == (2, 22)
    fresh = tmp_path / "fresh"
    build(capsys, folder, fresh, "--jobs", "1", "--no-cache")
    assert not (fresh / CACHE_FOLDER).exists()
    assert (tmp_path / "out" / "graph.json").read_bytes() == (fresh / "graph.json").read_bytes()


def test_another_extractor_version_or_a_damaged_entry_means_extracting_again(inputs, tmp_path, capsys):
    build(capsys, inputs, tmp_path, "--jobs", "1")
    cache = RecordCache.beside(tmp_path)
    entries = sorted(p for p in cache.folder.rglob("*") if p.is_file())
    assert len(entries) == 23
    entries[0].write_bytes(entries[0].read_bytes()[:-7] + b"garbage")        # damaged: extracted again
    _, stats, _ = build(capsys, inputs, tmp_path, "--jobs", "1")
    assert (stats["extracted"], stats["from_cache"]) == (2, 22)
    # the extractor changed: its entries are in another folder, the old ones are removed
    old = cache.folder
    old.rename(old.with_name("0" * 24))
    _, stats, _ = build(capsys, inputs, tmp_path, "--jobs", "1")
    assert (stats["extracted"], stats["from_cache"]) == (24, 0)
    assert [p.name for p in (tmp_path / CACHE_FOLDER).iterdir()] == [old.name]


def test_the_extractor_version_follows_the_extraction_tables(tmp_path, monkeypatch):
    from vbgraph import data
    from vbgraph.record_cache import extractor_version

    before = extractor_version()
    copy = tmp_path / "data"
    shutil.copytree(Path(data.__file__).parent, copy)
    (copy / "doc_types.csv").write_text((copy / "doc_types.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(data, "__file__", str(copy / "__init__.py"))
    extractor_version.cache_clear()
    try:
        assert extractor_version() != before
    finally:
        monkeypatch.undo()
        extractor_version.cache_clear()
    assert extractor_version() == before


def all_pairs_successions(g) -> list[tuple[str, str, float]]:
    """The succession inference as it was: difflib on every pair of a group (the reference)."""
    def confidence(old, new):
        if not old.get("doc_type") or old.get("doc_type") != new.get("doc_type"):
            return None
        if not old.get("scope") or old.get("scope") != new.get("scope"):
            return None
        if not old.get("date") or not new.get("date") or len(old["date"]) < 10 or new["date"] <= old["date"]:
            return None
        if not status.issuer_key(old.get("issuer")) or status.issuer_key(old.get("issuer")) != status.issuer_key(new.get("issuer")):
            return None
        place = (old.get("scope") or "").split("/")[-1]
        a, b = status.subject_key(old.get("title"), place), status.subject_key(new.get("title"), place)
        if len(a) < 15 or len(b) < 15:
            return None
        sim = SequenceMatcher(None, a, b).ratio()
        if sim < status.SUCCESSION_MIN_SIMILARITY:
            return None
        ya, yb = status._title_years(old.get("title")), status._title_years(new.get("title"))
        period = 1.0
        if ya and yb:
            if max(yb) <= max(ya):
                return None
            period = 1.0 if max(yb) - max(ya) == 1 else 0.9
        issuer = 1.0 if status.fold_words(old.get("issuer")) == status.fold_words(new.get("issuer")) else 0.9
        return round(status.SUCCESSION_MAX_CONFIDENCE * sim * issuer * period, 2)

    groups: dict = {}
    for n, d in status._documents(g):
        if d.get("resolution") in ("ambiguous", "unresolved") or not d.get("title") or not d.get("date"):
            continue
        groups.setdefault((d.get("doc_type"), d.get("scope"), status.issuer_key(d.get("issuer"))), []).append((n, d))
    added = []
    for members in groups.values():
        members.sort(key=lambda nd: (nd[1]["date"], nd[0]))
        for i, (old, od) in enumerate(members):
            for new, nd in members[i + 1:]:
                if any(e.get("type") == "SUPERSEDES" for e in g.get_edge_data(new, old, default={}).values()):
                    break
                conf = confidence(od, nd)
                if conf is None or od.get("replacement_unverified"):
                    continue
                status._edge(g, new, old, "SUPERSEDES", "succession", basis="succession")
                added.append((new, old, conf))
                break
    return added


def without_successions(g):
    g = g.copy()
    g.remove_edges_from([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d.get("basis") == "succession"])
    return g


def test_successions_are_those_of_comparing_every_pair(one_process):
    g = without_successions(read_json(one_process["out"] / "graph.json"))
    # the dev documents' own titles, each re-issued a year later with one word changed: pairs close to
    # the threshold on both sides, so the bounds that skip difflib are tried where they matter
    for n, d in list(status._documents(g)):
        if d.get("title") and d.get("date") and len(d["date"]) == 10:
            for k, word in enumerate(("năm", "tỉnh", "kế hoạch thực hiện")):
                later = f"{n}/later{k}"
                g.add_node(later, **{**d, "id": later, "labels": ["Document"],
                                     "date": f"{int(d['date'][:4]) + k + 1}{d['date'][4:]}",
                                     "title": d["title"] + f" {word}" * (k + 1)})
    expected = all_pairs_successions(g.copy())
    assert len(expected) > 20
    assert status.infer_successions(g) == expected


def edit_and_drop(folder: Path) -> None:
    """Two changes a rebuild must carry to the stores: one plan now also cites a decree and says it
    replaces an earlier plan, and another plan's file is gone."""
    plans = sorted(folder.glob("0*.txt"))     # the sample plans
    plans[3].write_text(plans[3].read_text(encoding="utf-8") + "\nCăn cứ Nghị định số 34/2016/NĐ-CP ngày 14/5/2016 "
                        "của Chính phủ. Kế hoạch này thay thế Kế hoạch số 12/KH-UBND ngày 3/1/2020.\n", encoding="utf-8")
    plans[1].unlink()


def kglite_dump(out: Path) -> list[str]:
    with open_store("kglite", path=out / "store", read_only=True) as store:
        return canonical_dump(store)


def test_a_rebuild_after_an_edit_writes_only_the_changes_and_equals_a_full_build(inputs, tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    build(capsys, folder, tmp_path / "out", "--jobs", "1")
    edit_and_drop(folder)
    _, stats, _ = build(capsys, folder, tmp_path / "out", "--jobs", "1")
    assert stats["store_written"] == "changes" and (stats["extracted"], stats["from_cache"]) == (2, 21)
    _, full, _ = build(capsys, folder, tmp_path / "full", "--jobs", "1", "--no-cache")
    assert full["store_written"] == "whole"
    assert (tmp_path / "out" / "graph.json").read_bytes() == (tmp_path / "full" / "graph.json").read_bytes()
    assert kglite_dump(tmp_path / "out") == kglite_dump(tmp_path / "full")
    assert (stats["nodes"], stats["edges"]) == (full["nodes"], full["edges"])


def test_a_store_changed_since_its_snapshot_is_loaded_whole(inputs, tmp_path, capsys):
    build(capsys, inputs, tmp_path, "--jobs", "1")
    with open_store("kglite", path=tmp_path / "store") as store:
        store.run("MATCH (n:Province) WITH n LIMIT 1 DETACH DELETE n", write=True)
    _, stats, _ = build(capsys, inputs, tmp_path, "--jobs", "1")   # the snapshot names another file
    assert stats["store_written"] == "whole"
    _, stats, _ = build(capsys, inputs, tmp_path, "--jobs", "1")
    assert stats["store_written"] == "changes"
    with open_store("kglite", path=tmp_path / "store") as store:
        assert store.counts() == {"nodes": stats["nodes"], "relationships": stats["edges"]}


@pytest.mark.neo4j
def test_neo4j_after_an_edit_gets_the_changes_and_equals_a_full_load(inputs, tmp_path, neo4j_uri, capsys):
    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    with open_store("neo4j", uri=neo4j_uri) as store:
        store.clear()
        build(capsys, folder, tmp_path / "out", "--jobs", "1", "--neo4j", neo4j_uri)
        edit_and_drop(folder)         # another set of files: loaded whole, the gone file's part stays
        _, stats, _ = build(capsys, folder, tmp_path / "out", "--jobs", "1", "--neo4j", neo4j_uri)
        assert stats["neo4j_written"] == "whole"
        store.clear()
        build(capsys, folder, tmp_path / "out", "--jobs", "1", "--neo4j", neo4j_uri)
        plan = sorted(folder.glob("0*.txt"))[0]
        plan.write_text(plan.read_text(encoding="utf-8") + "\nCăn cứ Luật Đầu tư công số 58/2024/QH15.\n",
                        encoding="utf-8")
        _, stats, _ = build(capsys, folder, tmp_path / "out", "--jobs", "2", "--neo4j", neo4j_uri)
        assert stats["neo4j_written"] == "changes"
        rebuilt = canonical_dump(store)
        store.clear()
        _, full, _ = build(capsys, folder, tmp_path / "full", "--jobs", "1", "--neo4j", neo4j_uri)
        assert full["neo4j_written"] == "whole"
        assert rebuilt == canonical_dump(store)
        assert store.counts() == {"nodes": full["nodes"], "relationships": full["edges"]}
