"""The symbol grammar and Vietnamese dates on hand-made strings."""
import pytest

from vbgraph.extract.dates import complete, date_right_after, find_dates
from vbgraph.extract.symbols import doc_type_from_code, find_symbols, scope_class


def one(text):
    syms = find_symbols(text)
    assert len(syms) == 1, syms
    return syms[0]


@pytest.mark.parametrize("written,canonical,scope", [
    ("59/2023/NĐ-CP", "59/2023/NĐ-CP", "national"),
    ("10/2022/QH15", "10/2022/QH15", "national"),
    ("33/CT-TTg", "33/CT-TTg", "national"),
    ("1847/QĐ -TTg", "1847/QĐ-TTg", "national"),
    ("75/KH- UBND", "75/KH-UBND", "local"),
    ("765-KH/UBND", "765/KH-UBND", "local"),          # State plan written in the Party style
    ("27/CTTg", "27/CT-TTg", "national"),             # dropped hyphen, split by the code tables
    ("23-QĐ/TW", "23-QĐ/TW", "party-central"),
    ("11-QĐi/TW", "11-QĐi/TW", "party-central"),
    ("04-CTr/BDVTU-BCSDUBND", "04-CTr/BDVTU-BCSDUBND", "local"),
    ("26-KH/BCD", "26-KH/BCD", "local"),             # a Ban Chỉ đạo signs in either style: kept
    ("575/UBND-NC", "575/UBND-NC", "local"),
    ("01/2016/TT-BNV", "01/2016/TT-BNV", "national"),
])
def test_symbol_grammar(written, canonical, scope):
    s = one(f"theo văn bản số {written} ngày 01/01/2020")
    assert s.text == canonical
    assert scope_class(s) == scope


def test_owner_after_space_belongs_to_the_symbol():
    s = one("Chương trình phối hợp số 05-CTrPH/BDVTU-BCSĐ UBND tỉnh ngày 28/03/2022")
    assert s.written == "05-CTrPH/BDVTU-BCSĐ UBND"
    assert s.text == "05-CTrPH/BDVTU-BCSĐUBND"


def test_not_symbols():
    assert find_symbols("giai đoạn 2021-2026, ngày 26/11/2021, tỷ lệ 24/7, COVID-19, 100%") == []
    assert find_symbols("theo QCVN 41:2024/BGTVT về báo hiệu đường bộ") == []   # a technical standard


def test_doc_type_from_code():
    assert doc_type_from_code(one("33/CT-TTg")) == "Chỉ thị"
    assert doc_type_from_code(one("23-QĐ/TW")) == "Quyết định"
    assert doc_type_from_code(one("11-QĐi/TW")) == "Quy định"
    assert doc_type_from_code(one("10/2022/QH15")) == "Luật"


def test_dates_in_all_forms():
    found = find_dates("chậm nhất ngày 10/4/2024; ngày 5 tháng 9 năm 2022; trong tháng 02 năm 2024; "
                       "trước ngày 15 tháng 12; 31/02/2024 không có thật")
    assert [f.iso for f in found] == ["2024-04-10", "2022-09-05", "2024-02", "--12-15"]
    assert complete("--12-15", 2024) == "2024-12-15"
    assert complete("--12-15", None) is None


def test_date_right_after_a_symbol_only():
    t = "Chỉ thị số 33/CT-TTg, ngày 26/11/2021 của Thủ tướng"
    assert date_right_after(t, t.index("TTg") + 3).iso == "2021-11-26"
    t = "Tờ trình số 384/TTr-PNV ngày\n04/4/2024;"
    assert date_right_after(t, t.index("PNV") + 3).iso == "2024-04-04"
    t = "Quyết định số 217-QĐ/TW và Quyết định số 218-QĐ/TW ngày 12/12/2013"
    assert date_right_after(t, t.index("217-QĐ/TW") + 9) is None
