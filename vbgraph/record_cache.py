"""The record cache of `vbgraph build`: what extracting one file gave (record, provenance, text hash),
kept under ``<out>/.cache/records/`` so that an unchanged file is never extracted twice.

An entry's key is the hash of the file's bytes, its name (the record's ``source``) and the input size
limit; entries live in a folder named after the extractor version — a hash of the extraction code
(extract/, its readers), the data tables it reads (data/), the Python and spaCy versions — so that
editing any of them starts a new folder (the old ones are removed).  An entry is written to a temporary
file and renamed into place, so concurrent builds never see half an entry; it starts with a digest of
its payload, so a damaged entry reads as a miss and the file is extracted again.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

CACHE_FOLDER = Path(".cache") / "records"
_DIGEST = 16


@lru_cache(maxsize=None)
def extractor_version() -> str:
    """Changes whenever the code or the tables that turn a file into a record change."""
    from importlib.metadata import version

    from vbgraph import data, extract

    h = hashlib.blake2b(digest_size=12)
    h.update(f"{sys.version}|{version('spacy')}|{marshal.version}".encode())
    for package in (extract, data):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix not in (".pyc",) and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
                h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def entry_key(data: bytes, name: str, limit: int) -> str:
    h = hashlib.blake2b(data, digest_size=20)
    h.update(f"\0{name}\0{limit}".encode("utf-8"))
    return h.hexdigest()


class RecordCache:
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @classmethod
    def beside(cls, out_dir: Path, version: str | None = None) -> "RecordCache":
        """The cache of the build writing to ``out_dir``, for this extractor version."""
        return cls(Path(out_dir) / CACHE_FOLDER / (version or extractor_version()))

    def prune(self) -> None:
        """Entries of other extractor versions can never be read again."""
        if self.folder.parent.is_dir():
            for old in self.folder.parent.iterdir():
                if old != self.folder:
                    shutil.rmtree(old, ignore_errors=True)

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> tuple | None:
        """(record, provenance, sha256) or None when absent or damaged."""
        try:
            blob = self._path(key).read_bytes()
        except OSError:
            return None
        payload = blob[_DIGEST:]
        if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != blob[:_DIGEST]:
            return None
        try:
            entry = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return entry if isinstance(entry, tuple) and len(entry) == 3 else None

    def put(self, key: str, record: dict, provenance: dict, sha256: str) -> None:
        """Best effort: a cache that cannot be written only costs the next build time."""
        path = self._path(key)
        try:
            payload = marshal.dumps((record, provenance, sha256))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload)
            os.replace(tmp, path)
        except (OSError, ValueError):
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass
