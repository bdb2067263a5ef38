"""The document's own header: hand-made headers of each construction, then the real dev and seed
documents against their gold plan blocks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from vbgraph.extract.header import party_style, portal_box
from vbgraph.extract.plan import extract_plan
from vbgraph.extract.text import normalise

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = FIXTURES.parent.parent


def plan_of(text: str) -> dict:
    return extract_plan(normalise(text))[0]


# ------------------------------------------------------------------ State documents

PROVINCE_PLAN = """\
| ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
-------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
--------------- |
| Số:
7360/KH-UBND | Lai Châu, ngày 19 tháng 11 năm 2025 |

**KẾ HOẠCH**

TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN TỈNH LAI CHÂU

Thực hiện Quyết định số 2138/QĐ-TTg ngày 27/9/2025 của Thủ tướng Chính phủ. Ủy ban nhân dân tỉnh ban
hành Kế hoạch triển khai thi hành Luật Việc làm trên địa bàn tỉnh Lai Châu như sau:

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Tống Thanh Hải
"""


def test_state_header_symbol_on_its_own_line_date_place_title_and_signer():
    p = plan_of(PROVINCE_PLAN)
    assert (p["doc_type"], p["number"], p["symbol"], p["date"]) == ("Kế hoạch", "7360", "7360/KH-UBND", "2025-11-19")
    assert (p["issuer"], p["level"], p["province"], p["district"], p["year"]) == \
        ("UBND tỉnh Lai Châu", "province", "Lai Châu", None, 2025)
    # the title takes its casing from the body ("Luật Việc làm"), place names keep theirs
    assert p["title"] == "Triển khai thi hành Luật Việc làm trên địa bàn tỉnh Lai Châu"
    assert p["signer"] == "Tống Thanh Hải"


NATIONAL_DECISION = """\
BỘ TƯ PHÁP
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 24/2025/TT-BTP

Hà Nội, ngày 27 tháng 11 năm 2025

THÔNG TƯ

SỬA ĐỔI MỘT SỐ ĐIỀU CỦA CÁC THÔNG TƯ THUỘC PHẠM VI QUẢN LÝ CỦA BỘ TƯ PHÁP

Căn cứ Nghị định số 39/2022/NĐ-CP của Chính phủ;

Bộ trưởng Bộ Tư pháp ban hành Thông tư sửa đổi một số điều của các thông tư thuộc phạm vi quản lý của Bộ Tư pháp.
"""


def test_national_body_has_no_province_even_when_signed_in_ha_noi():
    p = plan_of(NATIONAL_DECISION)
    assert (p["symbol"], p["doc_type"], p["level"], p["province"]) == ("24/2025/TT-BTP", "Thông tư", "national", None)
    # the preamble's closing formula names who decides
    assert p["issuer"] == "Bộ trưởng Bộ Tư pháp"


AUTHORITY_LINE = """\
ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 1627/QĐ-UBND

Quảng Ngãi, ngày 21 tháng 11 năm 2025

QUYẾT ĐỊNH
VỀ VIỆC BAN HÀNH KẾ HOẠCH KIỂM KÊ TÀI SẢN CÔNG
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
"""


def test_authority_line_under_the_title_names_the_issuer_and_is_cut_from_the_title():
    p = plan_of(AUTHORITY_LINE)
    assert p["issuer"] == "Chủ tịch UBND tỉnh Quảng Ngãi"
    assert p["title"].startswith("Về việc ban hành") and "CHỦ TỊCH" not in p["title"].upper()[-40:]
    assert (p["level"], p["province"]) == ("province", "Quảng Ngãi")


def test_department_under_a_provincial_committee():
    p = plan_of("""\
UBND TỈNH TÂY NINH
SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 60/KH-SVHTTDL

Tây Ninh, ngày 29 tháng 3 năm 2023

KẾ HOẠCH
Thực hiện công tác dân vận chính quyền năm 2023 của Sở Văn hóa, Thể thao và Du lịch
""")
    assert (p["symbol"], p["level"], p["province"], p["year"]) == ("60/KH-SVHTTDL", "department", "Tây Ninh", 2023)
    assert p["issuer"] == "Sở Văn hóa, Thể thao và Du lịch tỉnh Tây Ninh"


COMMUNE_2025 = """\
ỦY BAN NHÂN DÂN
XÃ TÂN HÒA

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 15/KH-UBND

Tân Hòa, ngày 20 tháng 8 năm 2025

KẾ HOẠCH
Thực hiện công tác dân vận chính quyền năm 2025 trên địa bàn xã

Thực hiện Kế hoạch số 80/KH-UBND ngày 01/8/2025 của UBND tỉnh Đồng Tháp, UBND xã ban hành Kế hoạch
thực hiện công tác dân vận chính quyền trên địa bàn xã, tỉnh Đồng Tháp.
"""


def test_commune_after_the_2025_reform_has_no_district_and_its_province_from_the_body():
    p = plan_of(COMMUNE_2025)
    assert (p["level"], p["district"], p["issuer"]) == ("commune", None, "UBND xã Tân Hòa")
    # "Tân Hòa, ngày …" is the commune, not a province: the body names the province
    assert p["province"] == "Đồng Tháp"


def test_a_body_under_a_peoples_committee_is_a_department_and_a_numbered_district_keeps_its_word():
    p = plan_of("""\
UBND TỈNH BÌNH PHƯỚC
BAN DÂN TỘC

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 15/KH-BDT

Bình Phước, ngày 11 tháng 3 năm 2024

KẾ HOẠCH
Thực hiện công tác dân vận năm 2024
""")
    assert (p["issuer"], p["level"], p["province"]) == ("Ban Dân tộc tỉnh Bình Phước", "department", "Bình Phước")
    p = plan_of(COMMUNE_2025.replace("XÃ TÂN HÒA", "QUẬN 1").replace("Tân Hòa, ngày", "Quận 1, ngày")
                .replace("tỉnh Đồng Tháp", "Thành phố Hồ Chí Minh"))
    assert (p["level"], p["district"], p["province"], p["issuer"]) == \
        ("district", "Quận 1", "Hồ Chí Minh", "UBND Quận 1")
    # the place of the date line names the province when the body does not
    p = plan_of(COMMUNE_2025.replace("XÃ TÂN HÒA", "QUẬN 1").replace("Tân Hòa, ngày", "TP. Hồ Chí Minh, ngày")
                .replace(", tỉnh Đồng Tháp", "").replace(" của UBND tỉnh Đồng Tháp", ""))
    assert (p["level"], p["district"], p["province"]) == ("district", "Quận 1", "Hồ Chí Minh")


def test_district_header_of_two_lines():
    p = plan_of("""\
ỦY BAN NHÂN DÂN
HUYỆN HỚN QUẢN

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 400/KH-UBND

Hớn Quản, ngày 08 tháng 4 năm 2024

KẾ HOẠCH
Triển khai công tác dân vận chính quyền năm 2024

Thực hiện Kế hoạch số 84/KH-UBND ngày 11/3/2024 của UBND tỉnh Bình Phước.
""")
    assert (p["level"], p["district"], p["province"], p["issuer"]) == \
        ("district", "Hớn Quản", "Bình Phước", "UBND huyện Hớn Quản")


def test_a_letter_is_a_cong_van_whatever_its_codes_spell():
    # "CT" here is the Cục Thuế, not the code of a Chỉ thị: a letter has "V/v" and "Kính gửi", no heading
    p = plan_of("""\
BỘ TÀI CHÍNH
CỤC THUẾ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số:
5662/CT-CS
V/v chính sách thuế

Hà Nội, ngày 01 tháng 12 năm 2025

Kính gửi: Thuế tỉnh Quảng Trị.
""")
    assert (p["doc_type"], p["symbol"], p["title"]) == ("Công văn", "5662/CT-CS", "Chính sách thuế")
    assert (p["issuer"], p["level"], p["province"], p["date"]) == ("Cục Thuế", "national", None, "2025-12-01")


# ------------------------------------------------------------------ Party and Front

PARTY_CENTRAL = """\
| BAN CHẤP HÀNH TRUNG ƯƠNG
BAN TUYÊN GIÁO VÀ DÂN VẬN
* | ĐẢNG CỘNG SẢN VIỆT NAM
--------------- |
| Số 37-HD/BTGDVTW | Hà Nội, ngày 19 tháng 11 năm 2025 |

**HƯỚNG DẪN**

VỀ VIỆC ĐỔI MỚI BẢN TIN SINH HOẠT CHI BỘ

Ban Tuyên giáo và Dân vận Trung ương hướng dẫn như sau.

K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN

Phạm Tất Thắng
"""


def test_party_central_header_without_colon_has_no_province():
    p = plan_of(PARTY_CENTRAL)
    assert (p["doc_type"], p["symbol"], p["date"]) == ("Hướng dẫn", "37-HD/BTGDVTW", "2025-11-19")
    assert (p["level"], p["province"], p["district"]) == ("party", None, None)
    assert p["issuer"] == "Ban Tuyên giáo và Dân vận Trung ương"
    assert p["signer"] == "Phạm Tất Thắng"


def test_party_symbol_written_with_a_slash_is_stored_in_the_party_form():
    p = plan_of("""\
BAN CHẤP HÀNH TRUNG ƯƠNG
*
ĐẢNG CỘNG SẢN VIỆT NAM

Số: 27/NQ-TW

Hà Nội, ngày 09 tháng 11 năm 2022

NGHỊ QUYẾT
VỀ TIẾP TỤC XÂY DỰNG VÀ HOÀN THIỆN NHÀ NƯỚC PHÁP QUYỀN
""")
    assert p["symbol"] == "27-NQ/TW"
    assert (p["level"], p["province"]) == ("party", None)
    assert party_style("27/NQ-TW") == "27-NQ/TW" and party_style("59/2023/NĐ-CP") == "59/2023/NĐ-CP"


PARTY_DISTRICT = """\
ĐẢNG BỘ TỈNH BÌNH PHƯỚC
HUYỆN ỦY HỚN QUẢN
*
Số 125-KH/HU

ĐẢNG CỘNG SẢN VIỆT NAM

Hớn Quản, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
THỰC HIỆN CÔNG TÁC DÂN VẬN NĂM 2024

Thực hiện Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ.
"""


def test_party_committee_with_its_left_column_read_first():
    p = plan_of(PARTY_DISTRICT)
    assert (p["symbol"], p["date"], p["year"]) == ("125-KH/HU", "2024-03-05", 2024)
    assert (p["level"], p["province"], p["district"], p["issuer"]) == \
        ("party", "Bình Phước", "Hớn Quản", "Huyện ủy Hớn Quản")


def test_provincial_party_board_and_commune_party_committee():
    board = plan_of("""\
| TỈNH ỦY TÂY NINH
BAN DÂN VẬN
* | ĐẢNG CỘNG SẢN VIỆT NAM |
| Số 45-HD/BDVTU | Tây Ninh, ngày 10 tháng 4 năm 2024 |

HƯỚNG DẪN
Thực hiện công tác dân vận năm 2024
""")
    assert (board["issuer"], board["level"], board["province"], board["symbol"]) == \
        ("Ban Dân vận Tỉnh ủy Tây Ninh", "party", "Tây Ninh", "45-HD/BDVTU")
    commune = plan_of("""\
ĐẢNG BỘ TỈNH LÂM ĐỒNG
ĐẢNG ỦY XÃ ĐẠ TẺH
*
Số 12-KH/ĐU

ĐẢNG CỘNG SẢN VIỆT NAM

Đạ Tẻh, ngày 02 tháng 9 năm 2025

KẾ HOẠCH
Thực hiện Chỉ thị số 33/CT-TTg trên địa bàn xã
""")
    assert (commune["issuer"], commune["level"], commune["province"], commune["district"]) == \
        ("Đảng ủy xã Đạ Tẻh", "party", "Lâm Đồng", None)


def test_front_committee():
    p = plan_of("""\
ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM
TỈNH KON TUM
BAN THƯỜNG TRỰC

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 112/KH-MTTQ-BTT

Kon Tum, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
Tổ chức cuộc vận động năm 2024
""")
    assert (p["symbol"], p["level"], p["province"]) == ("112/KH-MTTQ-BTT", "province", "Kon Tum")
    assert p["issuer"] == "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Kon Tum"


def test_joint_document_reads_its_compound_symbol_whole():
    p = plan_of("""\
CHÍNH PHỦ - ỦY BAN TRUNG ƯƠNG MẶT TRẬN TỔ QUỐC VIỆT NAM

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 19/2008/NQLT/CP-UBTUMTTQVN

Hà Nội, ngày 16 tháng 10 năm 2008

NGHỊ QUYẾT LIÊN TỊCH
Hướng dẫn thi hành Pháp lệnh thực hiện dân chủ ở xã, phường, thị trấn
""")
    assert (p["symbol"], p["number"], p["doc_type"]) == ("19/2008/NQLT/CP-UBTUMTTQVN", "19", "Nghị quyết liên tịch")
    assert (p["level"], p["province"], p["year"]) == ("national", None, 2008)


# ------------------------------------------------------------------ no header, annexes, years

def test_headerless_plan_never_borrows_a_citations_symbol():
    p = plan_of("""\
KẾ HOẠCH
Tăng cường công tác dân vận trên địa bàn tỉnh Kon Tum năm 2024

Thực hiện Chỉ thị số 33/CT-TTg ngày 26 tháng 11 năm 2021 của Thủ tướng Chính phủ, UBND tỉnh ban hành
Kế hoạch như sau:
""")
    assert (p["symbol"], p["number"], p["date"]) == (None, None, None)
    assert (p["doc_type"], p["province"], p["year"]) == ("Kế hoạch", "Kon Tum", 2024)


def test_an_annex_forms_quoc_hieu_below_the_heading_is_not_the_header():
    p = plan_of("""\
KẾ HOẠCH
Thực hiện công tác dân vận năm 2024 trên địa bàn tỉnh Kon Tum

Phụ lục: mẫu báo cáo

TÊN CƠ QUAN, ĐƠN VỊ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 01/BC-UBND

Kon Tum, ngày 01 tháng 01 năm 2024
""")
    assert (p["symbol"], p["date"]) == (None, None)


def test_a_horizon_year_in_the_title_is_not_the_year_of_the_plan():
    p = plan_of(PROVINCE_PLAN.replace("TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN TỈNH LAI CHÂU",
                                      "PHÁT TRIỂN VIỄN THÔNG GIAI ĐOẠN 2026 - 2030, TẦM NHÌN ĐẾN NĂM 2045"))
    assert p["year"] == 2025
    p = plan_of(PROVINCE_PLAN.replace("TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN TỈNH LAI CHÂU",
                                      "QUAN TRẮC MÔI TRƯỜNG NĂM 2026"))
    assert p["year"] == 2026


# ------------------------------------------------------------------ portal captures

PORTAL_MD = """\
Đang tải văn bản...
#
**Số hiệu:**
|
56/2025/QĐ-UBND
|
|
**Loại văn bản:**
|
Quyết định
|
**Nơi ban hành:**
|
Tỉnh Cao Bằng
|
|
**Người ký:**
|
Lê Hải Hòa
|
**Ngày ban hành:**
|
28/11/2025
|
|
**Tình trạng:**
|
Đã biết
|
"""

PORTAL_HEADER = """\
|
**ỦY BAN NHÂN DÂN **
TỈNH CAO BẰNG
--------
|
**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
56/2025/QĐ-UBND
|
*Cao Bằng, ngày 28 tháng 11 năm 2025*
|

**QUYẾT ĐỊNH**

SỬA ĐỔI QUY ĐỊNH BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ 52/2024/QĐ-UBND

*Căn cứ Nghị định số 88/2024/NĐ-CP;*
"""


@pytest.mark.parametrize("normalised", [False, True])
def test_portal_box_is_parsed_from_raw_and_normalised_captures(normalised):
    text = normalise(PORTAL_MD).text if normalised else PORTAL_MD
    box = portal_box(text)
    assert box is not None
    assert box.fields == {"symbol": "56/2025/QĐ-UBND", "doc_type": "Quyết định", "issuer": "Tỉnh Cao Bằng",
                          "signer": "Lê Hải Hòa", "date": "28/11/2025"}   # "Đã biết" is no value
    assert text[box.start:box.end].count("Số hiệu") == 1


def test_a_sentence_about_a_serial_number_is_no_portal_box():
    assert portal_box("Mỗi thiết bị phải ghi rõ:\n- Số hiệu\n- Loại môi trường\nSố hiệu tài khoản: 123") is None


def test_portal_capture_header_is_read_after_the_box_and_agrees_with_it():
    p, spans = extract_plan(normalise(PORTAL_MD + PORTAL_HEADER))
    assert (p["symbol"], p["date"], p["doc_type"], p["signer"]) == \
        ("56/2025/QĐ-UBND", "2025-11-28", "Quyết định", "Lê Hải Hòa")
    assert (p["issuer"], p["level"], p["province"]) == ("UBND tỉnh Cao Bằng", "province", "Cao Bằng")
    assert len(spans) == 3  # the box, "Số: …" and the place-date line are header, not citations


def test_header_wins_over_the_box_and_the_box_fills_a_capture_without_header():
    disagree = PORTAL_MD.replace("56/2025/QĐ-UBND", "57/2025/QĐ-UBND") + PORTAL_HEADER
    assert plan_of(disagree)["symbol"] == "56/2025/QĐ-UBND"
    bare = plan_of(PORTAL_MD + "\nGiới thiệu: Quyết định sửa đổi Quyết định số 52/2024/QĐ-UBND.\n")
    assert (bare["symbol"], bare["date"], bare["doc_type"]) == ("56/2025/QĐ-UBND", "2025-11-28", "Quyết định")
    assert bare["province"] == "Cao Bằng"


# ------------------------------------------------------------------ real documents

FIELDS = ("symbol", "date", "level", "province", "year")


def _accuracy(texts: Path, gold: Path, pattern: str) -> dict[str, tuple[int, int, list[str]]]:
    out = {f: [0, 0, []] for f in FIELDS}
    for gf in sorted(gold.glob("*.json")):
        g = json.loads(gf.read_text(encoding="utf-8"))["plan"]
        p = plan_of((texts / pattern.format(gf.stem)).read_text(encoding="utf-8"))
        for f in FIELDS:
            if f == "date" and g[f] is None:
                continue  # the gold leaves out what the text does not give; province None is asserted
            out[f][1] += 1
            if p[f] == g[f]:
                out[f][0] += 1
            else:
                out[f][2].append(f"{gf.stem}: {p[f]!r} != {g[f]!r}")
    return out


@pytest.mark.parametrize("name,texts,gold,pattern,bar", [
    ("dev", FIXTURES / "dev_texts", FIXTURES / "gold_dev", "{}.md", 0.95),
    ("seeds", ROOT / "data" / "samples", FIXTURES / "gold", "{}.txt", 0.98),
])
def test_header_fields_on_real_documents(name, texts, gold, pattern, bar):
    acc = _accuracy(texts, gold, pattern)
    low = {f: (ok / n, misses) for f, (ok, n, misses) in acc.items() if n and ok / n < bar}
    assert not low, f"{name}: header fields below {bar}: {low}"


@pytest.mark.parametrize("box", [
    # luatvietnam: "label: value" cells joined by pipes
    "Cơ quan ban hành: Bộ Tài chính | Số công báo: Đang cập nhật\n"
    "Số hiệu: 15/2025/TT-BTC | Ngày đăng công báo: Đang cập nhật\n"
    "Loại văn bản: Thông tư | Người ký: Nguyễn Văn Thắng\n"
    "Ngày ban hành: 19/11/2025 | Ngày hết hiệu lực: Đang cập nhật\n",
    # vbpl: a two-column table without colons
    "| Số ký hiệu | 15/2025/TT-BTC | Ngày ban hành | 19/11/2025 |\n"
    "| Loại văn bản | Thông tư | Ngày có hiệu lực | 01/12/2025 |\n"
    "| Cơ quan ban hành | Bộ Tài chính |\n| Người ký | Nguyễn Văn Thắng |\n",
])
def test_other_portals_boxes_fill_a_capture_without_header(box):
    for text in (box, normalise(box).text):
        fields = portal_box(text).fields
        assert (fields["symbol"], fields["date"], fields["doc_type"], fields["issuer"]) == \
            ("15/2025/TT-BTC", "19/11/2025", "Thông tư", "Bộ Tài chính")
    p = plan_of(box + "\nNội dung văn bản đang được cập nhật.\n")
    assert (p["symbol"], p["date"], p["doc_type"], p["signer"]) == \
        ("15/2025/TT-BTC", "2025-11-19", "Thông tư", "Nguyễn Văn Thắng")
    assert (p["issuer"], p["level"], p["province"]) == ("Bộ Tài chính", "national", None)
