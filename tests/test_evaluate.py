"""The scorer on the real gold files: each test edits a copy of a gold record the way an extractor
might get it wrong (or right in another spelling) and checks the exact counts that come out."""
from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import pytest

from vbgraph.extract import evaluate as ev

GOLD_DIR = Path(__file__).parent / "fixtures" / "gold"
STEMS = sorted(p.stem for p in GOLD_DIR.glob("*.json"))
TAY_NINH, KON_TUM, SVHTTDL, HON_QUAN, TUYEN_QUANG = STEMS


def gold(stem: str) -> dict:
    return json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))


def citation(record: dict, symbol: str | None = None, first_mention: str | None = None) -> dict:
    for c in record["citations"]:
        if (symbol and c["symbol"] == symbol) or (first_mention and c["first_mention"] == first_mention):
            return c
    raise KeyError(symbol or first_mention)


def agency(record: dict, name: str) -> dict:
    return next(a for a in record["agencies"] if a["name"] == name)


def rename_agencies(record: dict, renames: dict[str, str]) -> None:
    for old, new in renames.items():
        agency(record, old)["name"] = new


def drop(items: list, predicate) -> list:
    kept = [x for x in items if not predicate(x)]
    assert len(kept) == len(items) - 1, "the edit should remove exactly one entry"
    return kept


def prf(result: dict, metric: str) -> tuple[int, int, int]:
    m = result["metrics"][metric]
    return m["tp"], m["fp"], m["fn"]


def acc(result: dict, metric: str) -> tuple[int, int]:
    m = result["metrics"][metric]
    return m["correct"], m["total"]


def outcomes(result: dict, metric: str, outcome: str) -> list[str]:
    return sorted(i["key"] for i in result["items"]
                  if i["metric"] == metric and i["outcome"] == outcome)


# ------------------------------------------------------------------ identity


@pytest.mark.parametrize("stem", STEMS)
def test_gold_against_itself_scores_one_everywhere(stem):
    result = ev.score(gold(stem), gold(stem))
    for name, m in result["metrics"].items():
        if m["kind"] == "prf":
            assert (m["fp"], m["fn"]) == (0, 0), name
            assert m["tp"] > 0, name
            assert m["precision"] == m["recall"] == m["f1"] == 1.0, name
        else:
            assert m["total"] > 0, name
            assert m["accuracy"] == 1.0, name
    assert {i["outcome"] for i in result["items"]} == {"tp", "ok"}


def test_pooled_self_score_counts_every_gold_item():
    result = ev.score_many([(gold(s), gold(s)) for s in STEMS])
    assert [prf(result, m)[0] for m in ev.PRF_METRICS] == [109, 21, 13, 41, 23]
    assert acc(result, "cited_date") == (130, 130)
    assert acc(result, "implements") == (130, 130)
    assert acc(result, "agency_deadlines") == (41, 41)
    assert acc(result, "plan") == (25, 25)
    assert acc(result, "plan_symbol") == (5, 5)
    assert result["files"] == [f"{s}.txt" for s in STEMS]


# ------------------------------------------------------------------ citations


def test_numbered_citations_and_their_attributes():
    g = gold(TAY_NINH)
    p = copy.deepcopy(g)
    p["citations"] = drop(p["citations"], lambda c: c["symbol"] == "16/CT-TTg")
    citation(p, "33/CT-TTg")["symbol"] = " 33 / ct-TTG"                 # other case/spaces: matches
    citation(p, "23-QĐ/TW")["date"] = "2021-07-31"                       # wrong date
    citation(p, "490/QĐ-UBND")["scope"] = "Tây Ninh/Hòa Thành"           # only the province counts
    citation(p, "1116-QĐ/TU")["scope"] = "party-central"                 # wrong scope
    citation(p, "04-CTr/BDVTU-BCSDUBND")["relations"] = ["based_on"]     # implements lost
    citation(p, "114-KL/TW")["doc_type"] = "kết LUẬN"                    # folded: still right
    p["citations"].append(copy.deepcopy(citation(g, "76/NQ-CP")))        # a duplicate: one-to-one

    result = ev.score(g, p)
    assert prf(result, "citations_numbered") == (24, 1, 1)
    assert outcomes(result, "citations_numbered", "fn") == ["16/ct-ttg"]
    assert outcomes(result, "citations_numbered", "fp") == ["76/nq-cp"]
    m = result["metrics"]["citations_numbered"]
    assert m["precision"] == pytest.approx(24 / 25)
    assert m["recall"] == pytest.approx(24 / 25)
    assert m["f1"] == pytest.approx(24 / 25)
    # 24 numbered + 2 named citations are matched and compared
    assert acc(result, "cited_date") == (25, 26)
    assert acc(result, "cited_scope") == (25, 26)
    assert acc(result, "implements") == (25, 26)
    assert acc(result, "cited_doc_type") == (26, 26)
    wrong_date = [i for i in result["items"] if i["metric"] == "cited_date" and i["outcome"] == "wrong"]
    assert wrong_date == [{"metric": "cited_date", "file": "000_37ff60af79915060.txt", "key": "23-qd/tw",
                           "outcome": "wrong", "gold": "2021-07-30", "pred": "2021-07-31", "kind": "plan"}]
    assert outcomes(result, "cited_scope", "wrong") == ["1116-qd/tu"]
    assert outcomes(result, "implements", "wrong") == ["04-ctr/bdvtu-bcsdubnd"]
    assert acc(result, "relation") == (25, 26) and outcomes(result, "relation", "wrong") == ["04-ctr/bdvtu-bcsdubnd"]


def test_named_citations_match_on_type_and_words():
    g = gold(KON_TUM)
    p = copy.deepcopy(g)
    law = citation(p, first_mention="Luật Tiếp công dân năm 2013")
    law["first_mention"], law["title"] = "Luật tiếp công dân", None     # Jaccard 4/6: matches
    citation(p, first_mention="Luật Khiếu nại năm 2011")["doc_type"] = "Nghị quyết"   # type differs
    p["citations"] = drop(p["citations"], lambda c: c["first_mention"] == "Luật Tố cáo năm 2018")
    citation(p, first_mention="Luật Ngân sách nhà nước")["first_mention"] = "Luật  NGÂN SÁCH\nnhà nước"
    p["citations"].append({"doc_type": "Luật", "number": None, "symbol": None, "date": None,
                           "scope": "national", "title": None, "relations": ["cites"],
                           "first_mention": "Luật Đất đai năm 2013"})

    result = ev.score(g, p)
    assert prf(result, "citations_named") == (3, 2, 2)
    assert outcomes(result, "citations_named", "fn") == ["luật: luật khiếu nại năm 2011",
                                                         "luật: luật tố cáo năm 2018"]
    assert outcomes(result, "citations_named", "fp") == ["luật: luật dất dai năm 2013",
                                                         "nghị quyết: luật khiếu nại năm 2011"]
    assert prf(result, "citations_numbered") == (25, 0, 0)
    assert acc(result, "cited_date") == (28, 28)


def test_named_matching_is_one_to_one_best_overlap_first():
    g = {"citations": [{"doc_type": "Luật", "symbol": None, "first_mention": "Luật Tiếp công dân"}]}
    p = {"citations": [
        {"doc_type": "Luật", "symbol": None, "first_mention": "Luật Tiếp công dân năm 2013"},  # 4/6
        {"doc_type": "Luật", "symbol": None, "first_mention": "Luật tiếp  công dân"},           # equal
    ]}
    result = ev.score(g, p, file="x.txt")
    tp = [i for i in result["items"] if i["outcome"] == "tp"]
    assert [i["pred"] for i in tp] == ["Luật tiếp  công dân"]
    assert prf(result, "citations_named") == (1, 1, 0)


def test_jaccard_thresholds():
    assert ev.jaccard(ev.fold("Luật Tiếp công dân năm 2013"), ev.fold("Luật Tiếp công dân")) == pytest.approx(4 / 6)
    assert ev.jaccard(ev.fold("Luật Tiếp công dân năm 2013"),
                      ev.fold("Luật Tiếp công dân sửa đổi năm 2025")) == pytest.approx(5 / 9)
    g = {"citations": [{"doc_type": "Luật", "symbol": None, "first_mention": "Luật Tiếp công dân năm 2013"}]}
    p = {"citations": [{"doc_type": "Luật", "symbol": None,
                        "first_mention": "Luật Tiếp công dân sửa đổi năm 2025"}]}
    assert prf(ev.score(g, p, file="x.txt"), "citations_named") == (0, 1, 1)


def test_fold_symbol():
    assert ev.fold_symbol("05-CTrPH/BDVTU-BCSĐ UBND") == "05-ctrph/bdvtu-bcsdubnd"
    assert ev.fold_symbol("Kế hoạch số 302/KH-\nUBND") == "kếhoạchsố302/kh-ubnd"
    assert ev.fold_symbol("1847/QĐ -TTg") == ev.fold_symbol("1847/qđ-ttg") == "1847/qd-ttg"


# ------------------------------------------------------------------ relations


def test_doc_relations_fold_symbols_and_fuzzy_names():
    g = gold(TAY_NINH)
    p = copy.deepcopy(g)
    rels = {r["from"]: r for r in p["doc_relations"]}
    rels["59/2023/NĐ-CP"]["from"] = "59/2023/nđ-cp"
    rels["490/QĐ-UBND"]["to"] = "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI"    # Jaccard 10/11
    rels["23/CT-TTg"]["type"] = "guides"

    result = ev.score(g, p)
    assert prf(result, "doc_relations") == (2, 1, 1)
    assert outcomes(result, "doc_relations", "fn") == ["23/ct-ttg → 76/nq-cp : implements"]
    assert outcomes(result, "doc_relations", "fp") == ["23/ct-ttg → 76/nq-cp : guides"]


def test_doc_relation_symbols_never_match_fuzzily():
    g = {"doc_relations": [{"from": "59/2023/NĐ-CP", "to": "10/2022/QH15", "type": "details"}]}
    p = {"doc_relations": [{"from": "59/2023/NĐ-CP", "to": "10/2021/QH15", "type": "details"}]}
    assert prf(ev.score(g, p, file="x.txt"), "doc_relations") == (0, 1, 1)


# ------------------------------------------------------------------ agencies


def test_agencies_normalise_abbreviations_and_compare_deadlines():
    g = gold(TAY_NINH)
    p = copy.deepcopy(g)
    rename_agencies(p, {
        "UBND các huyện, thị xã, thành phố": "Ủy ban nhân dân các huyện, thị xã, thành phố",
        "Văn phòng UBND tỉnh": "Văn phòng Uỷ ban nhân dân tỉnh",
        "Các sở, ban, ngành tỉnh": "sở, ban, ngành tỉnh",
    })
    agency(p, "Sở Nội vụ")["deadlines"] = ["2024-12-21"]
    agency(p, "Các cơ quan Trung ương đóng trên địa bàn tỉnh")["deadlines"].reverse()  # a set
    p["agencies"] = drop(p["agencies"], lambda a: a["name"] == "Công an tỉnh")
    p["agencies"].append({"name": "Sở Y tế", "scope": "Tây Ninh", "deadlines": []})

    result = ev.score(g, p)
    assert prf(result, "agencies") == (11, 1, 1)
    assert outcomes(result, "agencies", "fn") == ["công an tỉnh"]
    assert outcomes(result, "agencies", "fp") == ["sở y tế"]
    assert acc(result, "agency_deadlines") == (10, 11)
    wrong = [i for i in result["items"] if i["metric"] == "agency_deadlines" and i["outcome"] == "wrong"]
    assert [(i["key"], i["gold"], i["pred"]) for i in wrong] == [
        ("sở nội vụ", ["2024-12-20"], ["2024-12-21"])]


def test_agency_punctuation_and_leading_cac():
    g = gold(TUYEN_QUANG)
    p = copy.deepcopy(g)
    rename_agencies(p, {
        "Ủy ban nhân dân huyện, thành phố": "UBND huyện - thành phố",
        "Các sở, ban, ngành": "Các sở, ban ngành",
        "Sở Lao động, Thương binh và Xã hội": "Sở Lao động – Thương binh và Xã hội",
        "Ban Dân vận Tỉnh ủy": "Ban Dân vận Huyện ủy",          # a different body: no match
    })
    result = ev.score(g, p)
    assert prf(result, "agencies") == (14, 1, 1)
    assert ev.agency_key("HĐND tỉnh") == ev.agency_key("Hội đồng nhân dân tỉnh") == "hội dồng nhân dân tỉnh"
    assert ev.agency_key("Ủy ban MTTQ Việt Nam tỉnh") == ev.agency_key("UBMTTQVN tỉnh")


def test_abbreviation_table_is_packaged_with_its_source():
    text = resources.files("vbgraph.data").joinpath("abbreviations.csv").read_text(encoding="utf-8")
    first, header = text.splitlines()[:2]
    assert first.startswith("# source:") and "30/2020/NĐ-CP" in first
    assert header == "short,long,source"
    shorts = {line.split(",")[0] for line in text.splitlines()[2:]}
    assert {"UBND", "HĐND", "MTTQ"} <= shorts


# ------------------------------------------------------------------ movements


def test_movements_quotes_case_and_overlap():
    g = gold(HON_QUAN)
    p = copy.deepcopy(g)
    moves = p["movements"]
    moves[moves.index("Dân vận khéo")] = "“dân vận KHÉO”"
    moves[moves.index("Toàn dân bảo vệ an ninh Tổ quốc")] = "Toàn dân bảo vệ an ninh"          # 6/8 < 0.8
    moves[moves.index("Toàn dân đoàn kết xây dựng đời sống văn hóa")] = \
        "Phong trào toàn dân đoàn kết xây dựng đời sống văn hóa"                            # 10/12
    moves.remove("đền ơn đáp nghĩa")

    result = ev.score(g, p)
    assert prf(result, "movements") == (4, 1, 2)
    assert outcomes(result, "movements", "fn") == ["dền ơn dáp nghĩa", "toàn dân bảo vệ an ninh tổ quốc"]
    assert outcomes(result, "movements", "fp") == ["toàn dân bảo vệ an ninh"]


# ------------------------------------------------------------------ plan


def test_plan_fields():
    g = gold(TAY_NINH)
    p = copy.deepcopy(g)
    p["plan"]["symbol"] = "859 /KH-UBND"
    p["plan"]["level"] = "Province"
    p["plan"]["year"] = 2023
    result = ev.score(g, p)
    assert acc(result, "plan") == (4, 5)
    assert acc(result, "plan_year") == (0, 1)
    assert acc(result, "plan_symbol") == (1, 1)
    assert acc(result, "plan_level") == (1, 1)


def test_plan_nulls_count_as_equal():
    g = gold(HON_QUAN)                     # the text shows neither number nor date
    p = copy.deepcopy(g)
    p["plan"]["year"] = "2024"
    assert acc(ev.score(g, p), "plan") == (5, 5)
    result = ev.score(g, {"citations": []})
    assert acc(result, "plan") == (2, 5)   # symbol and date are null on both sides
    assert acc(result, "plan_symbol") == (1, 1)
    assert acc(result, "plan_province") == (0, 1)


def test_empty_prediction():
    result = ev.score(gold(TAY_NINH), {})
    m = result["metrics"]["citations_numbered"]
    assert (m["tp"], m["fp"], m["fn"]) == (0, 0, 25)
    assert (m["precision"], m["recall"], m["f1"]) == (0.0, 0.0, 0.0)
    assert result["metrics"]["cited_date"] == {"kind": "accuracy", "correct": 0, "total": 0,
                                               "accuracy": None}
    assert acc(result, "plan") == (0, 5)   # every plan field of 000 is filled in the gold

# ------------------------------------------------------------------ pooling


def test_score_many_is_micro_averaged():
    g = gold(TAY_NINH)
    p = copy.deepcopy(g)
    p["citations"] = drop(p["citations"], lambda c: c["symbol"] == "16/CT-TTg")
    pairs = [(g, p)] + [(gold(s), gold(s)) for s in STEMS[1:]]
    result = ev.score_many(pairs)
    m = result["metrics"]["citations_numbered"]
    assert (m["tp"], m["fp"], m["fn"]) == (108, 0, 1)
    assert m["recall"] == pytest.approx(108 / 109)
    assert acc(result, "cited_date") == (129, 129)
    named = ev.score_many([("renamed.txt", g, p)])
    assert {i["file"] for i in named["items"]} == {"renamed.txt"}


# ------------------------------------------------------------------ saved runs and their differences


def _run(stem_preds: dict) -> dict:
    return ev.score_many([(gold(stem), pred) for stem, pred in stem_preds.items()])


def test_gains_and_losses_between_two_saved_runs(tmp_path):
    g = gold(TAY_NINH)
    first = copy.deepcopy(g)
    citation(first, "23-QĐ/TW")["date"] = "2021-07-31"
    first["agencies"].append({"name": "Sở Y tế", "scope": "Tây Ninh", "deadlines": []})
    second = copy.deepcopy(g)
    second["citations"] = drop(second["citations"], lambda c: c["symbol"] == "16/CT-TTg")

    state = tmp_path / "state"
    assert ev.save_run(state, _run({TAY_NINH: first})) is None
    previous = ev.save_run(state, _run({TAY_NINH: second}))
    assert previous == state / "previous.json"
    before, after = ev.load_run(previous), ev.load_run(state / "last.json")
    assert ("23-qd/tw", "wrong") in {(i["key"], i["outcome"]) for i in before["items"]}
    assert ("16/ct-ttg", "fn") in {(i["key"], i["outcome"]) for i in after["items"]}

    changes = ev.diff_runs(before, after)
    assert changes["files"] == ["000_37ff60af79915060.txt"]
    assert [(c["metric"], c["key"], c["before"], c["after"]) for c in changes["gains"]] == [
        ("agencies", "sở y tế", "fp", "none"),
        ("cited_date", "23-qd/tw", "wrong", "ok"),
    ]
    # the lost citation is reported once; its attributes simply stop being compared
    assert [(c["metric"], c["key"], c["before"], c["after"]) for c in changes["losses"]] == [
        ("citations_numbered", "16/ct-ttg", "tp", "fn"),
    ]
    text = ev.format_changes(changes)
    assert "+2 gained, -1 lost" in text
    assert ("+ 000_37ff60af79915060.txt  23-qd/tw  wrong → ok  "
            "(gold 2021-07-30, pred 2021-07-31 → 2021-07-30)") in text
    assert "- 000_37ff60af79915060.txt  16/ct-ttg  tp → fn" in text


def test_newly_matched_citation_with_a_wrong_value_is_a_loss():
    g = gold(KON_TUM)
    without = copy.deepcopy(g)
    without["citations"] = drop(without["citations"], lambda c: c["symbol"] == "43-KL/TW")
    back = copy.deepcopy(g)
    citation(back, "43-KL/TW")["scope"] = "Kon Tum"
    citation(back, "99-QĐ/TW")["scope"] = "Kon Tum"
    changes = ev.diff_runs(_run({KON_TUM: without}), _run({KON_TUM: back}))
    assert [(c["metric"], c["key"], c["before"], c["after"]) for c in changes["gains"]] == [
        ("citations_numbered", "43-kl/tw", "fn", "tp"),
    ]
    assert [(c["metric"], c["key"], c["before"], c["after"], c["pred_before"], c["pred"])
            for c in changes["losses"]] == [
        ("cited_scope", "43-kl/tw", "none", "wrong", None, "Kon Tum"),
        ("cited_scope", "99-qd/tw", "ok", "wrong", "party-central", "Kon Tum"),
    ]


def test_diff_only_covers_files_scored_in_both_runs():
    before = _run({TAY_NINH: gold(TAY_NINH)})
    after = _run({TAY_NINH: gold(TAY_NINH), KON_TUM: {}})
    changes = ev.diff_runs(before, after)
    assert changes == {"files": ["000_37ff60af79915060.txt"], "gains": [], "losses": []}


def test_run_eval_reports_a_missing_gold_file(tmp_path, capsys):
    source = tmp_path / "999_missing.txt"
    source.write_text("KẾ HOẠCH\n", encoding="utf-8")
    code = ev.run_eval(gold_dir=GOLD_DIR, paths=[str(source)], state_dir=tmp_path / "state", as_json=False)
    err = capsys.readouterr().err
    assert code == 1
    assert f"no gold file {GOLD_DIR / '999_missing.json'}" in err
    assert not (tmp_path / "state" / "last.json").exists()
