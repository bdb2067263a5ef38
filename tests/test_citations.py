"""Citations, identity and relations on hand-made plan text (the grammar, not the seeds)."""
from vbgraph.extract.pipeline import analyse_text

HEADER = "ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH\nSố: 12/KH-UBND\nBình Định, ngày 5 tháng 2 năm 2024\nKẾ HOẠCH\nThực hiện công tác dân vận chính quyền năm 2024\n"


def record(body: str) -> dict:
    rec, _ = analyse_text(HEADER + body, "test.txt")
    return rec


def by_symbol(rec):
    return {c["symbol"]: c for c in rec["citations"] if c["symbol"]}


def test_preamble_relations_and_body_citations():
    rec = record("Thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ về tiếp tục tăng cường công tác dân vận;\n"
                 "Căn cứ Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ;\n"
                 "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV ngày 01/02/2024;\n"
                 "I. MỤC ĐÍCH, YÊU CẦU\n- Quán triệt Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư.\n")
    c = by_symbol(rec)
    assert c["33/CT-TTg"]["relations"] == ["implements"]
    assert c["59/2023/NĐ-CP"]["relations"] == ["based_on"]   # a normative act after "Căn cứ" is a legal basis
    assert c["15/TTr-SNV"]["relations"] == ["based_on"]
    assert c["114-KL/TW"]["relations"] == ["cites"]
    assert c["33/CT-TTg"]["date"] == "2021-11-26" and c["33/CT-TTg"]["scope"] == "national"
    assert c["114-KL/TW"]["scope"] == "party-central"
    assert c["15/TTr-SNV"]["scope"] == "Bình Định"
    assert c["33/CT-TTg"]["title"] == "về tiếp tục tăng cường công tác dân vận"
    assert "12/KH-UBND" not in c  # the plan's own number is not a citation


def test_variants_and_typos_are_one_document():
    rec = record("I. NỘI DUNG\n- Thực hiện Kế hoạch số 765/KH-UBND ngày 20/3/2023 của UBND tỉnh.\n"
                 "- Báo cáo theo Kế hoạch số 765-KH/UBND.\n"
                 "- Chỉ thị số 33/TT-TTg ngày 26/11/2021 và Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng.\n"
                 "- Kết luận số 114-KL/TU ngày 14/7/2015 của Ban Bí thư.\n")
    c = by_symbol(rec)
    assert c["765/KH-UBND"]["symbol_as_written"] == ["765/KH-UBND", "765-KH/UBND"]
    assert c["765/KH-UBND"]["mentions"] == 2
    assert c["33/CT-TTg"]["symbol_as_written"] == ["33/TT-TTg", "33/CT-TTg"]
    assert "33/TT-TTg" not in c
    # the typo'd issuer code is settled by the known-documents table (same number and date)
    assert c["114-KL/TW"]["symbol_as_written"] == ["114-KL/TU"]
    assert c["114-KL/TW"]["scope"] == "party-central"


def test_same_number_in_other_years_are_different_documents():
    rec = record("I. NỘI DUNG\n- Chỉ thị số 27/CT-TTg ngày 27/10/2023 của Thủ tướng Chính phủ; "
                 "Quyết định số 27/QĐ-UBND ngày 03/01/2024 của UBND tỉnh.\n")
    c = by_symbol(rec)
    assert c["27/CT-TTg"]["year"] == 2023 and c["27/QĐ-UBND"]["year"] == 2024


def test_list_shares_its_date_and_named_law_joins_its_number():
    rec = record("I. NỘI DUNG\n- Thực hiện Quyết định số 217-QĐ/TW và Quyết định số 218-QĐ/TW ngày 12/12/2013 của Bộ Chính trị.\n"
                 "- Thực hiện Luật Thực hiện dân chủ ở cơ sở năm 2022; Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15.\n"
                 "- Thực hiện Luật Tiếp công dân năm 2013 và Luật Khiếu nại.\n")
    c = by_symbol(rec)
    assert c["217-QĐ/TW"]["date"] == "2013-12-12"
    law = c["10/2022/QH15"]
    assert law["doc_type"] == "Luật" and law["mentions"] == 2 and law["year"] == 2022
    named = {c["title"]: c for c in rec["citations"] if not c["symbol"]}
    assert named["Luật Tiếp công dân"]["year"] == 2013 and named["Luật Tiếp công dân"]["number"] is None
    assert named["Luật Khiếu nại"]["year"] is None


def test_stated_relations_between_cited_documents():
    rec = record("I. NỘI DUNG\n- Quyết định số 1564/QĐ-UBND ngày 29/7/2019 và Quyết định số 957/QĐ-UBND ngày 06/5/2020 "
                 "của UBND tỉnh về việc sửa đổi, bổ sung quy định tiêu chí ban hành kèm theo Quyết định số 1564/QĐ-UBND ngày 29/7/2019.\n"
                 "- Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ quy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở.\n"
                 "- Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016.\n"
                 "- Thông tư số 01/2016/TT-BNV ngày 13/01/2016 của Bộ Nội vụ hướng dẫn một số nội dung của Nghị định số 04/2015/NĐ-CP ngày 09/01/2015.\n"
                 "- Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030; "
                 "Chỉ thị số 23/CT-TTg ngày 02/9/2021 của Thủ tướng về việc đẩy mạnh thực hiện Chương trình tổng thể cải cách hành chính nhà nước.\n")
    rels = {(r["from"], r["to"], r["type"]) for r in rec["doc_relations"]}
    assert rels == {("957/QĐ-UBND", "1564/QĐ-UBND", "amends"),
                    ("59/2023/NĐ-CP", "Luật Thực hiện dân chủ ở cơ sở", "details"),
                    ("01-KL/TW", "05-CT/TW", "implements"),
                    ("01/2016/TT-BNV", "04/2015/NĐ-CP", "guides"),
                    ("23/CT-TTg", "76/NQ-CP", "implements")}
    ev = next(r["evidence"] for r in rec["doc_relations"] if r["type"] == "guides")
    assert ev.startswith("Thông tư số 01/2016/TT-BNV") and ev.endswith("Nghị định số 04/2015/NĐ-CP ngày 09/01/2015")


def test_footnote_body_is_the_title_of_the_marked_document():
    raw = HEADER + ("I. NỘI DUNG\n- Thực hiện Quyết định số 319/QĐ-BNV ngày 18/4/2024 của Bộ Nội vụ<sup>4</sup>; và các văn bản khác.\n\n"
                    "<sup>4</sup> Ban hành Kế hoạch triển khai thực hiện Quyết định số 1847/QĐ -TTg ngày 27/12/2018 của Thủ tướng Chính phủ.\n")
    rec, _ = analyse_text(raw, "t.txt")
    assert ("319/QĐ-BNV", "1847/QĐ-TTg", "implements") in {(r["from"], r["to"], r["type"]) for r in rec["doc_relations"]}
    c = by_symbol(rec)
    assert c["1847/QĐ-TTg"]["symbol_as_written"] == ["1847/QĐ -TTg"]


def test_first_mention_is_exact_source_text():
    raw = HEADER + "Thực hiện Chỉ\nthị  số 33/CT-TTg ngày\n26/11/2021 của Thủ tướng;\n"
    rec, _ = analyse_text(raw, "t.txt")
    c = by_symbol(rec)["33/CT-TTg"]
    assert c["first_mention"] == "Chỉ\nthị  số 33/CT-TTg ngày\n26/11/2021"
    assert c["first_mention"] in raw


def test_congress_resolutions_are_named_citations():
    rec = record("I. NỘI DUNG\n- Theo tinh thần Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, "
                 "Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2020 - 2025 về công tác dân vận.\n")
    named = {c["first_mention"]: c for c in rec["citations"] if not c["symbol"]}
    assert named["Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"]["scope"] == "party-central"
    assert named["Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2020 - 2025"]["scope"] == "Bình Định"


def test_signer_only_under_a_signature_block():
    body = "I. NỘI DUNG\n- Thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021.\n"
    signed, _ = analyse_text(HEADER + body + "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An\n", "s.txt")
    assert signed["plan"]["signer"] == "Nguyễn Văn An"
    page, _ = analyse_text(HEADER + body + "Xem thêm\nGiải Nobel\n", "p.txt")
    assert page["plan"]["signer"] is None


def test_a_portal_pages_trailing_text_is_not_the_documents():
    from vbgraph.extract.pipeline import analyse_text

    page = ("ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG\nSố: 56/2025/QĐ-UBND\nCao Bằng, ngày 01 tháng 12 năm 2025\n\n"
            "QUYẾT ĐỊNH\nSửa đổi đơn giá bồi thường\n\nCăn cứ Luật Đất đai số 31/2024/QH15;\n\n"
            "Điều 1. Sửa đổi một số điều của Quyết định số 52/2024/QĐ-UBND.\n\n"
            "Văn bản này chưa cập nhật nội dung Tiếng Anh\n## Văn bản liên quan\n"
            "Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân yêu cầu xác nhận sự đồng ý của thành viên.\n")
    symbols = {c["symbol"] for c in analyse_text(page)[0]["citations"]}
    assert symbols == {"31/2024/QH15", "52/2024/QĐ-UBND"}


def test_a_national_boards_own_earlier_decision_is_national():
    from vbgraph.extract.pipeline import analyse_text

    text = ("BAN CHỈ ĐẠO NHÀ NƯỚC VỀ DU LỊCH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 170/QĐ-BCĐNNDL\nHà Nội, ngày 10 tháng 11 năm 2025\n\n"
            "QUYẾT ĐỊNH\nBan hành Quy chế hoạt động\n\nCăn cứ Quyết định số 1532/QĐ-TTg ngày 15/12/2023;\n\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 167/QĐ-BCĐNNDL ngày "
            "29 tháng 7 năm 2013.\n")
    scopes = {c["symbol"]: c["scope"] for c in analyse_text(text)[0]["citations"]}
    assert scopes == {"1532/QĐ-TTg": "national", "167/QĐ-BCĐNNDL": "national"}
