"""PDF with pdfplumber (pdfminer.six underneath): words with their boxes → lines in reading order →
paragraphs (extract/readers/layout.py).  A page without a text layer (a scan) is read by OCR
(extract/readers/ocr.py); the document then says it came from OCR, with tesseract's confidence."""
from __future__ import annotations

from io import BytesIO

from vbgraph.extract.errors import InputError
from vbgraph.extract.readers import Document
from vbgraph.extract.readers.layout import Page, lines_from_words, page_text

# a page with fewer letters than this in its text layer is taken for a scan
_MIN_LETTERS = 20


def _open(path, data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(BytesIO(data))
        pdf.pages  # parses the page tree: a damaged file fails here, not halfway through
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
    except Exception as exc:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError …) on bad files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
        raise InputError(path, f"is not a readable PDF (damaged or truncated: {name}: {exc})") from None


def _text_layer(page) -> Page:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
    size = min((w["bottom"] - w["top"] for w in words), default=10)
    return Page(lines_from_words(words, x_gap=max(3 * size, 20)), float(page.width), float(page.height))


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
            doc.warnings.append(f"{path}: pages {', '.join(str(i + 1) for i in scanned)} have no text layer "
                                f"and were read by OCR")
    doc.text = page_text(pages)
    return doc
