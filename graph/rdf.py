"""`vbgraph export`: the graph as RDF (Turtle, JSON-LD), GraphML or node-link JSON.

    rdf_graph = to_rdf(graph)                           # rdflib.Graph
    text = export(graph, "ttl")                         # or "jsonld", "graphml", "json"

IRIs
    Every node is ``BASE + node id`` with ``BASE = https://vbgraph.example/id/`` (a placeholder host: pass
    ``base=`` / ``--base`` to publish under a real one), e.g. ``https://vbgraph.example/id/vn/national/2021/
    33-ct-ttg``; characters outside ``A-Za-z0-9/-._~`` are percent-encoded.  Every edge gets a statement
    resource ``BASE + "statement/" + sha1(source, target, key)[:20]``.  Document types are SKOS concepts
    ``BASE + "doc-type/" + slug``.  The node id is also kept as the literal ``vbg:nodeId``.

European Legislation Identifier (``eli:`` = http://data.europa.eu/eli/ontology#) where it fits
    Document (cited or ingested)  a eli:LegalResource
    symbol / number / title       eli:id_local / eli:number / eli:title (@vi)
    date                          eli:date_document (xsd:date; a partial date is xsd:gYearMonth or xsd:gYear)
    effective_from / effective_to eli:first_date_entry_in_force / eli:date_no_longer_in_force (xsd:date; from
                                  the document's own statement, the one that ended it, or the reviewed table)
    doc_type                      eli:type_document → a skos:Concept with skos:prefLabel (@vi)
    status                        eli:in_force eli:InForce-inForce / -notInForce / -partiallyInForce, only when
                                  the status says so ("còn hiệu lực", "hết hiệu lực", "hết hiệu lực một
                                  phần"); "không xác định" gives no eli:in_force.  The status text itself
                                  is always vbg:status.
    Agency                        a vbg:Agency, eli:Organization
    CITES / BASED_ON / AMENDS     eli:cites / eli:based_on / eli:amends
    SUPERSEDES kind=repeals       eli:repeals (other SUPERSEDES: vbg:supersedes)
    ISSUED_BY                     eli:passed_by

vbgraph vocabulary (``vbg:`` = https://vbgraph.example/ontology#) for what ELI lacks
    classes       vbg:Ingested (a document vbgraph read, also eli:LegalResource), vbg:Plan (an ingested
                  plan or programme), vbg:Agency, vbg:Province,
                  vbg:Movement, vbg:SourceFile, vbg:Relation (an edge's statement resource)
    links         vbg:implements (eli:implements is deprecated in ELI), vbg:guides, vbg:details,
                  vbg:supersedes, vbg:assigns (document → agency), vbg:promotes (document → movement),
                  vbg:locatedIn, vbg:extractedFrom, vbg:mergedInto
    literals      every other node property as vbg:<camelCase name> (vbg:issuer, vbg:scope, vbg:level,
                  vbg:resolution, vbg:writtenForm (one per form), vbg:signer, vbg:year …); names are
                  rdfs:label (@vi)
    provenance    each edge is also a statement resource, a rdf:Statement and vbg:Relation, with
                  rdf:subject / rdf:predicate / rdf:object (the link above), vbg:relationType ("CITES" …),
                  vbg:edgeKey, and the edge's properties: vbg:file, vbg:start, vbg:end, vbg:sentence (@vi),
                  vbg:rule, vbg:confidence, vbg:resolution, vbg:count, vbg:spans ("start-end;…"),
                  vbg:task, vbg:deadline, vbg:basis, vbg:kind, vbg:evidence.
                  ``provenance=False`` (``--no-provenance``) leaves the statement resources out.
``vocabulary=True`` (``--with-vocabulary``) adds the vbg: terms' labels, comments and sub-property links.

GraphML: list properties are JSON text, every property has one type across the file (mixed → string).
JSON: node-link JSON, the format `vbgraph build` writes (graph.node_link.write_json), readable with --graph.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from decimal import Decimal
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

BASE = "https://vbgraph.example/id/"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
VBG = Namespace("https://vbgraph.example/ontology#")
FORMATS = ("ttl", "jsonld", "graphml", "json")

CLASSES = {"Document": [ELI.LegalResource], "Ingested": [VBG.Ingested, ELI.LegalResource],
           "Plan": [VBG.Plan, ELI.LegalResource],
           "Agency": [VBG.Agency, ELI.Organization], "Province": [VBG.Province], "Movement": [VBG.Movement],
           "SourceFile": [VBG.SourceFile]}
EDGE_PREDICATE = {"CITES": ELI.cites, "BASED_ON": ELI.based_on, "AMENDS": ELI.amends,
                  "IMPLEMENTS": VBG.implements, "GUIDES": VBG.guides, "DETAILS": VBG.details,
                  "SUPERSEDES": VBG.supersedes, "ASSIGNS": VBG.assigns, "PROMOTES": VBG.promotes,
                  "ISSUED_BY": ELI.passed_by, "LOCATED_IN": VBG.locatedIn, "EXTRACTED_FROM": VBG.extractedFrom,
                  "MERGED_INTO": VBG.mergedInto}
# node properties with an ELI (or RDFS) home; the rest become vbg:<camelCase>
NODE_PREDICATE = {"symbol": ELI.id_local, "number": ELI.number, "title": ELI.title, "date": ELI.date_document,
                  "name": RDFS.label, "effective_from": ELI.first_date_entry_in_force,
                  "effective_to": ELI.date_no_longer_in_force}
_LANG_VI = {"title", "name", "issuer", "status", "signer", "sentence", "task", "evidence", "doc_type"}
_SKIP_NODE = {"id", "labels", "doc_type"}
_SKIP_EDGE = {"type", "key_id", "starts", "ends"}
_DATE_PROPS = {"date", "deadline", "valid_from", "valid_to", "effective_from", "effective_to", "status_since"}
_INT_PROPS = {"start", "end", "count", "year", "plan_year"}
_IN_FORCE = (("hết hiệu lực một phần", ELI["InForce-partiallyInForce"]),
             ("còn hiệu lực", ELI["InForce-inForce"]),
             ("hết hiệu lực", ELI["InForce-notInForce"]))
JSONLD_CONTEXT = {"eli": str(ELI), "vbg": str(VBG), "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS),
                  "xsd": str(XSD)}


def node_iri(node_id: str, base: str = BASE) -> URIRef:
    return URIRef(base + quote(str(node_id), safe="/-._~"))


def statement_iri(u: str, v: str, key: str, base: str = BASE) -> URIRef:
    digest = hashlib.sha1(f"{u}\x1f{v}\x1f{key}".encode("utf-8")).hexdigest()[:20]
    return URIRef(f"{base}statement/{digest}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def _literal(prop: str, value) -> Literal:
    if prop in _DATE_PROPS and isinstance(value, str):
        for rx, dtype in ((_FULL_DATE, XSD.date), (_MONTH, XSD.gYearMonth), (_YEAR, XSD.gYear)):
            if rx.match(value):
                return Literal(value, datatype=dtype)
    if prop in ("year", "plan_year") and isinstance(value, int):
        return Literal(f"{value:04d}", datatype=XSD.gYear)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Literal(value, datatype=XSD.double)
        return Literal(Decimal(repr(value)), datatype=XSD.decimal)
    if prop in _LANG_VI:
        return Literal(str(value), lang="vi")
    return Literal(str(value))


def _slug(text: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def _add_values(rdf: Graph, subject, predicate, prop: str, value) -> None:
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if item is not None and item != "":
            rdf.add((subject, predicate, _literal(prop, item)))


def _node(rdf: Graph, node_id: str, data: dict, base: str) -> None:
    s = node_iri(node_id, base)
    for label in data.get("labels") or []:
        for cls in CLASSES.get(label, [VBG[label]]):
            rdf.add((s, RDF.type, cls))
    rdf.add((s, VBG.nodeId, Literal(str(node_id))))
    if data.get("doc_type"):
        concept = URIRef(f"{base}doc-type/{_slug(str(data['doc_type']))}")
        rdf.add((s, ELI.type_document, concept))
        rdf.add((concept, RDF.type, SKOS.Concept))
        rdf.add((concept, SKOS.prefLabel, Literal(str(data["doc_type"]), lang="vi")))
    status = str(data.get("status") or "").casefold()
    for words, concept in _IN_FORCE:
        if status.startswith(words):
            rdf.add((s, ELI.in_force, concept))
            break
    for prop, value in data.items():
        if prop in _SKIP_NODE or value is None or value == "" or value == []:
            continue
        predicate = NODE_PREDICATE.get(prop)
        if prop == "date" and "Document" not in (data.get("labels") or []):
            predicate = None
        if prop == "written_forms":
            predicate = VBG.writtenForm
        _add_values(rdf, s, predicate or VBG[_camel(prop)], prop, value)


def _edge_predicate(data: dict) -> URIRef:
    etype = str(data.get("type", "RELATED"))
    if etype == "SUPERSEDES" and data.get("kind") == "repeals":
        return ELI.repeals
    return EDGE_PREDICATE.get(etype) or VBG[_camel(etype.lower())]


def _edge(rdf: Graph, u: str, v: str, key: str, data: dict, base: str, provenance: bool) -> None:
    s, o, p = node_iri(u, base), node_iri(v, base), _edge_predicate(data)
    rdf.add((s, p, o))
    if not provenance:
        return
    st = statement_iri(u, v, key, base)
    rdf.add((st, RDF.type, RDF.Statement))
    rdf.add((st, RDF.type, VBG.Relation))
    rdf.add((st, RDF.subject, s))
    rdf.add((st, RDF.predicate, p))
    rdf.add((st, RDF.object, o))
    rdf.add((st, VBG.relationType, Literal(str(data.get("type", "")))))
    rdf.add((st, VBG.edgeKey, Literal(str(key))))
    starts, ends = data.get("starts") or [], data.get("ends") or []
    if starts and len(starts) == len(ends):
        rdf.add((st, VBG.spans, Literal(";".join(f"{a}-{b}" for a, b in zip(starts, ends)))))
    for prop, value in data.items():
        if prop in _SKIP_EDGE or value is None or value == "" or value == []:
            continue
        _add_values(rdf, st, VBG[_camel(prop)], prop, value)


def to_rdf(g: nx.MultiDiGraph, base: str = BASE, provenance: bool = True, vocabulary: bool = False) -> Graph:
    """The graph as RDF (see the module docstring for the mapping)."""
    rdf = Graph()
    rdf.bind("eli", ELI)
    rdf.bind("vbg", VBG)
    rdf.bind("skos", SKOS)
    rdf.bind("id", Namespace(base))
    for node_id, data in g.nodes(data=True):
        _node(rdf, node_id, data, base)
    for u, v, key, data in g.edges(keys=True, data=True):
        _edge(rdf, u, v, key, data, base, provenance)
    if vocabulary:
        rdf += vocabulary_graph()
    return rdf


_VOCAB = {  # term → (kind, label, comment, super-term or None)
    "Ingested": ("class", "ingested document", "A document vbgraph read itself (an ingested file); its kind "
                 "(plan, decision, decree …) is vbg:kind.", ELI.LegalResource),
    "Plan": ("class", "plan", "An ingested plan or programme (Kế hoạch, Chương trình): it implements what "
                              "its preamble carries out.", ELI.LegalResource),
    "Agency": ("class", "agency", "A state or party body named as issuer or given tasks.", ELI.Organization),
    "Province": ("class", "province", "A province or centrally run city (with its 2025 history).", None),
    "Movement": ("class", "movement", "A movement or campaign a plan promotes (phong trào, cuộc vận động).", None),
    "SourceFile": ("class", "source file", "The file a plan was read from (path, sha256).", None),
    "Relation": ("class", "relation", "One extracted edge with its provenance (file, offsets, sentence, "
                                      "rule, confidence).", RDF.Statement),
    "implements": ("property", "implements", "The document is issued to carry out the object "
                                             "(Thực hiện …). Replaces the deprecated eli:implements.", ELI.related_to),
    "guides": ("property", "guides", "The document guides the application of the object (hướng dẫn).",
               ELI.related_to),
    "details": ("property", "details", "The document details the object (quy định chi tiết).", ELI.related_to),
    "supersedes": ("property", "supersedes", "The document replaces the object (thay thế); see eli:repeals.",
                   ELI.related_to),
    "assigns": ("property", "assigns", "The document gives the agency tasks (and deadlines, on the "
                                       "statement).", None),
    "promotes": ("property", "promotes", "The document promotes the movement.", None),
    "locatedIn": ("property", "located in", "The document or agency belongs to the province.", None),
    "extractedFrom": ("property", "extracted from", "The plan was read from the source file.", None),
    "mergedInto": ("property", "merged into", "The province was merged into another (2025).", None),
}


def vocabulary_graph() -> Graph:
    """Labels, comments and sub-class/sub-property links of the vbg: terms."""
    from rdflib import OWL

    v = Graph()
    v.bind("vbg", VBG)
    v.bind("eli", ELI)
    for term, (kind, label, comment, parent) in _VOCAB.items():
        t = VBG[term]
        v.add((t, RDF.type, OWL.Class if kind == "class" else OWL.ObjectProperty))
        v.add((t, RDFS.label, Literal(label, lang="en")))
        v.add((t, RDFS.comment, Literal(comment, lang="en")))
        if parent is not None:
            v.add((t, RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf, parent))
    return v


def _graphml_ready(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy GraphML can hold: scalars only (lists as JSON text), one type per property name."""
    out = nx.MultiDiGraph()

    def flat(data: dict) -> dict:
        return {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, tuple, dict)) else v)
                for k, v in data.items() if v is not None}

    for n, data in g.nodes(data=True):
        out.add_node(n, **flat(data))
    for u, v, k, data in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **flat(data))
    for items in (list(out.nodes(data=True)), [(None, d) for *_, d in out.edges(keys=True, data=True)]):
        types: dict[str, set] = {}
        for _, data in items:
            for k, v in data.items():
                types.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in types.items() if len(ts) > 1}
        for _, data in items:
            for k in mixed & data.keys():
                data[k] = str(data[k])
    return out


def export(g: nx.MultiDiGraph, fmt: str, base: str = BASE, provenance: bool = True,
           vocabulary: bool = False) -> str:
    """The graph in one of FORMATS, as text."""
    if fmt == "ttl":
        return to_rdf(g, base, provenance, vocabulary).serialize(format="turtle")
    if fmt == "jsonld":
        return to_rdf(g, base, provenance, vocabulary).serialize(format="json-ld", context=JSONLD_CONTEXT,
                                                                 indent=1)
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(_graphml_ready(g), buf, encoding="utf-8")
        return buf.getvalue().decode("utf-8")
    if fmt == "json":
        return node_link_text(g)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def node_link_text(g: nx.MultiDiGraph) -> str:
    """Node-link JSON text in the format `vbgraph build` writes (graph.node_link.write_json / read_json)."""
    from vbgraph.graph import node_link

    data = nx.node_link_data(g, edges="edges", **node_link.NODE_LINK_NAMES)
    data["graph"] = {**data.get("graph", {}), "format": node_link.JSON_FORMAT, "version": node_link.JSON_VERSION}
    return json.dumps(data, ensure_ascii=False)
