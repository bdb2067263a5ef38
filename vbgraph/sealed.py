"""Small files of Python values that are written whole and read back only when intact: the record
cache's entries and the stores' snapshots.  A file starts with a digest of its payload (marshal), is
written to a temporary file and renamed into place, so a reader sees either the old file or the new
one, and a damaged or foreign file reads as None."""
from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path

_DIGEST = 16


def write_sealed(path: Path, value) -> None:
    payload = marshal.dumps(value)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_sealed(path: Path):
    """The value, or None when the file is missing, damaged or not one of these."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        return None
    payload = blob[_DIGEST:]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != blob[:_DIGEST]:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
