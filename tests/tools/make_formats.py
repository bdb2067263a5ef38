#!/usr/bin/env python3
"""Write one seed text in the formats real users hold: docx, text-layer pdf, scanned pdf, legacy encodings.

usage: make_formats.py SEED.txt OUTDIR [FORMAT ...]   (needs python-docx, reportlab, pillow)
Every output keeps the seed's stem, in OUTDIR/<format>/, so the seed gold scores it.

A copy of the project's shared tool (../shared/tools/make_formats.py), kept here so the tests run on a
fresh clone; the only change is that the formats to write can be chosen (the scan is the slow one to read).
"""
import subprocess, sys, textwrap
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FORMATS = ("docx", "pdf", "scan", "cp1258", "utf16", "tcvn3")

TONES = "\u0300\u0301\u0303\u0309\u0323"

def to_cp1258(text):
    """Windows-1258 as Vietnamese Word wrote it: precomposed base vowels, combining tone marks."""
    import unicodedata
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
            tone = "".join(c for c in nfd if c in TONES)
            out += (base + tone).encode("cp1258", "replace")
    return bytes(out)

def make_formats(src, out, formats=FORMATS):
    src, out = Path(src), Path(out)
    text = src.read_text(encoding="utf-8")
    lines = text.splitlines()
    stem = src.stem
    d = lambda name: (out / name).mkdir(parents=True, exist_ok=True) or out / name

    if "docx" in formats:
        import docx
        doc = docx.Document()
        for ln in lines:
            doc.add_paragraph(ln.lstrip("#* ").rstrip())
        doc.save(d("docx") / f"{stem}.docx")

    if "pdf" in formats:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas
        pdfmetrics.registerFont(TTFont("DejaVu", FONT))
        c = canvas.Canvas(str(d("pdf") / f"{stem}.pdf"), pagesize=A4)
        y = 800
        for ln in lines:
            for part in textwrap.wrap(ln.lstrip("#* "), 95) or [""]:
                if y < 50:
                    c.showPage(); y = 800
                c.setFont("DejaVu", 10); c.drawString(40, y, part); y -= 14
        c.save()

    if "scan" in formats:
        from PIL import Image, ImageDraw, ImageFont
        font = ImageFont.truetype(FONT, 34)            # ~11 pt at 300 dpi
        pages, page, y = [], None, 0
        for ln in lines:
            for part in textwrap.wrap(ln.lstrip("#* "), 80) or [""]:
                if page is None or y > 3300:
                    page = Image.new("L", (2480, 3508), 255); pages.append(page); y = 150
                ImageDraw.Draw(page).text((150, y), part, font=font, fill=0); y += 48
        pages[0].save(d("scan") / f"{stem}.pdf", save_all=True, append_images=pages[1:], resolution=300)

    if "cp1258" in formats:
        (d("cp1258") / f"{stem}.txt").write_bytes(to_cp1258(text))
    if "utf16" in formats:
        (d("utf16") / f"{stem}.txt").write_bytes(text.encode("utf-16"))
    if "tcvn3" in formats:
        tcvn = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1//TRANSLIT"], input=text.encode(),
                              capture_output=True).stdout
        (d("tcvn3") / f"{stem}.txt").write_bytes(tcvn)

def main():
    make_formats(sys.argv[1], sys.argv[2], tuple(sys.argv[3:]) or FORMATS)

if __name__ == "__main__":
    main()
