"""File formats → one Unicode string, one small module per format.

A file's format is told by its content (magic bytes) first and by its name second, so a .doc that is
really a .docx, or a PDF saved as .txt, is still read; a mismatch is said in a warning.  Adding a format
means adding a module with a ``read(path, data) -> Document`` and one row to FORMATS (and, if its files
have a signature, one line to `sniff`).

`read_input(path)` gives the whole `Document` (text, format, encoding, OCR confidence, warnings, and the
metadata box of a saved web page); `read_document(path)` only its text.
"""
from __future__ import annotations

import importlib

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from vbgraph.extract.errors import InputError, SkippedFile


@dataclass
class Document:
    text: str
    format: str                              # text, docx, doc, pdf, image, html
    encoding: str | None = None              # for text files and web pages
    pages: int | None = None                 # for PDFs and images
    ocr: bool = False                        # some or all of the text came from OCR
    ocr_confidence: float | None = None      # tesseract's mean word confidence, 0–100
    warnings: list[str] = field(default_factory=list)
    # a saved web page's metadata box (symbol, doc_type, issuer, date, signer as the portal shows them):
    # a second source for the header, never merged into the text
    metadata: dict[str, str] = field(default_factory=dict)

    def input_info(self) -> dict:
        """The record's "input" object: how the text was obtained (the gold schema ignores it)."""
        info = {"format": self.format, "encoding": self.encoding, "pages": self.pages, "ocr": self.ocr,
                "ocr_confidence": self.ocr_confidence, "warnings": self.warnings}
        if self.metadata:
            info["metadata"] = self.metadata
        return info


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, bytes], Document]


def _lazy(module: str, function: str) -> Callable[[Path, bytes], Document]:
    """A reader imported only when a file of its format comes (pdfplumber, python-docx and lxml are slow to
    import, and most runs read plain text only)."""
    def read(path, data):
        return getattr(importlib.import_module(f"vbgraph.extract.readers.{module}"), function)(path, data)
    return read


FORMATS = {f.name: f for f in (
    Format("text", (".txt", ".md", ".text"), _lazy("plain", "read")),
    Format("docx", (".docx",), _lazy("word", "read_docx")),
    Format("doc", (".doc",), _lazy("word", "read_doc")),
    Format("pdf", (".pdf",), _lazy("pdf", "read")),
    Format("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff"), _lazy("ocr", "read_image")),
    Format("html", (".html", ".htm", ".xhtml"), _lazy("web", "read")),
)}
READERS = {suffix: f.read for f in FORMATS.values() for suffix in f.suffixes}
_BY_SUFFIX = {suffix: f for f in FORMATS.values() for suffix in f.suffixes}

# signatures of files that are not documents vbgraph reads: named in the "skipped" message
_OTHER_SIGNATURES = [(b"{\\rtf", "RTF (save it as .docx)"), (b"GIF8", "GIF image"), (b"\x7fELF", "program"),
                     (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf", "7-Zip archive"),
                     (b"Rar!", "RAR archive"), (b"RIFF", "RIFF media"), (b"ID3", "MP3 audio"),
                     (b"SQLite format 3", "SQLite database")]


def sniff(data: bytes) -> str:
    """The format told by the bytes: a FORMATS name, another kind's name (to be skipped), or ""."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/document.xml" in data:
            return "docx"
        for marker, kind in ((b"xl/", "Excel workbook (.xlsx)"), (b"ppt/", "PowerPoint presentation (.pptx)"),
                             (b"opendocument", "OpenDocument file (save it as .docx)")):
            if marker in data:
                return kind
        return "ZIP archive"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # an OLE container holds a Word document only if it has a WordDocument stream; a password-protected
        # .docx/.xlsx is an OLE container too, with an EncryptedPackage stream
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted"
        return "doc" if "WordDocument".encode("utf-16-le") in data else "Office 97 file other than Word"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    lead = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lead.startswith((b"<!doctype html", b"<html")) or (lead.startswith(b"<?xml") and b"<html" in lead):
        return "html"
    for signature, kind in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return kind
    return ""


def human_size(n: float) -> str:
    if n < 1024:
        return f"{n} bytes"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024:
            break
    return f"{n:.1f} {unit}"


def choose_format(path: Path, data: bytes) -> tuple[Format, list[str]]:
    """The reader for these bytes, and a warning when the name says another format."""
    kind = sniff(data)
    named = _BY_SUFFIX.get(path.suffix.lower())
    if kind in FORMATS:
        chosen = FORMATS[kind]
        if named and named is not chosen and not (named.name == "text" and kind == "html"):
            return chosen, [f"{path}: named {path.suffix} but its content is {kind.upper()}; read as {kind.upper()}"]
        return chosen, []
    if kind == "encrypted":
        raise InputError(path, "is a password-protected Office file; remove the password and save it again")
    if kind:
        raise SkippedFile(path, f"{kind}, {human_size(len(data))} — not a document format vbgraph reads")
    if named is None:
        if path.suffix:
            raise SkippedFile(path, f"unsupported format '{path.suffix}', {human_size(len(data))} "
                                    f"(supported: {', '.join(sorted(READERS))})")
        return FORMATS["text"], []
    if named.name not in ("text", "html"):
        raise InputError(path, f"is not a {named.name.upper()} file (its content has no {named.name.upper()} "
                               "signature); it may be damaged or misnamed")
    return named, []


def _not_a_document(path: Path) -> str | None:
    """Why a file found beside the documents is none of them, told by its name and place alone."""
    if path.name.startswith("~$"):
        return "an Office lock file (the document is open in Word)"
    if path.name.startswith("."):
        return "a hidden file"
    for folder in path.parents:
        if folder.name.endswith("_files"):
            page = folder.name[:-len("_files")]
            if any((folder.parent / f"{page}{s}").exists() for s in FORMATS["html"].suffixes):
                return f"part of the saved web page {page}.html (its images, styles and scripts)"
    return None


# extraction holds about 100 bytes per input byte of text (a 50 MB text took 5 GB); the largest file of
# the 14k-document corpus is 0.8 MB
DEFAULT_MAX_INPUT_MB = 5
# a PDF, Word file or scan holds far less text than its size: such a file may be this many times the
# limit, and the text read from it must then fit the limit
_PACKED = 20


def max_input_bytes() -> int:
    """The largest input text read, in bytes (VBGRAPH_MAX_INPUT_MB, default 5)."""
    value = os.environ.get("VBGRAPH_MAX_INPUT_MB", "")
    try:
        return int(float(value) * 1024 * 1024) if value.strip() else DEFAULT_MAX_INPUT_MB * 1024 * 1024
    except ValueError:
        raise InputError("VBGRAPH_MAX_INPUT_MB", f"must be a number of megabytes, not {value!r}") from None


def _too_large(path, size: int, limit: int, what: str = "") -> InputError:
    return InputError(path, f"{what}is {size / 2**20:.3g} MB, larger than the limit of {limit / 2**20:.3g} MB "
                            "(raise it with --max-input-mb or VBGRAPH_MAX_INPUT_MB)")


def check_readable(path: Path) -> int:
    """Refuse, before opening it, what cannot be read as a document: a FIFO or device (opening one
    waits forever), a link to nothing, a file far larger than the limit.  Returns the file's size."""
    try:
        st = path.stat()
    except FileNotFoundError:
        problem = "is a link to a missing file" if path.is_symlink() else "does not exist"
        raise InputError(path, problem) from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a folder, not a document")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "is not a regular file (a FIFO, socket or device); not read")
    if st.st_size > _PACKED * max_input_bytes():
        raise _too_large(path, st.st_size, _PACKED * max_input_bytes())
    return st.st_size


def read_input(path) -> Document:
    """The document in one file, or InputError naming the file and the problem."""
    path = Path(path)
    reason = _not_a_document(path)
    if reason:
        size = path.stat().st_size if path.exists() else 0
        raise SkippedFile(path, f"{reason}, {human_size(size)}")
    size = check_readable(path)
    limit = max_input_bytes()
    if size > limit and _read_as_text(path):
        raise _too_large(path, size, limit)   # refused before it is read: memory stays flat
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data or data.isspace():   # not data.strip(): no copy of a large file
        raise InputError(path, "is empty")
    fmt, warnings = choose_format(path, data)
    if fmt.name in ("text", "html") and len(data) > limit:
        raise _too_large(path, len(data), limit)
    doc = fmt.read(path, data)
    doc.warnings[:0] = warnings
    if not doc.text.strip():
        raise InputError(path, f"has no text ({fmt.name.upper()} file)")
    if len(doc.text.encode("utf-8")) > limit:
        raise _too_large(path, len(doc.text.encode("utf-8")), limit, "the text read from it ")
    return doc


def _read_as_text(path: Path) -> bool:
    """Whether choose_format will read the file as text or a web page, told by its name and first KB."""
    named = _BY_SUFFIX.get(path.suffix.lower())
    if named is None and path.suffix or named is not None and named.name not in ("text", "html"):
        return False
    with path.open("rb") as fh:
        return sniff(fh.read(1024)) in ("", "html")


def read_document(path) -> str:
    """Return the decoded text of one input file, or raise InputError naming the file and the problem."""
    return read_input(path).text


def expand_paths(paths) -> list[Path]:
    """Every file named or found in a folder: each is then read or reported as skipped, none dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # not is_file(): a dangling link or a FIFO is reported (check_readable), not dropped
            out.extend(sorted(q for q in p.rglob("*") if not q.is_dir()))
        else:
            out.append(p)
    return out
