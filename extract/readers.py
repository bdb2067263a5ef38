"""File formats → one Unicode string. Adding a format (docx, pdf) means adding one function to READERS."""
from __future__ import annotations

from pathlib import Path

from vbgraph.extract.errors import InputError


def _read_plain_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks binary (contains NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                  "re-save it as UTF-8") from None


READERS = {".txt": _read_plain_text, ".md": _read_plain_text}


def read_document(path) -> str:
    """Return the decoded text of one input file, or raise InputError naming the file and the problem."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(path, f"unsupported format '{path.suffix or '(none)'}' "
                               f"(supported: {', '.join(sorted(READERS))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(path, "is empty")
    text = reader(path, data)
    if not text.strip():
        raise InputError(path, "has no text")
    return text
