"""Records of many documents → one networkx MultiDiGraph with the labels and edge types of DESIGN.md.

Nodes carry `labels` (an ingested plan: ["Document", "Ingested", "Plan"]; an ingested decision:
["Document", "Ingested"] with kind "decision"; a cited document: ["Document"]) and flat properties; edges are keyed by their type
and carry `type` plus provenance: `file`, `start`/`end` (characters in the source), `sentence`, `rule`,
`confidence`.  Properties are primitives or lists of primitives so that Neo4j and the embedded store
take them unchanged.
"""
from __future__ import annotations

import hashlib
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from vbgraph.extract.tables import PLAN_KINDS, fold, ingested_kind, read_table
from vbgraph.graph.identity import agency_id, citation_id, movement_id, own_scope, plan_id, province_id
from vbgraph.graph.status import add_effect

RELATION_EDGE = {"implements": "IMPLEMENTS", "based_on": "BASED_ON", "cites": "CITES"}
DOC_RELATION_EDGE = {"amends": ("AMENDS", {}), "guides": ("GUIDES", {}), "details": ("DETAILS", {}),
                     "implements": ("IMPLEMENTS", {}),
                     "replaces": ("SUPERSEDES", {"basis": "stated", "kind": "replaces"}),
                     "repeals": ("SUPERSEDES", {"basis": "stated", "kind": "repeals"})}


@dataclass
class Ingested:
    """One document as the graph needs it: the record, where its items stand, and its file."""
    record: dict
    provenance: dict
    path: str
    sha256: str


def ingest_text(raw: str, path: str) -> Ingested:
    from vbgraph.extract.pipeline import analyse_text, provenance

    record, analysis = analyse_text(raw, source=Path(path).name)
    return Ingested(record, provenance(analysis), str(path), hashlib.sha256(raw.encode("utf-8")).hexdigest())


def _shared(v):
    # the same short values (scope, type, status, issuer …) recur on most of a large corpus's nodes
    return sys.intern(v) if isinstance(v, str) and len(v) <= 80 else v


def _merge_node(g: nx.MultiDiGraph, node_id: str, labels: list[str], props: dict, authoritative: bool = False):
    if node_id not in g:
        g.add_node(node_id, id=node_id, labels=list(labels),
                   **{k: _shared(v) for k, v in props.items() if v is not None})
        return
    data = g.nodes[node_id]
    for label in labels:
        if label not in data["labels"]:
            data["labels"].append(label)
    for k, v in props.items():
        if v is None:
            continue
        if k == "written_forms":
            data[k] = sorted(set(data.get(k, [])) | set(v))
        elif authoritative or data.get(k) in (None, ""):
            data[k] = _shared(v)


def _edge(g, src, dst, etype, discriminator, **props):
    # unique between two endpoints; short, because every relationship stores it: the file as a digest
    file = props.get("file")
    tag = hashlib.blake2b(file.encode("utf-8"), digest_size=6).hexdigest() if file else ""
    key = f"{etype}|{tag}|{discriminator}"
    g.add_edge(src, dst, key=key, type=etype, key_id=key, **{k: v for k, v in props.items() if v is not None})


# A relation between two documents (e.g. "Kế hoạch 765/KH-UBND thực hiện Chỉ thị 33/CT-TTg") that N plans
# restate is one edge with N statements, not N parallel edges: lineage queries enumerate paths, and N
# parallel hops would multiply them.  The statements are kept as parallel lists, sorted by file, and the
# first one also fills the usual provenance properties (file, sentence, start, end, rule, confidence).
STATED_FIELDS = (("file", "stated_files", ""), ("sentence", "stated_sentences", ""), ("start", "stated_starts", -1),
                 ("end", "stated_ends", -1), ("rule", "stated_rules", ""), ("confidence", "stated_confidences", 1.0),
                 ("evidence", "stated_evidence", ""))
STATED_LISTS = tuple(lst for _, lst, _ in STATED_FIELDS)
STATED_SCALARS = tuple(one for one, _, _ in STATED_FIELDS)


def stated_entries(props: dict) -> list[dict]:
    """The statements of a shared edge, one dict per file (list placeholders read back as None)."""
    files = props.get("stated_files") or []
    out = []
    for i in range(len(files)):
        entry = {}
        for one, lst, missing in STATED_FIELDS:
            values = props.get(lst) or []
            v = values[i] if i < len(values) else None
            entry[one] = None if v == missing and one != "confidence" else v
        out.append(entry)
    return out


def stated_props(entries: list[dict], extra: dict) -> dict:
    """Properties of a shared edge from its statements (one per file, the last given per file wins)."""
    by_file = {e["file"]: e for e in entries}
    ordered = [by_file[f] for f in sorted(by_file)]
    props = {k: v for k, v in extra.items() if k not in STATED_LISTS and k not in STATED_SCALARS}
    for one, lst, missing in STATED_FIELDS:
        # Neo4j lists hold no nulls: a missing value is written as the placeholder
        props[lst] = [missing if e.get(one) is None else e[one] for e in ordered]
        if ordered[0].get(one) is not None:
            props[one] = ordered[0][one]
    props["statements"] = len(ordered)
    return props


def stated_edge(g: nx.MultiDiGraph, src: str, dst: str, etype: str, entry: dict, extra: dict) -> None:
    key = f"{etype}|stated"
    data = g.get_edge_data(src, dst, key)
    if data is None:
        g.add_edge(src, dst, key=key, type=etype, key_id=key, **stated_props([entry], extra))
        return
    base = {k: v for k, v in data.items() if k not in ("type", "key_id")}
    merged = stated_props(stated_entries(data) + [entry], {**base, **extra})
    data.clear()
    data.update(type=etype, key_id=key, **merged)


def _add_provinces(g: nx.MultiDiGraph) -> None:
    for row in read_table("provinces.csv"):
        _merge_node(g, province_id(row["name"]), ["Province"],
                    {"name": row["name"], "kind": row["kind"], "valid_from": None, "valid_to": None})


def _located(g, node_id: str, scope: str | None, file: str | None = None):
    if scope and scope not in ("national", "party-central"):
        pid = province_id(scope.split("/")[0])
        if pid in g:
            _edge(g, node_id, pid, "LOCATED_IN", "", file=file)


def add_document(g: nx.MultiDiGraph, doc: Ingested) -> str:
    """Add one ingested document and everything it states; returns its node id."""
    rec, prov, file = doc.record, doc.provenance, doc.path
    plan = rec["plan"]
    pid, presolution = plan_id(plan, rec["source"])
    scope = own_scope(plan)
    kind = ingested_kind(plan.get("doc_type"))
    labels = ["Document", "Ingested", "Plan"] if kind in PLAN_KINDS else ["Document", "Ingested"]
    _merge_node(g, pid, labels, {
        "kind": kind, "symbol": plan.get("symbol"), "number": plan.get("number"), "doc_type": plan.get("doc_type"),
        "date": plan.get("date"), "year": int(plan["date"][:4]) if plan.get("date") else plan.get("year"),
        "plan_year": plan.get("year"), "title": plan.get("title"), "issuer": plan.get("issuer"),
        "scope": scope, "level": plan.get("level"), "province": plan.get("province"),
        "district": plan.get("district"), "signer": plan.get("signer"), "resolution": presolution,
        "status": "không xác định", "status_source": None, "source_file": file,
        "written_forms": [plan["symbol"]] if plan.get("symbol") else []}, authoritative=True)
    fid = f"file/{doc.sha256[:16]}"
    _merge_node(g, fid, ["SourceFile"], {"path": file, "sha256": doc.sha256})
    _edge(g, pid, fid, "EXTRACTED_FROM", "", file=file)
    _located(g, pid, scope, file)
    if plan.get("issuer"):
        aid = agency_id(plan["issuer"], scope)
        _merge_node(g, aid, ["Agency"], {"name": plan["issuer"], "province": plan.get("province"),
                                         "level": plan.get("level")})
        _edge(g, pid, aid, "ISSUED_BY", "", file=file)

    ids_by_label: dict[str, str] = {}
    for c, where in zip(rec["citations"], prov["citations"]):
        cid, resolution, symbol = citation_id(c, pid)
        if cid == pid:
            continue
        _merge_node(g, cid, ["Document"], {
            "symbol": symbol, "number": c.get("number") or (symbol.split("/")[0] if symbol else None),
            "doc_type": c.get("doc_type"), "date": c.get("date"), "year": c.get("year"),
            "title": c.get("title"), "issuer": c.get("issuer"), "scope": c.get("scope"),
            "level": _level_of(c.get("scope")), "resolution": resolution, "status": "không xác định",
            "status_source": None, "name": None if c.get("symbol") else c.get("first_mention"),
            "written_forms": list(c.get("symbol_as_written") or [])})
        _located(g, cid, c.get("scope"))
        for key in filter(None, [c.get("symbol"), symbol, c.get("first_mention"), c.get("title")]):
            ids_by_label.setdefault(fold(key), cid)
        first = where[0] if where else {}
        rel = (c.get("relations") or ["cites"])[0]
        several = len(where) > 1          # every mention's span, when there is more than the first
        _edge(g, pid, cid, RELATION_EDGE.get(rel, "CITES"), "", file=file, count=c.get("mentions", 1),
              starts=[w["start"] for w in where] if several else None,
              ends=[w["end"] for w in where] if several else None,
              start=first.get("start"), end=first.get("end"), sentence=first.get("sentence"),
              rule=first.get("rule"), confidence=first.get("confidence", 1.0), resolution=resolution)
    if plan.get("symbol"):
        ids_by_label[fold(plan["symbol"])] = pid

    for r, where in zip(rec["doc_relations"], prov["doc_relations"]):
        src, dst = ids_by_label.get(fold(r["from"])), ids_by_label.get(fold(r["to"]))
        if not src or not dst or src == dst:
            continue
        etype, extra = DOC_RELATION_EDGE.get(r["type"], ("CITES", {}))
        stated_edge(g, src, dst, etype, {
            "file": file, "sentence": where.get("sentence"), "start": where.get("start"),
            "end": where.get("end"), "rule": where.get("rule"), "confidence": where.get("confidence", 1.0),
            "evidence": r.get("evidence")}, extra)
    add_effect(g, pid, rec.get("effect"), file, ids_by_label)

    for a, where in zip(rec["agencies"], prov["agencies"]):
        aid = agency_id(a["name"], a.get("scope"))
        _merge_node(g, aid, ["Agency"], {"name": a["name"], "province": a.get("scope"), "level": None})
        _located(g, aid, a.get("scope"))
        ev = (where.get("evidence") or [{}])[0]
        task = " ".join(where.get("tasks") or [])[:500] or None
        for deadline in a.get("deadlines") or [None]:
            _edge(g, pid, aid, "ASSIGNS", deadline or "-", file=file, task=task, deadline=deadline,
                  start=ev.get("start"), end=ev.get("end"), sentence=ev.get("sentence"),
                  rule=ev.get("rule"), confidence=ev.get("confidence", 1.0))

    for name, where in zip(rec["movements"], prov["movements"]):
        mid = movement_id(name)
        _merge_node(g, mid, ["Movement"], {"name": name})
        ev = where[0] if where else {}
        _edge(g, pid, mid, "PROMOTES", "", file=file, start=ev.get("start"), end=ev.get("end"),
              sentence=ev.get("sentence"), rule=ev.get("rule"), confidence=ev.get("confidence", 1.0))
    return pid


def _level_of(scope: str | None) -> str | None:
    if scope in ("national", "party-central"):
        return "national" if scope == "national" else "party"
    if scope and "/" in scope:
        return "district"
    return "province" if scope else None


def build_graph(docs: Iterable[Ingested]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    _add_provinces(g)
    for doc in docs:
        add_document(g, doc)
    return _finish(g)


def _finish(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    from vbgraph.graph.status import enrich  # legal status, succession, 2025 provinces and agencies
    enrich(g)
    # an absent property and a null one are the same fact; Neo4j cannot even store the latter
    for _, data in g.nodes(data=True):
        for k in [k for k, v in data.items() if v is None]:
            del data[k]
    for *_, data in g.edges(data=True):
        for k in [k for k, v in data.items() if v is None]:
            del data[k]
    return g


# the edges enrich() reads (the status edges) stay in memory until the last part; the others leave
# once they are in a part
KEPT_FOR_ENRICH = ("SUPERSEDES", "AMENDS", "SUSPENDS")


def stream_graph(docs: Iterable[Ingested], part_size: int = 2000) -> Iterator[nx.MultiDiGraph]:
    """``build_graph`` for corpora too large to hold: the same graph, given in parts for
    ``store.load_parts``.  Every ``part_size`` documents a part carries the edges they added (with their
    endpoints as they stand then), and those edges leave memory.  The last part is the whole node set,
    with the properties the full build gives it, plus the supersession and enrichment edges.  A relation
    restated in two parts arrives twice; the store merges its statements into one edge."""
    g = nx.MultiDiGraph()
    _add_provinces(g)
    pending = 0
    seen: set[str] = set()
    # file-less edges given already (a cited document's LOCATED_IN): every later file citing the document
    # adds the edge again, and it must not be stored twice
    given: set[tuple[str, str, str]] = set()
    for doc in docs:
        if doc.path in seen:          # its edges may be stored already: adding them again would double them
            warnings.warn(f"{doc.path}: given twice, read once")
            continue
        seen.add(doc.path)
        add_document(g, doc)
        pending += 1
        if pending == part_size:
            part, g = _split(g, given)
            yield part
            pending = 0
    if pending:
        part, g = _split(g, given)
        yield part
    yield _finish(g)


def _split(g: nx.MultiDiGraph, given: set[tuple[str, str, str]]) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(the part: edges to store now, with their endpoints; the graph that stays: every node, and the
    edges kept for enrich()).  The graph that stays is rebuilt rather than emptied, because the adjacency
    dicts of a node that had edges keep their size after the edges are removed."""
    part = nx.MultiDiGraph(nodes_follow=True)    # the last part brings every node's final properties
    rest = nx.MultiDiGraph()
    rest.add_nodes_from(g.nodes(data=True))
    for u, v, k, d in g.edges(keys=True, data=True):
        if d["type"] in KEPT_FOR_ENRICH:
            rest.add_edge(u, v, key=k, **d)
            continue
        if not d.get("file"):
            if (u, v, k) in given:
                continue
            given.add((u, v, sys.intern(k)))
        for n in (u, v):
            if n not in part:
                part.add_node(n, **g.nodes[n])
        part.add_edge(u, v, key=k, **d)
    return part, rest


def summary(g: nx.MultiDiGraph) -> dict:
    labels: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        for label in data["labels"]:
            labels[label] = labels.get(label, 0) + 1
    edges: dict[str, int] = {}
    for *_, data in g.edges(data=True):
        edges[data["type"]] = edges.get(data["type"], 0) + 1
    unresolved = sum(1 for _, d in g.nodes(data=True)
                     if "Document" in d["labels"] and d.get("resolution") in ("ambiguous", "unresolved"))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "labels": labels, "types": edges,
            "unresolved": unresolved}
