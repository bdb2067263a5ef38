"""Legal status, supersession and administrative history on the built graph (issue 4).

`enrich(g)` runs after every document is in the graph and changes it in place (and returns it):

1. status facts (data/status_facts.csv, each row with its source) → Document props `reference_status`,
   `reference_source`, `status_note` (the Vietnamese analyst note; the reviewer's note is never copied),
   `effective_from`, `effective_to`; a replacement with a source → SUPERSEDES {basis: "reference"}.
   "unverified" stays unverified: such a row gives no edge and the document gets
   `replacement_unverified`, which also keeps succession from being inferred for it.
2. what documents say about effect (extract/effect.py, added by the build through `add_effect`, and the
   extractor's replaces/repeals/amends relations) → SUPERSEDES / AMENDS / SUSPENDS {basis: "stated",
   kind, date, part}; an undated one takes effect with the stating document's entry into force.
3. succession (`infer_successions`): the yearly plan of the same issuer on the same subject, and a
   same-titled instrument re-issued later → SUPERSEDES {basis: "succession", confidence < 1}. The
   replaced document's status is left as it is: succession is an inference, not a source.
4. history: every document's status events (node `status_history`, JSON) and its status as of today
   (`status`, `status_source`, `status_basis`, `status_since`, `effective_from`, `effective_to`,
   `status_conflict`); `status_at` answers for any date. A status always names the event it comes from.
5. provinces: the 63 units end on 2025-06-12 when merged, the 23 new units begin then, MERGED_INTO
   {date, source}; every Province gets `name_2025`. District-level documents and agencies get
   `unit_valid_to` 2025-07-01.
6. agencies renamed or merged in 2025 (data/agency_successors.csv) get `successor`,
   `successor_source`, `successor_strength`, `ended`.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

import networkx as nx

from vbgraph.extract.tables import fold_words, read_table
from vbgraph.graph.identity import slug

STATUSES = ("còn hiệu lực", "hết hiệu lực toàn bộ", "hết hiệu lực một phần", "chưa có hiệu lực", "ngưng hiệu lực",
            "không xác định")
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
    apply_history(g)
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


# --- 1. reviewed status facts ----------------------------------------------------------------------


def apply_status_facts(g: nx.MultiDiGraph, rows: list[dict] | None = None) -> None:
    """The reviewed table's facts become the document's reference facts (the history reads them); only
    the Vietnamese analyst note reaches the node — the reviewer's note stays in the table."""
    rows = read_table("status_facts.csv") if rows is None else rows
    index = _index_national(g)
    for row in rows:
        year = _year_of(row["symbol"], row["year"])
        nid = index.get((slug(row["symbol"]), year))
        if nid is None:
            continue                             # the graph does not cite it: nothing to say
        d = g.nodes[nid]
        if row["source"]:
            d["reference_status"], d["reference_source"] = row["status"], row["source"]
            for k in ("effective_from", "effective_to"):
                if row[k]:
                    d[k] = row[k]
        if row.get("analyst_note"):
            d["status_note"] = row["analyst_note"]
        if row["replaced_by"].lower().startswith("unverified"):
            d["replacement_unverified"] = True   # blocks inferred succession too
        elif row["replaced_by"] and row["source"]:
            new = _fact_node(g, index, row["replaced_by"], _year_of(row["replaced_by"], row["replaced_by_year"]))
            _edge(g, new, nid, "SUPERSEDES", "reference", basis="reference", kind="replaces",
                  date=row["replaced_on"] or None, source=row["source"], confidence=1.0,
                  rule="data/status_facts.csv")
        if row["amended_by"] and row["source"]:
            new = _fact_node(g, index, row["amended_by"], _year_of(row["amended_by"], row["amended_by_year"]))
            _edge(g, new, nid, "AMENDS", "reference", basis="reference", date=row["amended_on"] or None,
                  source=row["source"], confidence=1.0, rule="data/status_facts.csv")


# --- 2. what the documents say about effect ---------------------------------------------------------

EFFECT_EDGE = {"replaces": "SUPERSEDES", "repeals": "SUPERSEDES", "expires": "SUPERSEDES",
               "amends": "AMENDS", "suspends": "SUSPENDS"}


def add_effect(g: nx.MultiDiGraph, pid: str, effect: dict | None, file: str, targets: dict[str, str]) -> None:
    """Called by the build for each ingested document: its own entry into force / expiry become dates on
    its node, and each statement an edge to the document it names (merged with the relation the
    extractor may already have read from the same sentence). targets: folded label → node id."""
    from vbgraph.extract.tables import fold
    from vbgraph.graph.build import stated_edge

    if not effect:
        return
    d = g.nodes[pid]
    for key, prop in (("in_force", "in_force"), ("expires", "expiry")):
        said = effect.get(key)
        if said and said.get("date"):
            d[f"{prop}_date"], d[f"{prop}_sentence"], d[f"{prop}_file"] = said["date"], said["sentence"], file
    for st in effect.get("statements") or []:
        dst = targets.get(fold(st["target"]))
        if not dst or dst == pid:
            continue
        etype = EFFECT_EDGE[st["action"]]
        if etype == "SUPERSEDES" and st["status"] != "hết hiệu lực toàn bộ":
            etype = "AMENDS"                     # a part repealed or replaced: the rest stays in force
        stated_edge(g, pid, dst, etype, {
            "file": file, "sentence": st["sentence"], "start": st["start"], "end": st["end"],
            "rule": f"effect:{st['action']}", "confidence": 1.0, "evidence": None},
            {"basis": "stated", "kind": st["action"], "date": st["date"], "date_rule": st["date_rule"],
             "part": st["part"], "effect_status": st["status"]})


_PART = re.compile(r"(?i)\b(điều|khoản|điểm|chương|mục)\s+\d")
_PART_WORDS = re.compile(r"(?i)\b(?:mẫu|phụ lục|biểu mẫu|thủ tục hành chính|một số)\b")


def apply_stated_relations(g: nx.MultiDiGraph) -> None:
    """A stated replacement without a date of its own takes effect with the replacing document."""
    for u, v, d in g.edges(data=True):
        if d.get("type") not in ("SUPERSEDES", "AMENDS", "SUSPENDS") or d.get("basis") not in ("stated", None):
            continue
        pair = _acting(g, u, v, d)
        if pair is None:
            continue
        new, old = pair
        nd = g.nodes[new]
        if not d.get("date") and (nd.get("in_force_date") or nd.get("date")):
            d["date"] = nd.get("in_force_date") or nd["date"]
            d["date_rule"] = "own-entry-into-force" if nd.get("in_force_date") else "document-date"
        d.setdefault("source", f"{d.get('file') or '?'}: {d.get('sentence') or ''}".strip())
        if d.get("type") == "SUPERSEDES" and not d.get("effect_status"):
            # "thay thế Mẫu số 05 Phụ lục I ban hành kèm theo Nghị định …": a part, not the whole
            said = " ".join((d.get("evidence") or d.get("sentence") or "").split())
            symbol = g.nodes[old].get("symbol")
            verb = re.search(r"(?i)thay thế|bãi bỏ|hết hiệu lực", said)
            object_words = said[verb.end():said.find(symbol)] if verb and symbol and symbol in said[verb.end():] else ""
            if _PART.search(object_words) or _PART_WORDS.search(object_words):
                d["effect_status"] = "hết hiệu lực một phần"


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


class _Titled:
    """What succession compares of one document, worked out once: a group of 489 decrees of one issuer
    is 120,000 pairs, and each pair used to fold both titles again."""
    __slots__ = ("doc_type", "scope", "date", "issuer", "issuer_key", "subject", "letters", "years")

    def __init__(self, d: dict):
        self.doc_type, self.scope, self.date = d.get("doc_type"), d.get("scope"), d.get("date")
        self.issuer, self.issuer_key = fold_words(d.get("issuer")), issuer_key(d.get("issuer"))
        self.subject = subject_key(d.get("title"), (self.scope or "").split("/")[-1])
        self.letters = Counter(self.subject)
        self.years = _title_years(d.get("title"))


def _similarity_reaches(a: _Titled, b: _Titled) -> float | None:
    """difflib's ratio of the two subjects when it reaches SUCCESSION_MIN_SIMILARITY, else None.  The
    ratio is 2·M / (len a + len b) for M matched characters, and M is at most the shorter length and at
    most the letters the two share (counted with repeats): when either bound is below the threshold,
    difflib is not run — the same pairs pass as when it always ran."""
    total = len(a.subject) + len(b.subject)
    if 2.0 * min(len(a.subject), len(b.subject)) / total < SUCCESSION_MIN_SIMILARITY:
        return None
    small, large = (a.letters, b.letters) if len(a.letters) <= len(b.letters) else (b.letters, a.letters)
    shared = sum(min(n, large[c]) for c, n in small.items() if c in large)
    if 2.0 * shared / total < SUCCESSION_MIN_SIMILARITY:
        return None
    sim = SequenceMatcher(None, a.subject, b.subject).ratio()
    return sim if sim >= SUCCESSION_MIN_SIMILARITY else None


def succession_confidence(old: dict, new: dict) -> float | None:
    """None when `new` is not a successor of `old`; else a confidence below 1.

    Conditions (all needed): same document type, same place (scope), same issuing body (issuer_key),
    both dated, `new` later; subject similarity (difflib ratio of subject_key of the two titles) at least
    SUCCESSION_MIN_SIMILARITY; when both titles name a year, the new one's year is later.
    confidence = 0.95 × similarity × issuer factor (1.0 identical issuer text, 0.9 same body written
    differently, e.g. 'Chủ tịch UBND tỉnh' / 'UBND tỉnh') × period factor (1.0 consecutive years named in
    the titles or no year named, 0.9 a gap of more than one year), rounded to 2 decimals.
    """
    return _confidence(_Titled(old), _Titled(new))


def _confidence(old: _Titled, new: _Titled) -> float | None:
    if not old.doc_type or old.doc_type != new.doc_type:
        return None
    if not old.scope or old.scope != new.scope:
        return None
    if not old.date or not new.date or len(old.date) < 10 or new.date <= old.date:
        return None
    if not old.issuer_key or old.issuer_key != new.issuer_key:
        return None
    if len(old.subject) < 15 or len(new.subject) < 15:
        return None
    sim = _similarity_reaches(old, new)
    if sim is None:
        return None
    ya, yb = old.years, new.years
    period = 1.0
    if ya and yb:
        if max(yb) <= max(ya):
            return None
        period = 1.0 if max(yb) - max(ya) == 1 else 0.9
    issuer = 1.0 if old.issuer == new.issuer else 0.9
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
        titled = [_Titled(d) for _, d in members]
        for i, (old, od) in enumerate(members):
            for j in range(i + 1, len(members)):
                new, nd = members[j]
                if any(e.get("type") == "SUPERSEDES" for e in g.get_edge_data(new, old, default={}).values()):
                    break                        # already stated or sourced: no inference on top
                if od.get("replacement_unverified"):
                    continue
                conf = _confidence(titled[i], titled[j])
                if conf is None:
                    continue
                _edge(g, new, old, "SUPERSEDES", "succession", basis="succession", kind="succeeds",
                      date=nd["date"], confidence=conf, rule="succession",
                      source=(f"suy luận: cùng cơ quan ban hành ({nd.get('issuer')}), cùng loại ({nd.get('doc_type')}) "
                              f"và cùng chủ đề; tiêu đề “{od.get('title')}” ({od['date']}) → “{nd.get('title')}” "
                              f"({nd['date']})"))
                added.append((new, old, conf))
                break
    return added


# --- 4. status history and point-in-time status ------------------------------------------------------

EDGE_STATUS = {"SUPERSEDES": "hết hiệu lực toàn bộ", "AMENDS": "hết hiệu lực một phần", "SUSPENDS": "ngưng hiệu lực"}
IN_FORCE, WHOLE, PART, SUSPENDED, NOT_YET = ("còn hiệu lực", "hết hiệu lực toàn bộ", "hết hiệu lực một phần",
                                            "ngưng hiệu lực", "chưa có hiệu lực")
ACTION_VI = {"replaces": "thay thế", "repeals": "bãi bỏ", "expires": "tuyên bố hết hiệu lực",
             "amends": "sửa đổi, bổ sung", "suspends": "ngưng hiệu lực", "succeeds": "văn bản kế tiếp",
             "in_force": "có hiệu lực", "expiry": "hết hiệu lực", "reference": "bảng dữ kiện đã kiểm"}


_PASSIVE = re.compile(r"(?i)(?:được|bị)\s+(?:sửa đổi|bổ sung|thay thế|bãi bỏ)[^;.]{0,60}?\s(?:bởi|tại|theo)\s"
                      r"|(?:sửa đổi|bổ sung|thay thế|bãi bỏ)[^;.]{0,30}?\sbởi\s")
_PASSIVE_ANY = re.compile(r"(?i)(?:được|bị)\s+(?:sửa đổi|bổ sung|thay thế|bãi bỏ)")
_CLASS_OBJECT = re.compile(r"(?i)(?:sửa đổi|bổ sung|thay thế|bãi bỏ)[^;]{0,60}?\bcác\s+(?:nghị định|thông tư|"
                           r"quyết định|nghị quyết|văn bản|luật)\b")


def _acting(g: nx.MultiDiGraph, u: str, v: str, e: dict) -> tuple[str, str] | None:
    """(the document that acts, the one acted on) of a status edge the extractor's relations stated, or
    None when the statement says nothing about the second document. A hand check of corpus events found
    relations in word order for some passives ("A được sửa đổi bởi / theo B" as A → B), laws named
    without a number in news text (unresolved: one node per citing file, not a document we know), and
    "… một số điều của các nghị định … Luật X"."""
    if (e.get("rule") or "").startswith("effect:") or e.get("basis") not in ("stated", None):
        return u, v
    if e.get("file") and g.nodes[v].get("source_file") == e.get("file"):
        return None                              # a document does not state its own amendment by another
    if "unresolved" in (g.nodes[u].get("resolution"), g.nodes[v].get("resolution")):
        return None                              # "Luật Thuế thu nhập cá nhân 2007" of one news item: not a document we know
    said = " ".join((e.get("evidence") or e.get("sentence") or "").split())
    names = [(g.nodes[n].get("symbol") or g.nodes[n].get("name") or "").casefold() for n in (u, v)]
    at = [said.casefold().find(x) if x else -1 for x in names]
    if min(at) >= 0 and at[0] < at[1]:           # word order: the first named is the subject
        between = said[at[0]:at[1]]
        if _PASSIVE.search(between):
            return v, u
        if _PASSIVE_ANY.search(between):
            return None                          # "A (đã được sửa đổi năm 2020) và B": nothing about B
    if _CLASS_OBJECT.search(said):
        return None
    return u, v


def status_events(g: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Every status event of every document, from one pass over the status edges (SUPERSEDES, AMENDS,
    SUSPENDS — stated, reference or succession) and the documents' own dated statements."""
    events: dict[str, list[dict]] = {}
    for new, old, e in g.edges(data=True):
        etype = e.get("type")
        if etype not in EDGE_STATUS or "Document" not in g.nodes[old].get("labels", ()):
            continue
        pair = _acting(g, new, old, e)
        if pair is None or "Document" not in g.nodes[pair[1]].get("labels", ()):
            continue
        new, old = pair
        nd = g.nodes[new]
        basis = e.get("basis") or "stated"
        events.setdefault(old, []).append({
            "date": e.get("date"), "known_by": nd.get("date"),
            "status": None if basis == "succession" else (e.get("effect_status") or EDGE_STATUS[etype]),
            "action": e.get("kind") or ("amends" if etype == "AMENDS" else "replaces"),
            "basis": basis, "confidence": e.get("confidence"), "part": e.get("part"),
            "source_id": new, "source_symbol": nd.get("symbol"),
            "sentence": e.get("sentence") if basis == "stated" else e.get("source"),
            "file": e.get("file"), "date_rule": e.get("date_rule"), "rule": e.get("rule")})
    for n, d in _documents(g):
        own = []
        if d.get("in_force_date"):
            own.append({"date": d["in_force_date"], "status": IN_FORCE, "action": "in_force", "basis": "stated",
                        "sentence": d.get("in_force_sentence"), "file": d.get("in_force_file")})
        if d.get("expiry_date"):
            own.append({"date": d["expiry_date"], "status": WHOLE, "action": "expiry", "basis": "stated",
                        "sentence": d.get("expiry_sentence"), "file": d.get("expiry_file")})
        if d.get("reference_source"):
            if d.get("effective_from"):
                own.append({"date": d["effective_from"], "status": IN_FORCE, "action": "in_force",
                            "basis": "reference", "sentence": d["reference_source"]})
            if d.get("reference_status"):             # "không xác định" too: a reviewed doubt is kept
                own.append({"date": None, "status": d["reference_status"], "action": "reference",
                            "basis": "reference", "sentence": d["reference_source"]})
        for ev in own:
            ev.update(source_id=n, source_symbol=d.get("symbol") if ev["basis"] == "stated" else "data/status_facts.csv")
        if own:
            events.setdefault(n, []).extend(own)
    for evs in events.values():
        evs.sort(key=lambda ev: (ev.get("date") or ev.get("known_by") or "9999", ev["action"], ev.get("source_id") or ""))
    return events


def _when(ev: dict) -> str | None:
    return ev.get("date") or ev.get("known_by")


def status_at(events: list[dict], as_of: str, doc_date: str | None = None) -> dict:
    """The status on `as_of` from a document's history: {status, since, event (the one that decides),
    conflicts (every event that says otherwise)}. Inferences (succession) never decide; the reviewed
    table's undated status counts from the last dated event on; no event → không xác định. A document whose
    entry into force is known stays "không xác định" afterwards when the reviewed table doubts it."""
    sourced = [ev for ev in events if ev.get("status") not in (None, UNKNOWN) and ev.get("sentence")]
    doubted = any(ev["action"] == "reference" and ev.get("status") == UNKNOWN for ev in events)
    dated = [ev for ev in sourced if _when(ev)]
    past = [ev for ev in dated if _when(ev) <= as_of]
    if all(_when(ev) <= as_of for ev in dated):  # the reviewed table's undated status is the latest known
        past += [ev for ev in sourced if not _when(ev) and ev["action"] == "reference"]
    ends = [ev for ev in past if ev["status"] == WHOLE]
    out = {"status": UNKNOWN, "since": None, "event": None, "conflicts": []}
    if doc_date and as_of < doc_date and sourced:
        out.update(status=NOT_YET, event=sourced[0])
        return out
    for status in (WHOLE, SUSPENDED, PART, IN_FORCE):
        hits = [ev for ev in past if ev["status"] == status]
        if hits and not (status == IN_FORCE and doubted):
            out.update(status=status, since=_when(hits[0]), event=hits[0])
            break
        if hits:
            break
    else:
        later = [ev for ev in dated if _when(ev) > as_of]
        undated = [ev for ev in sourced if not _when(ev)]
        if later and later[0]["status"] == IN_FORCE:
            out.update(status=NOT_YET, event=later[0])
        elif later:                              # ended later: in force until then, by that statement
            out.update(status=IN_FORCE, event=later[0])
        elif undated:
            out.update(status=undated[0]["status"], event=undated[0])
    dates = {ev["date"] for ev in ends if ev.get("date")}
    if len(dates) > 1:
        out["conflicts"] = [ev for ev in ends if ev.get("date")]
    says_in_force = [ev for ev in sourced if ev["action"] == "reference" and ev["status"] == IN_FORCE]
    if ends and says_in_force:
        out["conflicts"] = ends + says_in_force
    return out


def event_source(ev: dict | None) -> str | None:
    if not ev:
        return None
    who = ev.get("source_symbol") or ev.get("source_id") or ""
    where = f" ({ev['file']})" if ev.get("file") else ""
    return f"{who}{where}: “{ev['sentence']}”" if ev.get("basis") == "stated" else ev.get("sentence")


def apply_history(g: nx.MultiDiGraph, today: str | None = None) -> dict[str, list[dict]]:
    """Each document's history (node property status_history, JSON) and its status as of today, with the
    event that decides it as its source; the first day it is no longer in force becomes effective_to and
    its entry into force effective_from (ELI first_date_entry_in_force / date_no_longer_in_force)."""
    import datetime as dt
    import json

    today = today or dt.date.today().isoformat()
    events = status_events(g)
    for n, evs in events.items():
        d = g.nodes[n]
        st = status_at(evs, today, d.get("date"))
        d["status_history"] = json.dumps(evs, ensure_ascii=False)
        d["status"], d["status_source"] = st["status"], event_source(st["event"])
        d["status_basis"] = st["event"]["basis"] if st["event"] else None
        d["status_since"] = st["since"]
        d["status_conflict"] = bool(st["conflicts"]) or None
        whole = [ev["date"] for ev in evs if ev.get("status") == WHOLE and ev.get("date")]
        if whole and not d.get("effective_to"):
            d["effective_to"] = min(whole)
        starts = [ev["date"] for ev in evs if ev.get("action") == "in_force" and ev.get("date")]
        if starts and not d.get("effective_from"):
            d["effective_from"] = min(starts)
    return events


def history_of(g: nx.MultiDiGraph, n: str) -> list[dict]:
    import json

    return json.loads(g.nodes[n].get("status_history") or "[]")


# --- 5. provinces ------------------------------------------------------------------------------------


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


# --- 6. agencies -------------------------------------------------------------------------------------


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
