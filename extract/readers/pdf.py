"""PDF with pdfplumber (pdfminer.six underneath): words with their boxes → lines in reading order →
paragraphs (extract/readers/layout.py).  A page without a text layer (a scan) is read by OCR
(extract/readers/ocr.py); the document then says it came from OCR, with tesseract's confidence."""
from __future__ import annotations

from io import BytesIO

from vbgraph.extract.errors import InputError
from vbgraph.extract.readers import Document
from vbgraph.extract.readers.layout import Line, Page, join_lines, lines_from_words, page_text

# a page with fewer letters than this in its text layer is taken for a scan
_MIN_LETTERS = 20


def _open(path, data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(BytesIO(data))
        pdf.pages  # parses the page tree: a damaged file fails here, not halfway through
        return pdf
    except Exception as exc:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError …) on bad files
        # pdfplumber wraps pdfminer's own error: the cause says what is wrong
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
        raise InputError(path, f"is not a readable PDF (damaged or truncated: {type(cause).__name__}"
                               f"{': ' + str(cause) if str(cause) else ''})") from None


def _inside(word: dict, box) -> bool:
    x0, top, x1, bottom = box
    return x0 - 1 <= word["x0"] and word["x1"] <= x1 + 1 and top - 1 <= word["top"] and word["bottom"] <= bottom + 1


def _cell(text: str | None) -> str:
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    out = lines[0] if lines else ""
    for ln in lines[1:]:
        out = join_lines(out, ln)
    return out


def _text_layer(page) -> Page:
    """Lines of a page in reading order; a ruled table's rows as "| a | b |" lines of their own (cells
    read whole, so a symbol wrapped inside a cell joins up)."""
    rows, boxes = [], []
    for table in page.find_tables():
        boxes.append(table.bbox)
        for row, cells in zip(table.rows, table.extract()):
            texts = [_cell(c) for c in cells if c is not None]
            if any(texts):
                x0, top, x1, bottom = row.bbox
                rows.append(Line("| " + " | ".join(texts) + " |", x0, x1, top, bottom, alone=True))
    words = [w for w in page.extract_words(x_tolerance=1.5, y_tolerance=3, extra_attrs=["size"])
             if not any(_inside(w, box) for box in boxes)]
    size = min((w["bottom"] - w["top"] for w in words), default=10)
    lines = lines_from_words(words, x_gap=max(3 * size, 20))
    for row in rows:   # each table row before the first line below it; the lines keep their reading order
        at = next((k for k, ln in enumerate(lines) if ln.top > row.top and not ln.alone), len(lines))
        lines.insert(at, row)
    return Page(lines, float(page.width), float(page.height))


def read(path, data: bytes) -> Document:
    from vbgraph.extract.readers import ocr

    pdf = _open(path, data)
    try:
        try:
            pages = [_text_layer(p) for p in pdf.pages]
        except Exception as exc:
            raise InputError(path, f"is not a readable PDF (a page failed: {type(exc).__name__}: {exc})") from None
    finally:
        pdf.close()
    scanned = [i for i, page in enumerate(pages)
               if sum(ch.isalpha() for ln in page.lines for ch in ln.text) < _MIN_LETTERS]
    doc = Document(text="", format="pdf", pages=len(pages))
    if scanned:
        result = ocr.ocr_pdf_pages(path, scanned)
        for i, page in zip(scanned, result.pages):
            pages[i] = page
        doc.ocr, doc.ocr_confidence = True, result.confidence
        if len(scanned) < len(pages):
            numbers = ", ".join(str(i + 1) for i in scanned)
            said = "page {} has no text layer and was" if len(scanned) == 1 else "pages {} have no text layer and were"
            doc.warnings.append(f"{path}: {said.format(numbers)} read by OCR")
    doc.text = page_text(pages)
    return doc
