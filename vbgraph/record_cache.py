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
import shutil
import sys
from functools import lru_cache
from pathlib import Path

from vbgraph.sealed import read_sealed, write_sealed

CACHE_FOLDER = Path(".cache") / "records"


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
        entry = read_sealed(self._path(key))
        return entry if isinstance(entry, tuple) and len(entry) == 3 else None

    def put(self, key: str, record: dict, provenance: dict, sha256: str) -> None:
        """Best effort: a cache that cannot be written only costs the next build time."""
        try:
            write_sealed(self._path(key), (record, provenance, sha256))
        except (OSError, ValueError):
            pass
