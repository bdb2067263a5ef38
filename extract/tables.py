"""Reviewed domain tables from data/ (each CSV starts with a `# source:` line).  Code reads them here,
once, so every rule about document types, issuer codes, laws and provinces is data, not code."""
from __future__ import annotations

import csv
import io
import unicodedata
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1 << 16)   # codes, symbols and names repeat across mentions and documents
def fold(s: str) -> str:
    """Matching key: NFC, case-folded, Đ→d, no whitespace.  Never shown to a person."""
    s = unicodedata.normalize("NFC", s or "").casefold().replace("đ", "d")
    return "".join(s.split())


@lru_cache(maxsize=1 << 16)
def fold_words(s: str) -> str:
    """Like fold() but keeps single spaces between words (for names and titles)."""
    s = unicodedata.normalize("NFC", s or "").casefold().replace("đ", "d")
    return " ".join(s.split())


def read_table(name: str) -> list[dict[str, str]]:
    text = files("vbgraph.data").joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO("\n".join(lines)))]


@lru_cache(maxsize=None)
def doc_types() -> list[dict[str, str]]:
    """Rows sorted longest written form first, so "Chương trình phối hợp" wins over "Chương trình"."""
    return sorted(read_table("doc_types.csv"), key=lambda r: -len(r["written"]))


@lru_cache(maxsize=None)
def doc_type_by_code() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in read_table("doc_types.csv"):
        for code in filter(None, row["codes"].split(";")):
            out.setdefault(fold(code), row)
    return out


@lru_cache(maxsize=None)
def doc_type_kind() -> dict[str, str]:
    return {r["doc_type"]: r["kind"] for r in read_table("doc_types.csv")}


PLAN_KINDS = frozenset({"plan", "programme"})


@lru_cache(maxsize=None)
def doc_type_rank() -> dict[str, int]:
    """Place of a document type in the hierarchy of legal documents (1 = Hiến pháp); unranked types absent."""
    return {r["doc_type"]: int(r["rank"]) for r in read_table("doc_types.csv") if r.get("rank")}


@lru_cache(maxsize=None)
def ingested_kind(doc_type: str | None) -> str:
    """How an ingested document of this type is read: plan, decision, decree … ("other" if unknown)."""
    kinds = {r["doc_type"]: r["ingested_kind"] for r in read_table("doc_types.csv")}
    return kinds.get(doc_type or "", "other")


@lru_cache(maxsize=None)
def issuer_codes() -> dict[str, dict[str, str]]:
    return {fold(r["code"]): r for r in read_table("issuer_codes.csv")}


@lru_cache(maxsize=None)
def provinces() -> list[str]:
    return [r["name"] for r in read_table("provinces.csv")]


@lru_cache(maxsize=None)
def named_laws() -> list[dict[str, str]]:
    return sorted(read_table("named_laws.csv"), key=lambda r: -len(r["name"]))


@lru_cache(maxsize=None)
def known_documents() -> list[dict[str, str]]:
    return read_table("known_documents.csv")
