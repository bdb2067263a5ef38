"""Normaliser: line joining, markdown/HTML noise, footnotes, and the exact map back to the source."""
from vbgraph.extract.text import normalise


def test_joins_hard_breaks_inside_sentences_and_symbols():
    raw = "Thực hiện Chỉ\nthị  số 33/CT-TTg ngày\n26/11/2021 và Kế hoạch số 302/KH-\nUBND ngày 18/10/2022;\n"
    nt = normalise(raw)
    assert "Chỉ thị số 33/CT-TTg ngày 26/11/2021" in nt.text
    assert "302/KH-UBND" in nt.text
    i = nt.text.index("Chỉ thị")
    # the map gives back the exact characters as written, line break and double space included
    assert nt.original_text(i, i + len("Chỉ thị số 33/CT-TTg")) == "Chỉ\nthị  số 33/CT-TTg"


def test_keeps_paragraphs_bullets_headings_apart():
    raw = "## KẾ HOẠCH\n### Thực hiện công tác dân vận năm 2024\n\nCăn cứ Chỉ thị số 33/CT-TTg;\n- Mục một\n- Mục hai\nI. MỤC ĐÍCH,\nYÊU CẦU\n"
    lines = normalise(raw).text.split("\n")
    assert lines == ["KẾ HOẠCH", "Thực hiện công tác dân vận năm 2024", "Căn cứ Chỉ thị số 33/CT-TTg;",
                     "- Mục một", "- Mục hai", "I. MỤC ĐÍCH, YÊU CẦU"]


def test_caps_heading_ends_at_mixed_case_line():
    nt = normalise("KẾ HOẠCH THỰC HIỆN CÔNG TÁC DÂN VẬN NĂM 2023 TRÊN ĐỊA BÀN\nTỈNH TUYÊN QUANG\nCăn cứ Chỉ thị số 33/CT-TTg\nngày 26/11/2021;")
    assert nt.text.split("\n") == ["KẾ HOẠCH THỰC HIỆN CÔNG TÁC DÂN VẬN NĂM 2023 TRÊN ĐỊA BÀN TỈNH TUYÊN QUANG",
                                   "Căn cứ Chỉ thị số 33/CT-TTg ngày 26/11/2021;"]


def test_markdown_and_html_noise_removed_without_gluing_words():
    nt = normalise("I. MỤC ĐÍCH, YÊU CẦU**1. Mục đích**\n| Số: 46/KH-UBND | Tuyên Quang |\n(*trước ngày 15*) và <b>đậm</b>")
    assert "YÊU CẦU 1. Mục đích" in nt.text
    assert "Số: 46/KH-UBND Tuyên Quang" in nt.text
    assert "(trước ngày 15) và đậm" in nt.text
    assert "*" not in nt.text and "|" not in nt.text and "<" not in nt.text


def test_footnotes_move_after_the_body_and_keep_their_markers():
    raw = ("Các văn bản của Thủ tướng Chính phủ<sup>1</sup>; nhằm nâng cao nhận\n\n"
           "<sup>1</sup> Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ.\n\n"
           "thức của cán bộ.\n")
    nt = normalise(raw)
    body, note = nt.text.split("\n")
    assert body == "Các văn bản của Thủ tướng Chính phủ; nhằm nâng cao nhận thức của cán bộ."
    assert note.startswith("Chỉ thị số 33/CT-TTg")
    (pos, label), = nt.footnote_markers
    assert label == "1" and body[:pos].endswith("Chính phủ")
    start, end = nt.footnotes["1"]
    assert nt.text[start:end] == note
    assert nt.footnote_of(nt.text.index("33/CT-TTg")) == "1"


def test_nfc_and_bom():
    decomposed = "Chi\u0309 thi\u0323 số 33/CT-TTg"   # combining marks (NFD-like input)
    nt = normalise("\ufeff" + decomposed)
    assert nt.text.lstrip("\ufeff").startswith("Chỉ thị số 33/CT-TTg")


def test_sentences_split_at_full_stops_and_lines():
    nt = normalise("Câu một. Câu hai; còn tiếp.\nDòng mới")
    assert [nt.text[a:b] for a, b in nt.sentences] == ["Câu một.", "Câu hai; còn tiếp.", "Dòng mới"]
