"""Word files. .docx with python-docx: paragraphs and tables in document order (a table row becomes one
line, cells separated by "|", which the normaliser reads as a space), page headers once each, and footnotes as "<sup>N</sup> text" lines after the
body, their markers left in place, so the normaliser treats them exactly like a markdown footnote.

.doc (Word 97–2003) with catdoc: a small Debian package that reads a file in milliseconds, writes
UTF-8 and keeps each table row on one line (cells separated by tabs), so a citation and its date in one
cell stay together.  antiword wraps table cells at a fixed width, splitting "33/CT-TTg ngày" from
"26/11/2021"; LibreOffice headless reads more exotic files but costs seconds per file, a 300 MB install
and a profile directory per concurrent run.  catdoc loses the footnote markers (the notes come at the
end) and page headers come last.
"""
from __future__ import annotations

import subprocess
import zipfile
from io import BytesIO

from vbgraph.extract.errors import InputError
from vbgraph.extract.readers import Document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ENDNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


class _Notes:
    """Footnote and endnote numbers in order of first reference, as Word displays them."""

    def __init__(self):
        self.numbers: dict[tuple[str, str], int] = {}

    def marker(self, kind: str, note_id: str) -> str:
        number = self.numbers.setdefault((kind, note_id), len(self.numbers) + 1)
        return f"<sup>{number}</sup>"


def _paragraph_text(p, notes: _Notes) -> str:
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
            out.append(notes.marker(tag[len(_W):], el.get(f"{_W}id")))
    return "".join(out)


def _block_lines(element, notes: _Notes) -> list[str]:
    """Lines of a body, header or table cell: paragraphs, and table rows as "| a | b |"."""
    lines = []
    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(child, notes))
        elif child.tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells = [" ".join(ln.strip() for ln in _block_lines(tc, notes) if ln.strip())
                         for tc in row.iterchildren(f"{_W}tc")]
                if any(cells):
                    lines.append("| " + " | ".join(cells) + " |")
        elif child.tag in (f"{_W}sdtContent", f"{_W}customXml"):   # content controls wrap paragraphs
            lines.extend(_block_lines(child, notes))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content, notes))
    return lines


def _notes_lines(document, rel_type: str, kind: str, notes: _Notes) -> list[str]:
    from lxml import etree

    part = next((r.target_part for r in document.part.rels.values() if r.reltype == rel_type), None)
    if part is None:
        return []
    root = etree.fromstring(part.blob)
    bodies = {n.get(f"{_W}id"): n for n in root.iterchildren(f"{_W}{kind}")}
    lines = []
    for (k, note_id), number in sorted(notes.numbers.items(), key=lambda kv: kv[1]):
        if k == f"{kind}Reference" and note_id in bodies:
            text = " ".join(ln.strip() for ln in _block_lines(bodies[note_id], _Notes()) if ln.strip())
            lines += ["", f"<sup>{number}</sup> {text}"]
    return lines


def read_docx(path, data: bytes) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(path, f"is not a readable DOCX file (damaged or incomplete: {exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and kin: a part that is not well-formed XML
        raise InputError(path, f"is not a readable DOCX file ({type(exc).__name__}: {exc})") from None
    notes = _Notes()
    # a first-page header may hold the quốc hiệu block: it goes first; running headers go last, so
    # that a repeated line never stands before the document's own header
    first, running = [], []
    for section in document.sections:
        for header, into in ((section.first_page_header, first), (section.header, running)):
            if header.is_linked_to_previous or (into is first and not section.different_first_page_header_footer):
                continue
            into.extend(ln for ln in _block_lines(header._element, notes) if ln.strip() and ln not in into)
    lines = first + [""] + _block_lines(document.element.body, notes) + [""] + running
    lines += _notes_lines(document, _FOOTNOTES_REL, "footnote", notes)
    lines += _notes_lines(document, _ENDNOTES_REL, "endnote", notes)
    return Document(text="\n".join(lines), format="docx")


def read_doc(path, data: bytes) -> Document:
    try:
        proc = subprocess.run(["catdoc", "-d", "utf-8", "-w", str(path)], capture_output=True, timeout=120)
    except FileNotFoundError:
        raise InputError(path, "is a Word 97–2003 .doc file and catdoc is not installed "
                               "(apt-get install catdoc), or save it as .docx") from None
    except subprocess.TimeoutExpired:
        raise InputError(path, "catdoc took more than 120 s on this .doc file") from None
    problem = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or (problem and not proc.stdout.strip()):
        raise InputError(path, f"is not a readable Word 97–2003 file (catdoc: "
                               f"{problem.splitlines()[-1] if problem else 'exit ' + str(proc.returncode)})")
    # catdoc writes one paragraph a line and a table row as its cells separated by tabs
    lines = ["| " + " | ".join(c.strip() for c in ln.split("\t")) + " |" if "\t" in ln.strip("\t") else ln.strip()
             for ln in proc.stdout.decode("utf-8", "replace").splitlines()]
    return Document(text="\n\n".join(ln for ln in lines if ln), format="doc")
