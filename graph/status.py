"""Legal status, supersession and administrative history on the built graph (issue 4).

`enrich(g)` runs after every document is in the graph and changes it in place (and returns it):

1. status facts (data/status_facts.csv, each row with its source) → Document props `status` (vbpl
   vocabulary, STATUSES), `status_source`, `status_basis`, `status_note`, `effective_from`,
   `effective_to` (first day no longer in force); a replacement with a source →
   SUPERSEDES {basis: "reference", kind: "replaces", date, source}. "unverified" stays unverified:
   such a row gives no edge, the status stays "không xác định", and the document gets
   `replacement_unverified`, which also keeps succession from being inferred for it.
2. stated relations ("thay thế", "bãi bỏ" found by the extractor, SUPERSEDES {basis: "stated"}) get a
   `date` and `source` (the replacing document's date, its file) and set the replaced document's
   status with that sentence as its source.
3. succession (`infer_successions`): the yearly plan of the same issuer on the same subject, and a
   same-titled instrument re-issued later → SUPERSEDES {basis: "succession", confidence < 1}. The
   replaced document's status is left as it is: succession is an inference, not a source.
4. provinces: the 63 units end on 2025-06-12 when merged, the 23 new units begin then, MERGED_INTO
   {date, source}; every Province gets `name_2025`. District-level documents and agencies get
   `unit_valid_to` 2025-07-01.
5. agencies renamed or merged in 2025 (data/agency_successors.csv) get `successor`,
   `successor_source`, `successor_strength`, `ended`.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

import networkx as nx

from vbgraph.extract.tables import fold_words, read_table
from vbgraph.graph.identity import slug

STATUSES = ("còn hiệu lực", "hết hiệu lực toàn bộ", "hết hiệu lực một phần", "chưa có hiệu lực", "không xác định")
UNKNOWN = "không xác định"
MERGER_DATE = "2025-06-12"          # Nghị quyết 202/2025/QH15, effective on adoption
MERGER_SOURCE_ACT = "202/2025/QH15"
DISTRICT_END = "2025-07-01"         # NQ 203/2025/QH15: cấp huyện kết thúc hoạt động từ 1/7/2025
DISTRICT_SOURCE = ("NQ 203/2025/QH15 — “kết thúc hoạt động đơn vị hành chính cấp huyện từ ngày 1/7/2025” "
                   "(https://nhansu.vn/tim-kiem-bai-viet?tukhoa=kết+thúc+đơn+vị+hành+chính+cấp+huyện)")
SUCCESSION_MIN_SIMILARITY = 0.85
SUCCESSION_MAX_CONFIDENCE = 0.95
CITING_TYPES = ("IMPLEMENTS", "BASED_ON", "CITES")


def enrich(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    apply_status_facts(g)
    apply_stated_relations(g)
    infer_successions(g)
    add_province_history(g)
    mark_district_units(g)
    flag_agency_successors(g)
    return g


# --- helpers --------------------------------------------------------------------------------------


def _documents(g):
    return ((n, d) for n, d in g.nodes(data=True) if "Document" in d.get("labels", ()))


def _edge(g, src, dst, etype, discriminator, **props):
    key = f"{etype}|{discriminator}"             # unique between its two endpoints
    g.add_edge(src, dst, key=key, type=etype, key_id=key, **{k: v for k, v in props.items() if v not in (None, "")})


def _year_of(symbol: str, year: str | int | None) -> int | None:
    m = re.search(r"/(\d{4})/", symbol or "")
    if m:
        return int(m.group(1))
    return int(year) if year and str(year).isdigit() else None


def _index_national(g) -> dict[tuple[str, int | None], str]:
    """(slug of symbol, year) → node id, for national and party documents (the facts table's kind)."""
    out: dict = {}
    for n, d in _documents(g):
        if d.get("scope") in ("national", "party-central") and d.get("symbol") and d.get("resolution") != "ambiguous":
            out.setdefault((slug(d["symbol"]), d.get("year")), n)
    return out


def _scope_of(symbol: str) -> str:
    return "party-central" if re.search(r"/T[WƯ]$", symbol or "", re.I) else "national"


def _fact_node(g, index, symbol: str, year: int | None, **props) -> str:
    """The node of a document named by the facts table, created when the graph lacks it."""
    key = (slug(symbol), year)
    if key in index:
        return index[key]
    scope = _scope_of(symbol)
    nid = f"vn/{'party' if scope == 'party-central' else 'national'}/{year or 'unknown'}/{slug(symbol)}"
    if nid not in g:
        g.add_node(nid, id=nid, labels=["Document"], symbol=symbol, year=year, scope=scope,
                   level="party" if scope == "party-central" else "national", resolution="reference-table",
                   status=UNKNOWN, **{k: v for k, v in props.items() if v})
    index[key] = nid
    return nid


def _set_status(d: dict, status: str, source: str | None, basis: str, note: str | None = None,
                effective_from: str | None = None, effective_to: str | None = None) -> None:
    assert status in STATUSES, status
    if status != UNKNOWN and not source:
        return                                   # never a status without its source
    d["status"], d["status_basis"] = status, basis
    if source:
        d["status_source"] = source
    for k, v in (("status_note", note), ("effective_from", effective_from), ("effective_to", effective_to)):
        if v:
            d[k] = v


# --- 1. reviewed status facts ----------------------------------------------------------------------


def apply_status_facts(g: nx.MultiDiGraph, rows: list[dict] | None = None) -> None:
    rows = read_table("status_facts.csv") if rows is None else rows
    index = _index_national(g)
    for row in rows:
        year = _year_of(row["symbol"], row["year"])
        nid = index.get((slug(row["symbol"]), year))
        if nid is None:
            continue                             # the graph does not cite it: nothing to say
        d = g.nodes[nid]
        _set_status(d, row["status"], row["source"] or None, "reference", row["status_note"] or None,
                    row["effective_from"] or None, row["effective_to"] or None)
        if row["replaced_by"].lower().startswith("unverified"):
            d["replacement_unverified"] = row["replaced_by"]   # blocks inferred succession too
        elif row["replaced_by"] and row["source"]:
            new = _fact_node(g, index, row["replaced_by"], _year_of(row["replaced_by"], row["replaced_by_year"]))
            _edge(g, new, nid, "SUPERSEDES", "reference", basis="reference", kind="replaces",
                  date=row["replaced_on"] or None, source=row["source"], confidence=1.0,
                  rule="data/status_facts.csv")
        if row["amended_by"] and row["source"]:
            new = _fact_node(g, index, row["amended_by"], _year_of(row["amended_by"], row["amended_by_year"]))
            _edge(g, new, nid, "AMENDS", "reference", basis="reference", date=row["amended_on"] or None,
                  source=row["source"], confidence=1.0, rule="data/status_facts.csv")


# --- 2. stated relations ---------------------------------------------------------------------------

_PART = re.compile(r"(?i)\b(điều|khoản|điểm|chương|mục)\s+\d")


def apply_stated_relations(g: nx.MultiDiGraph) -> None:
    for new, old, d in list(g.edges(data=True)):
        if d.get("type") != "SUPERSEDES" or d.get("basis") != "stated":
            continue
        d.setdefault("date", g.nodes[new].get("date"))
        d.setdefault("source", f"{d.get('file') or '?'}: {d.get('sentence') or ''}".strip())
        od = g.nodes[old]
        if od.get("status_basis") == "reference" and od.get("status") != UNKNOWN:
            continue                             # a reviewed fact is not overwritten
        sentence = d.get("sentence") or ""
        before = sentence.split(od["symbol"])[0] if od.get("symbol") else sentence
        partial = d.get("kind") == "repeals" and bool(_PART.search(before))
        _set_status(od, "hết hiệu lực một phần" if partial else "hết hiệu lực toàn bộ", d["source"], "stated",
                    effective_to=d.get("date"))


# --- 3. succession of recurring documents ----------------------------------------------------------

_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NOISE = re.compile(r"(?i)\b(về việc|ban hành|về|năm|giai đoạn|v/v)\b")


def subject_key(title: str | None, place: str | None = None) -> str:
    """The title without years, 'ban hành'/'về việc', the province name and punctuation (folded)."""
    t = fold_words(unicodedata.normalize("NFC", title or ""))
    t = _YEAR.sub(" ", t)
    if place:
        t = t.replace(fold_words(place), " ")
    t = _NOISE.sub(" ", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def issuer_key(issuer: str | None) -> str:
    """'Chủ tịch UBND tỉnh Tây Ninh' and 'UBND tỉnh Tây Ninh' are the same issuing body."""
    t = fold_words(issuer or "")
    t = re.sub(r"^(chủ tịch|phó chủ tịch)\s+", "", t)
    t = t.replace("ủy ban nhân dân", "ubnd").replace("uỷ ban nhân dân", "ubnd")
    return " ".join(re.sub(r"[^\w\s]", " ", t).split())


def _title_years(title: str | None) -> list[int]:
    return [int(m.group(0)) for m in _YEAR.finditer(title or "")]


def succession_confidence(old: dict, new: dict) -> float | None:
    """None when `new` is not a successor of `old`; else a confidence below 1.

    Conditions (all needed): same document type, same place (scope), same issuing body (issuer_key),
    both dated, `new` later; subject similarity (difflib ratio of subject_key of the two titles) at least
    SUCCESSION_MIN_SIMILARITY; when both titles name a year, the new one's year is later.
    confidence = 0.95 × similarity × issuer factor (1.0 identical issuer text, 0.9 same body written
    differently, e.g. 'Chủ tịch UBND tỉnh' / 'UBND tỉnh') × period factor (1.0 consecutive years named in
    the titles or no year named, 0.9 a gap of more than one year), rounded to 2 decimals.
    """
    if not old.get("doc_type") or old.get("doc_type") != new.get("doc_type"):
        return None
    if not old.get("scope") or old.get("scope") != new.get("scope"):
        return None
    if not old.get("date") or not new.get("date") or len(old["date"]) < 10 or new["date"] <= old["date"]:
        return None
    ik_old, ik_new = issuer_key(old.get("issuer")), issuer_key(new.get("issuer"))
    if not ik_old or ik_old != ik_new:
        return None
    place = (old.get("scope") or "").split("/")[-1]
    a, b = subject_key(old.get("title"), place), subject_key(new.get("title"), place)
    if len(a) < 15 or len(b) < 15:
        return None
    sim = SequenceMatcher(None, a, b).ratio()
    if sim < SUCCESSION_MIN_SIMILARITY:
        return None
    ya, yb = _title_years(old.get("title")), _title_years(new.get("title"))
    period = 1.0
    if ya and yb:
        if max(yb) <= max(ya):
            return None
        period = 1.0 if max(yb) - max(ya) == 1 else 0.9
    issuer = 1.0 if fold_words(old.get("issuer")) == fold_words(new.get("issuer")) else 0.9
    return round(SUCCESSION_MAX_CONFIDENCE * sim * issuer * period, 2)


def infer_successions(g: nx.MultiDiGraph) -> list[tuple[str, str, float]]:
    """Link each document to its nearest later successor (one edge per old document)."""
    groups: dict[tuple, list[tuple[str, dict]]] = {}
    for n, d in _documents(g):
        if d.get("resolution") in ("ambiguous", "unresolved") or not d.get("title") or not d.get("date"):
            continue
        groups.setdefault((d.get("doc_type"), d.get("scope"), issuer_key(d.get("issuer"))), []).append((n, d))
    added = []
    for members in groups.values():
        members.sort(key=lambda nd: (nd[1]["date"], nd[0]))
        for i, (old, od) in enumerate(members):
            for new, nd in members[i + 1:]:
                if any(e.get("type") == "SUPERSEDES" for e in g.get_edge_data(new, old, default={}).values()):
                    break                        # already stated or sourced: no inference on top
                conf = succession_confidence(od, nd)
                if conf is None or od.get("replacement_unverified"):
                    continue
                _edge(g, new, old, "SUPERSEDES", "succession", basis="succession", kind="succeeds",
                      date=nd["date"], confidence=conf, rule="succession",
                      source=(f"inferred: same issuer ({nd.get('issuer')}), type ({nd.get('doc_type')}) and "
                              f"subject; titles “{od.get('title')}” ({od['date']}) → “{nd.get('title')}” "
                              f"({nd['date']})"))
                added.append((new, old, conf))
                break
    return added


# --- 4. provinces ------------------------------------------------------------------------------------


def _province_key(name: str) -> str:
    t = fold_words(name)
    t = re.sub(r"\s*\(.*\)$", "", t)
    t = re.sub(r"^(thành phố|tỉnh)\s+", "", t)
    return {"thừa thiên huế": "huế"}.get(t, t)


@lru_cache(maxsize=None)
def merger_table() -> dict[str, dict]:
    """old province key → {new, source} from data/provinces_2025.csv (the reviewed reference)."""
    out = {}
    for row in read_table("provinces_2025.csv"):
        for old in row["predecessors"].split(";"):
            out[_province_key(old)] = {"new": row["new_province"], "source": row["source"]}
    return out


@lru_cache(maxsize=None)
def library_successor(old_name: str) -> str | None:
    """The 2025 province of a pre-2025 one according to vietnamadminunits (None when not installed)."""
    try:
        from vietnamadminunits import convert_address
    except ImportError:
        return None
    try:
        return convert_address(old_name).province
    except Exception:
        return None


def province_2025(old_name: str) -> tuple[str | None, str | None]:
    """(name after NQ 202/2025/QH15, source) of a province name, old or new."""
    key = _province_key(old_name)
    row = merger_table().get(key)
    lib = library_successor(old_name)
    new = lib or (row["new"] if row else None)
    if new and row and _province_key(new) != _province_key(row["new"]):
        new = row["new"]                          # a disagreement: the sourced table wins (tests flag it)
    return new, (row["source"] if row else None)


def add_province_history(g: nx.MultiDiGraph) -> None:
    counts: dict[str, int] = {}
    for row in read_table("provinces_2025.csv"):
        counts[_province_key(row["new_province"])] = len(row["predecessors"].split(";"))
    for n, d in [(n, d) for n, d in g.nodes(data=True) if "Province" in d.get("labels", ())]:
        if d.get("valid_from") == MERGER_DATE:
            continue
        new, source = province_2025(d["name"])
        if not new:
            continue
        short = re.sub(r"^(Thành phố|Tỉnh)\s+", "", new)
        d["name_2025"] = short
        if counts.get(_province_key(new), 1) == 1:
            d["valid_to"] = None                  # not rearranged: the same unit goes on
            continue
        d["valid_to"] = MERGER_DATE
        nid = f"province/2025/{slug(short)}"
        if nid not in g:
            g.add_node(nid, id=nid, labels=["Province"], name=short, full_name=new,
                       kind="thành phố" if new.startswith("Thành phố") else "tỉnh",
                       valid_from=MERGER_DATE, operating_from=DISTRICT_END, name_2025=short,
                       valid_source=MERGER_SOURCE_ACT)
        _edge(g, n, nid, "MERGED_INTO", "nq-202-2025", date=MERGER_DATE, source=source,
              legal_basis=MERGER_SOURCE_ACT)


def mark_district_units(g: nx.MultiDiGraph) -> None:
    for n, d in g.nodes(data=True):
        labels = d.get("labels", ())
        district = ("Document" in labels and d.get("level") == "district") or \
                   ("Agency" in labels and n.count("/") >= 3)
        if district:
            d["unit_valid_to"], d["unit_source"] = DISTRICT_END, DISTRICT_SOURCE


# --- 5. agencies -------------------------------------------------------------------------------------


def agency_key(name: str | None) -> str:
    t = fold_words(name or "")
    t = re.sub(r"\s+tỉnh(\s+.*)?$", "", t)        # 'Ban Dân tộc tỉnh', 'Sở … tỉnh Tây Ninh'
    return " ".join(re.sub(r"[^\w\s]", " ", t).split())


def flag_agency_successors(g: nx.MultiDiGraph) -> None:
    table = {agency_key(r["name"]): r for r in read_table("agency_successors.csv")}
    for _, d in g.nodes(data=True):
        if "Agency" not in d.get("labels", ()):
            continue
        row = table.get(agency_key(d.get("name")))
        if row:
            d.update(successor=row["successor"], successor_source=row["source"],
                     successor_strength=row["strength"], successor_basis=row["legal_basis"], ended=row["ended"])
