"""File formats → one Unicode string. Adding a format (docx, pdf) means adding one function to READERS."""
from __future__ import annotations

import os
import stat
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
    check_readable(path)
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


# extraction holds about 100 bytes per input byte (a 50 MB text took 5 GB); the largest file of the
# 14k-document corpus is 0.8 MB
DEFAULT_MAX_INPUT_MB = 5


def max_input_bytes() -> int:
    """The largest input read, in bytes (VBGRAPH_MAX_INPUT_MB, default 5)."""
    value = os.environ.get("VBGRAPH_MAX_INPUT_MB", "")
    try:
        return int(float(value) * 1024 * 1024) if value.strip() else DEFAULT_MAX_INPUT_MB * 1024 * 1024
    except ValueError:
        raise InputError("VBGRAPH_MAX_INPUT_MB", f"must be a number of megabytes, not {value!r}") from None


def check_readable(path: Path) -> None:
    """Refuse, before opening it, what cannot be read as a document: a FIFO or device (opening one
    waits forever), a link to nothing, a file larger than the limit."""
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
    limit = max_input_bytes()
    if st.st_size > limit:
        raise InputError(path, f"is {st.st_size / 2**20:.3g} MB, larger than the limit of {limit / 2**20:.3g} MB "
                               "(raise it with --max-input-mb or VBGRAPH_MAX_INPUT_MB)")
