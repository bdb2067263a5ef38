"""The reference-list grammar on hand-made documents: what the document is to each citation, decided by
its own kind, and the relations the text states (extract/relations.py)."""
from __future__ import annotations

import pytest

from vbgraph.extract.pipeline import analyse_text
from vbgraph.extract.symbols import find_symbols


def record(text: str) -> dict:
    return analyse_text(text)[0]


def relations(rec: dict) -> dict[str, str]:
    return {(c["symbol"] or c["title"]): c["relations"][0] for c in rec["citations"]}


def stated(rec: dict) -> set[tuple[str, str, str]]:
    return {(r["from"], r["to"], r["type"]) for r in rec["doc_relations"]}


HEADER = "ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: {symbol}\nTây Ninh, ngày 05 tháng 3 năm 2025\n\n{kind}\n{title}\n\n"


def doc(kind: str, symbol: str, title: str, body: str) -> str:
    return HEADER.format(symbol=symbol, kind=kind, title=title) + body


BASIS = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
         "Căn cứ Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về công tác dân vận;\n"
         "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 01/3/2025.\n\n")


def test_a_decision_rests_on_its_can_cu_list_where_a_plan_implements_it():
    decision = record(doc("QUYẾT ĐỊNH", "10/QĐ-UBND", "Ban hành Quy chế làm việc", BASIS +
                          "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n"))
    assert relations(decision)["33/CT-TTg"] == "based_on"
    assert relations(decision)["12/TTr-SNV"] == "based_on"
    assert relations(decision)["Luật Tổ chức chính quyền địa phương"] == "based_on"
    plan = record(doc("KẾ HOẠCH", "11/KH-UBND", "Thực hiện công tác dân vận năm 2025",
                      BASIS.replace("Căn cứ Chỉ thị", "Thực hiện Chỉ thị") + "I. MỤC ĐÍCH\n"))
    assert relations(plan)["33/CT-TTg"] == "implements"
    assert relations(plan)["Luật Tổ chức chính quyền địa phương"] == "based_on"   # a law is a legal basis


def test_a_list_continues_across_paragraphs_and_trich_yeu_documents_are_only_cited():
    rec = record(doc("KẾ HOẠCH", "12/KH-UBND", "Chuyển đổi số năm 2025",
                     "Thực hiện Chỉ thị số 46-CT/TW ngày 16/5/2025 của Bộ Chính trị về lãnh đạo bầu cử;\n"
                     "Kế hoạch số 283/KH-UBND ngày 24/9/2025 của Ủy ban nhân dân tỉnh về thực hiện Nghị quyết "
                     "số 71/NQ-CP ngày 01/5/2025 của Chính phủ và Chương trình hành động số 10-CTr/TU ngày "
                     "13/8/2025 của Ban Thường vụ Tỉnh ủy về thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 "
                     "của Bộ Chính trị về chuyển đổi số.\n\nI. MỤC ĐÍCH\n"))
    rel = relations(rec)
    assert rel["46-CT/TW"] == "implements" and rel["283/KH-UBND"] == "implements"
    assert rel["71/NQ-CP"] == rel["10-CTr/TU"] == rel["57-NQ/TW"] == "cites"
    # a trích yếu shared by two coordinated documents belongs to both, and so does the verb before them
    assert {("283/KH-UBND", "71/NQ-CP", "implements"), ("283/KH-UBND", "10-CTr/TU", "implements"),
            ("71/NQ-CP", "57-NQ/TW", "implements"), ("10-CTr/TU", "57-NQ/TW", "implements")} <= stated(rec)


def test_a_directive_opening_de_tiep_tuc_thuc_hien_implements_what_it_names():
    rec = record(doc("CHỈ THỊ", "06/CT-UBND", "Về tăng cường quản lý rừng",
                     "Thời gian qua công tác quản lý rừng có chuyển biến.\n\nĐể tiếp tục thực hiện nghiêm "
                     "Chỉ thị số 05/CT-TTg ngày 18/5/2022 của Thủ tướng Chính phủ; Chỉ thị số 31-CT/TU ngày "
                     "06/6/2023, Kế hoạch số 134-KH/TU ngày 29/12/2023 của Ban Thường vụ Tỉnh ủy, Ủy ban nhân "
                     "dân tỉnh yêu cầu:\n\n1. Các sở, ngành thực hiện tốt.\n"))
    assert set(relations(rec).values()) == {"implements"} and len(relations(rec)) == 3


def test_passive_amendment_names_the_actor_and_keeps_it_a_basis():
    rec = record(doc("THÔNG TƯ", "24/2025/TT-BTP", "Sửa đổi một số thông tư",
                     "Căn cứ Nghị định số 120/2020/NĐ-CP của Chính phủ quy định về thành lập đơn vị sự nghiệp "
                     "công lập được sửa đổi, bổ sung bởi Nghị định số 83/2024/NĐ-CP, Nghị định số "
                     "283/2025/NĐ-CP;\n\nĐiều 1. Phạm vi\n"))
    assert {("83/2024/NĐ-CP", "120/2020/NĐ-CP", "amends"), ("283/2025/NĐ-CP", "120/2020/NĐ-CP", "amends")} \
        <= stated(rec)
    assert set(relations(rec).values()) == {"based_on"}


@pytest.mark.parametrize("statement, relation", [
    ("Điều 2. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 167/QĐ-UBND ngày "
     "29/7/2013 của Ủy ban nhân dân tỉnh.", "replaces"),
    ("Điều 1. Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 167/QĐ-UBND ngày "
     "29/7/2013 của Ủy ban nhân dân tỉnh.", "amends"),
    ("Điều 3. Bãi bỏ khoản 2 Điều 5 của Quyết định số 167/QĐ-UBND ngày 29/7/2013.", "amends"),
])
def test_a_legal_act_changing_another_relates_itself(statement, relation):
    rec = record(doc("QUYẾT ĐỊNH", "20/QĐ-UBND", "Ban hành Quy chế phối hợp quản lý tín ngưỡng",
                     "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nQUYẾT ĐỊNH:\n" + statement + "\n"))
    assert ("20/QĐ-UBND", "167/QĐ-UBND", relation) in stated(rec)
    assert relations(rec)["167/QĐ-UBND"] == relation


def test_acts_declared_expired_in_a_list_are_replaced_when_they_rule_the_same_thing():
    rec = record(doc("QUYẾT ĐỊNH", "26/2025/QĐ-UBND", "Ban hành Quy chế phối hợp quản lý nhà nước về tín ngưỡng",
                     "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nQUYẾT ĐỊNH:\nĐiều 2. Hiệu lực\n"
                     "1. Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 12 năm 2025.\n"
                     "2. Các quyết định sau hết hiệu lực thi hành kể từ ngày 01 tháng 12 năm 2025:\n"
                     "a) Quyết định số 06/2021/QĐ-UBND ngày 13/4/2021 của Ủy ban nhân dân tỉnh ban hành Quy chế "
                     "phối hợp quản lý nhà nước về tín ngưỡng;\n"
                     "b) Quyết định số 09/2021/QĐ-UBND ngày 13/5/2021 của Ủy ban nhân dân tỉnh ban hành Quy định "
                     "về giá dịch vụ xe ra vào bến.\n"))
    assert ("26/2025/QĐ-UBND", "06/2021/QĐ-UBND", "replaces") in stated(rec)
    # an act on another subject declared expired is repealed, not replaced by this one
    assert not any(t == "09/2021/QĐ-UBND" for _, t, _ in stated(rec))


def test_a_plan_task_to_amend_a_decision_is_not_the_plan_amending_it():
    rec = record(doc("KẾ HOẠCH", "13/KH-UBND", "Cải cách hành chính năm 2025",
                     "Thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021.\n\nI. NHIỆM VỤ\n"
                     "1. Sửa đổi, bổ sung một số điều của Quyết định số 167/QĐ-UBND ngày 29/7/2013.\n"))
    assert not any(f == "13/KH-UBND" for f, _, _ in stated(rec))


def test_the_amending_law_is_a_document_of_its_own_that_amends_the_laws_in_its_name():
    rec = record(doc("NGHỊ ĐỊNH", "16/2025/NĐ-CP", "Sửa đổi Nghị định 72/2020/NĐ-CP",
                     "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính "
                     "quyền địa phương ngày 25 tháng 6 năm 2025;\n\nĐiều 1. Phạm vi\n"))
    amending = "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương"
    assert {(amending, "Luật Tổ chức Chính phủ", "amends"),
            (amending, "Luật Tổ chức chính quyền địa phương", "amends")} <= stated(rec)
    rel = relations(rec)
    assert rel[amending] == "based_on" and rel["Luật Tổ chức chính quyền địa phương"] == "cites"


def test_no_relation_through_unnamed_documents_a_draft_or_a_proposal():
    rec = record(doc("QUYẾT ĐỊNH", "56/2025/QĐ-UBND", "Sửa đổi đơn giá bồi thường",
                     "Căn cứ Nghị định số 226/2025/NĐ-CP ngày 15/8/2025 của Chính phủ sửa đổi, bổ sung một số "
                     "điều của các nghị định quy định chi tiết thi hành Luật Đất đai;\n"
                     "Xét Tờ trình số 16481/TTr-UBND ngày 14/11/2025 của Ủy ban nhân dân tỉnh về dự thảo Nghị "
                     "quyết sửa đổi, bổ sung Nghị quyết số 09/2022/NQ-HĐND;\n\nĐiều 1. Phạm vi\n"))
    assert not stated(rec)


def test_a_guidance_that_carries_out_a_directive_guides_it():
    rec = record(doc("HƯỚNG DẪN", "37-HD/BTGDVTW", "Thực hiện Chỉ thị 50-CT/TW",
                     "Thực hiện Hướng dẫn số 42-HD/BTCTW ngày 28/10/2025 của Ban Tổ chức Trung ương thực hiện "
                     "Chỉ thị số 50-CT/TW của Bộ Chính trị.\n\n1. Mục đích\n"))
    assert ("42-HD/BTCTW", "50-CT/TW", "guides") in stated(rec)


@pytest.mark.parametrize("written, canonical", [
    ("Nghị quyết số 27/NQ-TW ngày 09/11/2022", "27-NQ/TW"),
    ("Nghị quyết số 27/NQ- TW ngày 09/11/2022", "27-NQ/TW"),
    ("Nghị quyết liên tịch số 19/2008/NQLT/CP-UBTUMTTQVN", "19/2008/NQLT/CP-UBTUMTTQVN"),
    ("Chỉ thị số 33/CT-TTg", "33/CT-TTg"),
])
def test_symbol_variants_take_their_official_form(written, canonical):
    assert [s.text for s in find_symbols(written)] == [canonical]


def test_named_laws_in_capitals_and_with_standard_abbreviations():
    rec = record(doc("KẾ HOẠCH", "14/KH-UBND", "Triển khai LUẬT VIỆC LÀM",
                     "Căn cứ Luật Ban hành văn bản QPPL;\nThực hiện LUẬT VIỆC LÀM.\n\nI. MỤC ĐÍCH\n"))
    titles = {c["title"] for c in rec["citations"]}
    assert {"Luật Ban hành văn bản QPPL", "Luật Việc làm"} <= titles


def test_a_document_carried_out_and_named_only_by_its_trich_yeu_is_a_citation():
    rec = record(doc("KẾ HOẠCH", "15/KH-UBND", "Giảm nghèo năm 2025",
                     "Thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021.\n\nI. NHIỆM VỤ\n1. Sở Y tế triển khai thực "
                     "hiện Nghị quyết quy định mức chuẩn trợ giúp xã hội đối với các đối tượng bảo trợ xã hội trên "
                     "địa bàn tỉnh. Tiếp tục chăm sóc người có công.\n"))
    named = [c for c in rec["citations"] if not c["symbol"]]
    assert [(c["doc_type"], c["title"]) for c in named] == [
        ("Nghị quyết", "quy định mức chuẩn trợ giúp xã hội đối với các đối tượng bảo trợ xã hội trên địa bàn tỉnh")]
    assert named[0]["relations"] == ["cites"] and named[0]["scope"] == "Tây Ninh"


@pytest.mark.parametrize("gap, relation", [
    (", Luật sửa đổi, bổ sung số ", None),                 # the phrase is the next law's own name
    (" (thay thế Mẫu số 05 Phụ lục I ban hành kèm theo Nghị định ", "amends"),   # a form of it, not all of it
    (" bãi bỏ Quyết định số ", None),                      # a bare repeal is no relation of the schema
    (" thay thế Quyết định số ", "replaces"),
    (" của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số ", "amends"),
])
def test_the_phrase_between_two_documents(gap, relation):
    from vbgraph.extract.relations import relation_in_gap

    assert relation_in_gap(gap) == relation


@pytest.mark.parametrize("sentence, relation", [
    ("Căn cứ Nghị định 137/2020/NĐ-CP được sửa đổi bởi khoản 2 Điều 3 Nghị định 56/2023/NĐ-CP;",
     ("56/2023/NĐ-CP", "137/2020/NĐ-CP", "amends")),
    ("Căn cứ Nghị định 10/2022/NĐ-CP (được sửa đổi, bổ sung tại Nghị định 175/2025/NĐ-CP);",
     ("175/2025/NĐ-CP", "10/2022/NĐ-CP", "amends")),
    ("Theo Quyết định số 20/2020/QĐ-TTg ngày 22/7/2020, sửa đổi, bổ sung tại Quyết định số 09/2025/QĐ-TTg;",
     ("09/2025/QĐ-TTg", "20/2020/QĐ-TTg", "amends")),
    ("Luật Đất đai 2024 được hướng dẫn bởi Điều 18 Nghị định 102/2024/NĐ-CP.",
     ("102/2024/NĐ-CP", "Luật Đất đai", "guides")),
    ("Luật Xây dựng 2014 được sửa đổi, bổ sung theo quy định tại khoản 10 Điều 1 Luật số 62/2020/QH14.",
     ("62/2020/QH14", "Luật Xây dựng", "amends")),
    ("Nghị định số 237/2025/NĐ-CP của Chính phủ sửa đổi, bổ sung Nghị định số 105/2012/NĐ-CP.",
     ("237/2025/NĐ-CP", "105/2012/NĐ-CP", "amends")),
])
def test_the_actor_of_a_change_made_at_or_by_another_document(sentence, relation):
    assert stated(record(sentence)) == {relation}


def test_a_decree_never_amends_a_law_so_the_passive_goes_to_the_decree_whose_title_names_it():
    rec = record("Căn cứ Nghị định số 78/2025/NĐ-CP ngày 01 tháng 4 năm 2025 của Chính phủ quy định chi tiết một "
                 "số điều và biện pháp để tổ chức, hướng dẫn thi hành Luật Ban hành văn bản quy phạm pháp luật được "
                 "sửa đổi, bổ sung bởi Nghị định số 187/2025/NĐ-CP ngày 01 tháng 7 năm 2025;")
    assert ("187/2025/NĐ-CP", "78/2025/NĐ-CP", "amends") in stated(rec)
    assert not any(f == "187/2025/NĐ-CP" and t.startswith("Luật") for f, t, _ in stated(rec))
    assert not any(t == "187/2025/NĐ-CP" for _, t, _ in stated(rec))


def test_a_change_after_two_coordinated_documents_belongs_to_the_nearer_of_another_type():
    rec = record("Căn cứ Luật Ban hành văn bản quy phạm pháp luật và Nghị định số 187/2025/NĐ-CP ngày 01 tháng 7 "
                 "năm 2025 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 78/2025/NĐ-CP;")
    assert stated(rec) == {("187/2025/NĐ-CP", "78/2025/NĐ-CP", "amends")}
