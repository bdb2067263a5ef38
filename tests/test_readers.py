"""Real documents in: every seed plan written as .docx, text-layer PDF, scanned PDF (300 dpi), Windows-1258,
UTF-16 and TCVN3 (tests/tools/make_formats.py, the project's own tool), and as .docx/.pdf/.doc made by
LibreOffice, all extracted in one batch and scored against the seed gold; bad files get one message
each and the rest builds.

OCR is the slow part (about 4–8 s a page on this 2-core machine): the scanned format covers two seeds
(001, 002: 10 pages) unless VBGRAPH_TEST_OCR_SEEDS=all asks for all five.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from vbgraph.extract.errors import InputError, SkippedFile
from vbgraph.extract.evaluate import score_many
from vbgraph.extract.pipeline import extract_file, extract_paths
from vbgraph.extract.readers import read_input
from vbgraph.extract.readers.charsets import decode_text, vni_to_unicode
from vbgraph.extract.tables import read_table

sys.path.insert(0, str(Path(__file__).parent / "tools"))
from make_formats import make_formats  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
GOLD = ROOT / "tests" / "fixtures" / "gold"
FIXTURES = ROOT / "tests" / "fixtures" / "readers"
OCR_SEEDS = SAMPLES if os.environ.get("VBGRAPH_TEST_OCR_SEEDS") == "all" else SAMPLES[1:3]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def _soffice(sources: list[Path], target: str, out: Path, profile: Path) -> list[Path]:
    """LibreOffice headless, with a profile of its own so parallel runs never share a lock."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is needed to make documents with other software (bash .ci/run installs it)"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(out), *map(str, sources)], check=True, capture_output=True, timeout=300)
    made = [out / f"{s.stem}.{target}" for s in sources]
    assert all(p.exists() for p in made), made
    return made


def _seed_text(stem_index: int = 0) -> str:
    return SAMPLES[stem_index].read_text(encoding="utf-8")


# ------------------------------------------------------------------ encodings

def test_vni_table_covers_every_vietnamese_letter_once():
    rows = read_table("vni_windows.csv")
    letters = {r["unicode"] for r in rows}
    expected = {unicodedata.normalize("NFC", c) for c in
                "àáảãạâầấẩẫậăằắẳẵặèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"}
    expected |= {c.upper() for c in expected}
    assert letters == expected and len(rows) == 134
    assert len({r["vni"] for r in rows}) == 134
    encode = {r["unicode"]: r["vni"] for r in rows}
    text = _seed_text(1)
    assert vni_to_unicode("".join(encode.get(c, c) for c in text)) == text


@pytest.mark.parametrize("name, encode, encoding", [
    ("utf-16 le, no BOM", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 be, no BOM", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("utf-16 with BOM", lambda t: t.encode("utf-16"), "utf-16"),
    ("utf-32 le, no BOM", lambda t: t.encode("utf-32-le"), "utf-32-le"),
    ("utf-32 with BOM", lambda t: t.encode("utf-32"), "utf-32"),
    ("windows-1258, combining tones", None, "windows-1258"),
    ("windows-1258, precomposed", lambda t: t.encode("cp1258", errors="ignore"), "windows-1258"),
    ("tcvn3", None, "tcvn3"),
    ("vni-windows", lambda t: "".join({r["unicode"]: r["vni"] for r in read_table("vni_windows.csv")}.get(c, c)
                                      for c in t).encode("cp1252", errors="replace"), "vni-windows"),
])
def test_encodings_are_told_apart(name, encode, encoding, tmp_path):
    from make_formats import to_cp1258

    text = _seed_text(1)
    if encoding == "windows-1258" and encode is None:
        data = to_cp1258(text)
    elif encoding == "tcvn3":
        data = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1//TRANSLIT"], input=text.encode(),
                              capture_output=True, check=True).stdout
    else:
        data = encode(text)
    decoded, found, warnings = decode_text("f.txt", data)
    assert found == encoding and not warnings
    expected = text if encoding != "tcvn3" else text.replace("“", '"').replace("”", '"')
    if "precomposed" in name:   # cp1258 has no precomposed toned letters: those characters were dropped
        assert decoded[:40] == data[:40].decode("cp1258")
    else:
        assert decoded == unicodedata.normalize("NFC", expected)


def test_mojibake_is_repaired_with_a_warning_naming_the_file(tmp_path):
    text = _seed_text(2)
    f = tmp_path / "moji.txt"
    f.write_bytes(text.encode("utf-8").decode("latin-1").encode("utf-8"))
    doc = read_input(f)
    assert doc.text == text
    assert len(doc.warnings) == 1 and str(f) in doc.warnings[0] and "mojibake" in doc.warnings[0]


# ------------------------------------------------------------------ formats made by LibreOffice

@pytest.fixture(scope="module")
def libreoffice_notes(tmp_path_factory):
    """A plan with a header table, a page header, a footnote and a ruled table, written as flat ODF and
    turned into .docx, .pdf and .doc by LibreOffice."""
    out = tmp_path_factory.mktemp("notes")
    profile = out / "profile"
    docx = _soffice([FIXTURES / "notes.fodt"], "docx", out, profile)[0]
    pdf = _soffice([docx], "pdf", out, profile)[0]
    doc = _soffice([docx], "doc", out, profile)[0]
    return {"docx": docx, "pdf": pdf, "doc": doc}


def test_word_and_pdf_keep_footnotes_tables_and_header(libreoffice_notes):
    docx = read_input(libreoffice_notes["docx"]).text
    assert "năm 2024<sup>1</sup>, Ủy ban" in docx                      # the marker stays in place
    assert "\n<sup>1</sup> Kế hoạch được xây dựng theo Nghị định số 59/2023/NĐ-CP" in docx
    assert "| Triển khai Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ | Phòng Nội vụ | Quý II/2024 |" in docx
    assert docx.rstrip().endswith("Hệ thống quản lý văn bản và điều hành") is False   # running header before the notes
    assert docx.count("Văn bản điện tử — Hệ thống quản lý văn bản và điều hành") == 1
    pdf = read_input(libreoffice_notes["pdf"]).text
    assert "| Triển khai Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ | Phòng Nội vụ | Quý II/2024 |" in pdf
    assert "<sup>1</sup> Kế hoạch được xây dựng" in pdf
    # the two-column header block is read column by column, like the table cells of the .docx
    assert pdf.index("Số: 75/KH-UBND") < pdf.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    for kind, path in libreoffice_notes.items():
        record = extract_file(path)
        assert record["input"]["format"] == kind
        assert (record["plan"]["symbol"], record["plan"]["date"]) == ("75/KH-UBND", "2024-03-12"), kind
        assert {(c["symbol"], c["date"]) for c in record["citations"]} == {
            ("859/KH-UBND", "2024-03-25"), ("33/CT-TTg", "2021-11-26"), ("59/2023/NĐ-CP", "2023-08-14")}, kind


def test_pdf_running_heads_page_numbers_and_hyphenation(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    f = tmp_path / "heads.pdf"
    c = canvas.Canvas(str(f), pagesize=A4)
    for page in range(1, 4):
        c.setFont("DejaVu", 9)
        c.drawString(60, 812, "UBND TỈNH TÂY NINH — Kế hoạch công tác dân vận chính quyền năm 2024")
        c.drawCentredString(297, 30, f"Trang {page}/3")
        c.setFont("DejaVu", 11)
        y = 760
        for verb in ("Tiếp tục", "Đẩy mạnh", "Triển khai", "Quán triệt", "Tổ chức", "Bảo đảm", "Nâng cao", "Phát huy")[page - 1:page + 5]:
            # a full line that ends inside a symbol, broken at its hyphen
            c.drawString(60, y, f"- {verb} thực hiện có hiệu quả Chương trình phối hợp số 04-CTr/BDVTU-")
            c.drawString(60, y - 15, "BCSDUBND ngày 21/10/2021 của Ban Dân vận.")
            y -= 45
        c.showPage()
    c.save()
    text = read_input(f).text
    assert "UBND TỈNH TÂY NINH —" not in text and "Trang" not in text
    assert text.count("04-CTr/BDVTU-BCSDUBND ngày 21/10/2021") == 18


def test_a_page_without_text_layer_is_read_by_ocr_and_said_so(tmp_path):
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    scan = Image.new("L", (2480, 700), 255)
    ImageDraw.Draw(scan).text((150, 200), "Căn cứ Chỉ thị số 33/CT-TTg ngày 26/11/2021 của Thủ tướng Chính phủ;",
                              font=ImageFont.truetype(FONT, 40), fill=0)
    f = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(f), pagesize=A4)
    c.setFont("DejaVu", 11)
    c.drawString(60, 780, "Thực hiện Kế hoạch số 859/KH-UBND ngày 25/3/2024 của UBND tỉnh Tây Ninh;")
    c.showPage()
    c.drawImage(ImageReader(scan), 0, 600, width=595, height=168)   # page 2: an image and no text
    c.showPage()
    c.save()
    doc = read_input(f)
    assert doc.ocr and doc.ocr_confidence > 80 and doc.pages == 2
    assert doc.warnings == [f"{f}: page 2 has no text layer and was read by OCR"]
    assert "859/KH-UBND" in doc.text and "33/CT-TTg ngày 26/11/2021" in doc.text


def test_content_decides_over_the_name(tmp_path):
    make_formats(SAMPLES[0], tmp_path, ("docx",))
    misnamed = tmp_path / "plan.doc"
    shutil.copy(tmp_path / "docx" / f"{SAMPLES[0].stem}.docx", misnamed)
    doc = read_input(misnamed)
    assert doc.format == "docx" and doc.warnings == [f"{misnamed}: named .doc but its content is DOCX; read as DOCX"]
    fake = tmp_path / "fake.pdf"
    fake.write_text("Kế hoạch số 1/KH-UBND", encoding="utf-8")
    with pytest.raises(InputError, match=r"fake\.pdf: is not a PDF file"):
        read_input(fake)
    # a password-protected .docx is an OLE container with an EncryptedPackage stream (directory entry only)
    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"locked\.docx: is a password-protected Office file"):
        read_input(locked)


def test_the_input_limit_counts_the_text_of_packed_formats(tmp_path, monkeypatch):
    make_formats(SAMPLES[0], tmp_path, ("docx",))
    docx = tmp_path / "docx" / f"{SAMPLES[0].stem}.docx"
    monkeypatch.setenv("VBGRAPH_MAX_INPUT_MB", str(40_000 / 2**20))        # 40 kB of text
    assert read_input(docx).format == "docx"                              # 28 kB of text in it
    monkeypatch.setenv("VBGRAPH_MAX_INPUT_MB", str(20_000 / 2**20))
    with pytest.raises(InputError, match=r"\.docx: the text read from it is 0\.0\d+ MB, larger than the limit"):
        read_input(docx)
    with pytest.raises(InputError, match=r"000_37ff60af79915060\.txt: is 0\.0\d+ MB, larger than the limit"):
        read_input(SAMPLES[0])


# ------------------------------------------------------------------ web pages

def _portal_page(text: str) -> str:
    import html
    paras = "\n".join(f"<p>{html.escape(ln.lstrip('#* '))}</p>" for ln in text.splitlines() if ln.strip())
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch</title>
<script>var related = "<p>Quyết định số 999/QĐ-TTg</p>";</script><style>p{{margin:0}}</style></head>
<body><div id="header"><a href="/">Trang chủ</a><div class="menu"><ul><li><a href="/vb">Văn bản</a></li>
<li><a href="/nd">Nghị định 100/2019/NĐ-CP mới nhất</a></li></ul></div></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/vb">Văn bản</a></div>
<div class="wrapper"><div class="left-col">
<table class="doc-props"><tr><td><b>Số hiệu:</b></td><td>859/KH-UBND</td><td><b>Loại văn bản:</b></td><td>Kế hoạch</td></tr>
<tr><td><b>Nơi ban hành:</b></td><td>Tỉnh Tây Ninh</td><td><b>Người ký:</b></td><td>Võ Đức Trọng</td></tr>
<tr><td><b>Ngày ban hành:</b></td><td>25/03/2024</td><td><b>Tình trạng:</b></td><td>Đã biết</td></tr></table>
<div class="content1"><div id="divContentDoc">{paras}</div></div></div>
<div class="sidebar"><h3>Văn bản liên quan</h3><ul><li><a href="/a">Chỉ thị 05/CT-TTg năm 2016</a></li></ul></div></div>
<div id="footer">Bản quyền © Thư viện. Địa chỉ: 17 Nguyễn Gia Thiều, Quyết định 1234/QĐ-BTTTT</div>
<div class="share-buttons"><a>Facebook</a></div></body></html>"""


def test_saved_portal_page_keeps_the_document_and_its_metadata_box(tmp_path):
    f = tmp_path / "000_37ff60af79915060.html"
    f.write_text(_portal_page(_seed_text(0)), encoding="utf-8")
    doc = read_input(f)
    assert doc.metadata == {"symbol": "859/KH-UBND", "doc_type": "Kế hoạch", "issuer": "Tỉnh Tây Ninh",
                            "signer": "Võ Đức Trọng", "date": "25/03/2024", "status": "Đã biết"}
    # the box once, at the top, as captured pages hold it (the header code reads it from there)
    assert doc.text.startswith("Số hiệu: 859/KH-UBND\nLoại văn bản: Kế hoạch\nNơi ban hành: Tỉnh Tây Ninh\n")
    assert doc.text.count("Số hiệu") == 1
    for chrome in ("Trang chủ", "999/QĐ-TTg", "100/2019/NĐ-CP", "05/CT-TTg", "1234/QĐ-BTTTT", "Facebook"):
        assert chrome not in doc.text
    record = extract_file(f)
    assert record["input"]["metadata"]["symbol"] == record["plan"]["symbol"] == "859/KH-UBND"
    result = score_many([(f.name, _gold(f.stem), record)])["metrics"]
    assert result["citations_numbered"]["f1"] == 1.0
    # a page whose text has no "Số:" line: the box gives the header its symbol and date
    g = tmp_path / "headerless.html"
    g.write_text(_portal_page(_seed_text(1)).replace("859/KH-UBND", "88/KH-UBND"), encoding="utf-8")
    plan = extract_file(g)["plan"]
    assert "Số:" not in _seed_text(1)[:400] and (plan["symbol"], plan["date"]) == ("88/KH-UBND", "2024-03-25")


# ------------------------------------------------------------------ images

def test_scanned_image_is_read_by_ocr_and_an_icon_is_skipped(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    lines = [ln.lstrip("#* ") for ln in _seed_text(0).splitlines() if ln.strip()][:6]
    page = Image.new("L", (2480, 1200), 255)
    font = ImageFont.truetype(FONT, 34)
    for i, ln in enumerate(lines):
        ImageDraw.Draw(page).text((150, 100 + 70 * i), ln[:90], font=font, fill=0)
    f = tmp_path / "page.png"
    page.save(f, dpi=(300, 300))
    record = extract_file(f)
    assert record["input"]["ocr"] is True and record["input"]["ocr_confidence"] > 80
    assert (record["plan"]["symbol"], record["plan"]["date"]) == ("859/KH-UBND", "2024-03-25")
    icon = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), "red").save(icon)
    with pytest.raises(SkippedFile, match=r"logo\.png: skipped: image 64×64 px"):
        read_input(icon)


# ------------------------------------------------------------------ the acceptance batch

def _bad_files(folder: Path) -> dict[str, str]:
    """name → the words its one message must hold."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    rnd = bytes((i * 7919 + 13) % 251 for i in range(5000))
    (folder / "blob.txt").write_bytes(b"\x00\x17" + rnd)
    (folder / "unknown.bin").write_bytes(rnd)
    c = canvas.Canvas(str(folder / "locked.pdf"), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "Ke hoach so 1/KH-UBND")
    c.save()
    good = folder / "good.docx"
    make_formats(SAMPLES[0], folder / "tmp", ("docx",))
    data = (folder / "tmp" / "docx" / f"{SAMPLES[0].stem}.docx").read_bytes()
    shutil.rmtree(folder / "tmp")
    (folder / "broken.docx").write_bytes(data[: len(data) // 2])
    return {"empty.txt": "is empty", "blob.txt": "looks binary", "unknown.bin": "skipped: unsupported format '.bin'",
            "locked.pdf": "encrypted PDF", "broken.docx": "not a readable DOCX file"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    for seed in SAMPLES:
        make_formats(seed, root, ("docx", "pdf", "cp1258", "utf16", "tcvn3") + (("scan",) if seed in OCR_SEEDS else ()))
    profile = root.parent / f"{root.name}-profile"
    (root / "lo-docx").mkdir()
    docx = _soffice([SAMPLES[0], SAMPLES[3]], "docx", root / "lo-docx", profile)
    _soffice(docx, "pdf", root / "lo-pdf", profile)
    _soffice(docx, "doc", root / "lo-doc", profile)
    moji = root / "mojibake" / SAMPLES[4].name
    moji.parent.mkdir()
    moji.write_bytes(SAMPLES[4].read_text(encoding="utf-8").encode("utf-8").decode("latin-1").encode("utf-8"))
    expected_errors = _bad_files(root / "bad")
    results = list(extract_paths([str(root)]))          # one batch: every format and the bad files together
    return root, results, expected_errors


def test_every_format_reaches_the_gold(batch):
    root, results, _ = batch
    by_format: dict[str, list] = {}
    for path, record, error in results:
        fmt = Path(path).parent.name
        if fmt == "bad":
            continue
        assert error is None, f"{path}: {error}"
        by_format.setdefault(fmt, []).append((f"{fmt}/{Path(path).name}", _gold(Path(path).stem), record))
    assert set(by_format) == {"docx", "pdf", "scan", "cp1258", "utf16", "tcvn3", "lo-docx", "lo-pdf", "lo-doc",
                              "mojibake"}
    report, problems = [], []
    for fmt, pairs in sorted(by_format.items()):
        m = score_many(pairs)["metrics"]
        f1 = m["citations_numbered"]["f1"]
        symbol, date = m["plan_symbol"]["accuracy"], m["plan_date"]["accuracy"]
        report.append(f"{fmt:<9} files={len(pairs)} citation F1={f1:.3f} symbol={symbol:.2f} date={date:.2f}")
        if f1 < (0.90 if fmt == "scan" else 0.98) or symbol < 1 or date < 1:
            problems.append(report[-1])
    print("\n".join(report))
    assert not problems, "\n".join(problems)
    scan = [r for p, r, _ in results if Path(p).parent.name == "scan"]
    assert all(r["input"]["ocr"] and r["input"]["ocr_confidence"] > 80 for r in scan)
    assert all(not r["input"]["ocr"] for p, r, _ in results if r and Path(p).parent.name != "scan")
    moji = [r for p, r, _ in results if Path(p).parent.name == "mojibake"][0]
    assert "mojibake" in moji["input"]["warnings"][0]


def test_bad_files_get_one_message_each(batch):
    root, results, expected = batch
    errors = {Path(p).name: e for p, r, e in results if Path(p).parent.name == "bad" and e}
    assert set(errors) == set(expected)
    for name, words in expected.items():
        assert words in errors[name], (name, errors[name])


def test_build_reports_bad_files_and_builds_the_rest(batch, tmp_path):
    root, _, expected = batch
    folder = tmp_path / "in"
    shutil.copytree(root / "bad", folder)
    shutil.copy(root / "pdf" / f"{SAMPLES[0].stem}.pdf", folder)
    assets = folder / "page_files"
    assets.mkdir()
    (folder / "page.html").write_text(_portal_page(_seed_text(1)), encoding="utf-8")
    (assets / "style.css").write_text("p{}")
    exe = Path(sys.executable).with_name("vbgraph")
    proc = subprocess.run([str(exe), "build", str(folder), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    messages = [ln for ln in proc.stderr.splitlines() if ln.startswith("vbgraph: ")]
    for name, words in expected.items():
        mine = [m for m in messages if f"/{name}: " in m]
        assert len(mine) == 1 and words in mine[0], (name, mine)
    assert any("page_files/style.css: skipped: part of the saved web page page.html" in m for m in messages)
    assert "2 documents (4 failed, 2 skipped)" in proc.stdout
    records = [json.loads(ln) for ln in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["plan"]["title"] for r in records} == {_gold(SAMPLES[0].stem)["plan"]["title"],
                                                     _gold(SAMPLES[1].stem)["plan"]["title"]}
    assert {r["input"]["format"] for r in records} == {"pdf", "html"}
