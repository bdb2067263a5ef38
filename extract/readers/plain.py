"""Plain text and markdown (.txt, .md) in any encoding extract/readers/charsets.py knows."""
from __future__ import annotations

from vbgraph.extract.readers import Document
from vbgraph.extract.readers.charsets import decode_text


def read(path, data: bytes) -> Document:
    text, encoding, warnings = decode_text(path, data)
    return Document(text=text, format="text", encoding=encoding, warnings=warnings)
