"""The cheap scans that stand in for case-insensitive regexes and whole-text regex passes find
exactly what the regexes find."""
import re
from collections import defaultdict
from pathlib import Path

import pytest

from vbgraph.extract import citations, effect
from vbgraph.extract.symbols import SYMBOL_RX
from vbgraph.extract.text import NormText, find_all, matches_at, normalise

DEV = Path(__file__).parent / "fixtures" / "dev_texts"
_VIETNAMESE = ("abcdefghijklmnopqrstuvwxyzđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợ"
               "ùúủũụưừứửữựỳýỷỹỵ0123456789 /-.,:;()")


def test_lower_is_what_a_case_insensitive_regex_compares():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    low = NormText(every, every, [0], [0]).lower
    assert len(low) == len(every)          # offsets stay valid
    same = defaultdict(set)
    for c, lc in zip(every, low):
        same[lc].add(c)
    # for each character a cue phrase is made of, (?i) matches exactly the characters lowered to it
    # ("İ", "ı" and "ſ" included, which plain str.lower() gets wrong)
    for ch in _VIETNAMESE:
        assert set(re.findall("(?i)" + re.escape(ch), every)) == same[ch], ch
    assert NormText("SỬA ĐỔİ ſửa", "SỬA ĐỔİ ſửa", [0], [0]).lower == "sửa đổi sửa"


@pytest.mark.parametrize("path", sorted(DEV.glob("*.md"))[:6], ids=lambda p: p.stem)
def test_cued_scans_find_what_the_regexes_find(path):
    nt = normalise(path.read_text(encoding="utf-8"))
    text = nt.text
    luat = sorted([*find_all(text, "Luật"), *find_all(text, "LUẬT")])
    law_starts = sorted({q - d for q in luat for d in (3, 0) if q >= d})
    verbs = sorted(i for v in citations._TITLED_VERBS for i in find_all(nt.lower, v))
    for rx, starts in ((citations._law_rx(), law_starts), (citations._amending_law_rx(), luat),
                       (citations._TITLED_RX, verbs),
                       (citations._RESOLUTION_RX, list(find_all(text, "Nghị quyết ")))):
        assert [m.span() for m in matches_at(rx, text, starts)] == [m.span() for m in rx.finditer(text)]
    cue = re.compile("(?i)" + "|".join(effect._CUES))
    assert sorted(i for w in effect._CUES for i in find_all(nt.lower, w)) == [m.start() for m in cue.finditer(text)]


def test_cued_scans_on_hand_made_cases():
    text = ("Căn cứ BỘ LUẬT LAO ĐỘNG năm 2019; Bộ Luật Lao động; xLuật Đất đai; THỰC HIỆN NGHỊ QUYẾT VỀ việc "
            "chăm lo đời sống nhân dân; Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII; Luật sửa đổi, bổ sung "
            "một số điều của Luật Đất đai và Luật Nhà ở năm 2024")
    nt = normalise(text)
    luat = sorted([*find_all(nt.text, "Luật"), *find_all(nt.text, "LUẬT")])
    starts = sorted({q - d for q in luat for d in (3, 0) if q >= d})
    found = [m.group() for m in matches_at(citations._law_rx(), nt.text, starts)]
    assert found == [m.group() for m in citations._law_rx().finditer(nt.text)]
    assert "BỘ LUẬT LAO ĐỘNG năm 2019" in found and "Bộ Luật Lao động" in found
    assert not any("xLuật" in f for f in found)
    verbs = sorted(i for v in citations._TITLED_VERBS for i in find_all(nt.lower, v))
    assert [m.group("t") for m in matches_at(citations._TITLED_RX, nt.text, verbs)] == ["NGHỊ QUYẾT"]
    assert len(list(matches_at(citations._amending_law_rx(), nt.text, luat))) == 1


def test_sentences_match_the_per_paragraph_split():
    old_end = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(]?[A-ZÀ-ỸĐ0-9])")

    def per_paragraph(text):
        pos = 0
        for para in text.split("\n"):
            start = pos
            for m in old_end.finditer(para):
                yield start, pos + m.start()
                start = pos + m.end()
            if start < pos + len(para):
                yield start, pos + len(para)
            pos += len(para) + 1

    texts = ["A. B", "x.. Y z!? W\n. A\n\u2028. B.\u2028C", "", "\n\n", "a.\u00a0\u00a0”B. C… (D", ". A\n"]
    texts += [normalise(p.read_text(encoding="utf-8")).text for p in sorted(DEV.glob("*.md"))]
    for text in texts:
        nt = NormText(text, text, [0], [0])
        assert nt.sentences == list(per_paragraph(text)), text[:80]
    assert SYMBOL_RX  # the symbol scan stays the baseline the cues are measured against


def test_header_scans_find_what_the_regexes_find():
    from vbgraph.extract import header

    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted(DEV.glob("*.md"))]
    texts += ["ỦY BAN NHÂN DÂN, ngày x\nTỈNH TUYÊN QUANG\nTuyên Quang, ngày 05 tháng 3 năm 2024\nHà Nội,Ngày 1/2/2020",
              "A" + "b" * 39 + ", ngày 1/1/2020 Ab, c, ngày … X" + "y" * 40 + ",ngày 9",
              "| Số hiệu: | 12/KH-UBND | Loại văn bản | Kế hoạch |\n**Ngày ban hành:** 01/01/2024\nTình trạng hiệu lực: Còn"]
    for text in texts:
        for lo, hi in ((0, len(text)), (3, min(len(text), 2500)), (0, len(text) // 2)):
            want = [m.span() for m in header._PLACE_DATE_RX.finditer(text, lo, hi)]
            assert [m.span() for m in header._place_dates(text, lo, hi)] == want
        head = text[:header._BOX_SEARCH]
        assert [m.span() for m in header._box_labels(head)] == [m.span() for m in header._BOX_LABEL_RX.finditer(head)]
    assert [m.group("place") for m in header._place_dates(texts[-3], 0, len(texts[-3]))] == ["Tuyên Quang", "Hà Nội"]
    assert len(list(header._box_labels(texts[-1]))) == 4


def test_relation_scans_find_what_the_regexes_find():
    from vbgraph.extract import relations

    section = re.compile(r"^(?:[IVX]{1,4}[.)/]|PHẦN|Phần[ ]|Điều[ ]1|A[.)][ ]|1[.)][ ])|MỤC ĐÍCH", re.M)
    texts = [normalise(p.read_text(encoding="utf-8")).text for p in sorted(DEV.glob("*.md"))]
    texts += ["Căn cứ Luật X;\nI. MỤC ĐÍCH", "Điều 1. A\nB", "Căn cứ;\nxMỤC ĐÍCH\nPhần 2", "Căn cứ A;", "",
              "Quyết định này THAY THẾ Quyết định số 1/QĐ-UBND và bị thay thế; BÃI BỎ"]
    for text in texts:
        nt = NormText(text, text, [0], [0])
        for body_start in sorted({0, 1, len(text) // 3, len(text)}):
            m = section.search(text, body_start)
            want = m.start() if m else min(len(text), body_start + 3000)
            assert relations.preamble_span(nt, body_start) == (body_start, want)
        verbs = sorted(i for v in relations._CHANGE_VERBS for i in find_all(nt.lower, v))
        assert [m.span() for m in matches_at(relations._CHANGE_VERB, text, verbs)] == \
            [m.span() for m in relations._CHANGE_VERB.finditer(text)]
    assert [m.group("v") for m in matches_at(relations._CHANGE_VERB, texts[-1], sorted(
        i for v in relations._CHANGE_VERBS for i in find_all(texts[-1].lower(), v)))] == \
        ["THAY THẾ", "bị thay thế", "BÃI BỎ"]


def test_every_lower_case_cue_is_made_of_checked_characters():
    from vbgraph.extract import relations

    cues = [*effect._CUES, "có hiệu lực", *(w for _, _, w in effect._verbs()), *citations._TITLED_VERBS,
            *relations._CHANGE_VERBS]
    assert all(w == w.lower() and set(w) <= set(_VIETNAMESE) for w in cues), cues
