"""`vbgraph export`: RDF aligned with ELI (round trips, concrete triples of the sample plans), GraphML, JSON."""
from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from vbgraph.graph.rdf import BASE, ELI, VBG, export, node_iri, statement_iri, to_rdf, vocabulary_graph

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TAY_NINH_2024 = SAMPLES / "000_37ff60af79915060.txt"      # 859/KH-UBND, cites 33/CT-TTg of 26/11/2021
SVHTTDL_2023 = SAMPLES / "002_8f22e1142d4e47e2.txt"       # 60/KH-SVHTTDL, implements 765/KH-UBND
PER_KIND = 25


@pytest.fixture(scope="module")
def sample_graph() -> nx.MultiDiGraph:
    from vbgraph.graph.build import build_graph, ingest_text

    return build_graph([ingest_text(p.read_text(encoding="utf-8"), str(p)) for p in (TAY_NINH_2024, SVHTTDL_2023)])


@pytest.fixture(scope="module")
def small_graph(sample_graph) -> nx.MultiDiGraph:
    """Every document, province and file of the sample graph, and the first agencies and movements: all
    node kinds and edge types, small enough that a round trip stays quick whatever the extractor finds."""
    keep, seen = [], {}
    for n, data in sample_graph.nodes(data=True):
        labels = data["labels"]
        if "Agency" in labels or "Movement" in labels:
            kind = labels[0]
            seen[kind] = seen.get(kind, 0) + 1
            if seen[kind] > PER_KIND:
                continue
        keep.append(n)
    return sample_graph.subgraph(keep).copy()


@pytest.fixture(scope="module")
def sample_rdf(sample_graph) -> Graph:
    """The sample graph as RDF, movements left out: no triple checked here involves one, and leaving them
    out keeps the conversion quick however many the movement finder reports."""
    keep = [n for n, d in sample_graph.nodes(data=True) if "Movement" not in d["labels"]]
    return to_rdf(sample_graph.subgraph(keep))


def _by_symbol(g: nx.MultiDiGraph, symbol: str) -> str:
    [node] = [n for n, d in g.nodes(data=True) if d.get("symbol") == symbol]
    return node


def _round_trip(rdf: Graph, fmt: str) -> Graph:
    text = rdf.serialize(format=fmt)
    return Graph().parse(data=text, format=fmt)


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_rdf_round_trip_keeps_every_triple(small_graph, fmt):
    rdf = to_rdf(small_graph)
    kinds = {str(o) for o in rdf.objects(None, RDF.type)}
    assert {str(ELI.LegalResource), str(VBG.Plan), str(VBG.Agency), str(VBG.Province), str(VBG.SourceFile),
            str(VBG.Relation)} <= kinds
    back = _round_trip(rdf, fmt)
    assert len(back) == len(rdf) > 500
    assert set(back) == set(rdf)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_export_text_parses_back_to_the_same_triples(small_graph, fmt):
    text = export(small_graph, fmt)
    back = Graph().parse(data=text, format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
    assert set(back) == set(to_rdf(small_graph))
    if fmt == "jsonld":
        assert json.loads(text)["@context"]["eli"] == str(ELI)


def test_hostile_text_and_odd_ids_survive_serialisation():
    g = nx.MultiDiGraph()
    title = 'Kế hoạch "số 1" \\ <script>alert(1)</script> """ \' \n dòng hai\t& đ'
    g.add_node("vn/tây ninh/2024/1 kh?x#y", id="vn/tây ninh/2024/1 kh?x#y", labels=["Document", "Plan"],
               symbol="1/KH-UBND", title=title, date="2024-02", year=2024, written_forms=["1/KH-UBND", "1-KH/UBND"],
               status="hết hiệu lực", confidence=0.8)
    g.add_node("vn/national/2021/33-ct-ttg", id="vn/national/2021/33-ct-ttg", labels=["Document"],
               symbol="33/CT-TTg", status="còn hiệu lực (per source; snapshot date unknown)")
    g.add_edge("vn/tây ninh/2024/1 kh?x#y", "vn/national/2021/33-ct-ttg", key="CITES|f|x", type="CITES",
               sentence=title, file="a b/<c>.txt", start=1, end=2, starts=[1, 7], ends=[2, 9], confidence=0.75)
    rdf = to_rdf(g)
    for fmt in ("turtle", "json-ld", "nt", "xml"):
        assert set(_round_trip(rdf, fmt)) == set(rdf), fmt
    s = node_iri("vn/tây ninh/2024/1 kh?x#y")
    assert str(s) == BASE + "vn/t%C3%A2y%20ninh/2024/1%20kh%3Fx%23y"
    assert (s, ELI.title, Literal(title, lang="vi")) in rdf
    assert (s, ELI.date_document, Literal("2024-02", datatype=XSD.gYearMonth)) in rdf
    assert (s, ELI.in_force, ELI["InForce-notInForce"]) in rdf
    assert (node_iri("vn/national/2021/33-ct-ttg"), ELI.in_force, ELI["InForce-inForce"]) in rdf
    assert set(rdf.objects(s, VBG.writtenForm)) == {Literal("1/KH-UBND"), Literal("1-KH/UBND")}
    st = statement_iri("vn/tây ninh/2024/1 kh?x#y", "vn/national/2021/33-ct-ttg", "CITES|f|x")
    assert (st, VBG.spans, Literal("1-2;7-9")) in rdf
    assert (st, VBG.confidence, Literal("0.75", datatype=XSD.decimal)) in rdf


# --------------------------------------------------------------------------- the sample plans


def test_department_plan_implements_the_province_plan(sample_graph, sample_rdf):
    rdf = sample_rdf
    plan, target = _by_symbol(sample_graph, "60/KH-SVHTTDL"), _by_symbol(sample_graph, "765/KH-UBND")
    assert target.endswith("/765-kh-ubnd")
    s, o = URIRef(BASE + plan), URIRef(BASE + target)
    assert (s, VBG.implements, o) in rdf
    assert (s, RDF.type, VBG.Plan) in rdf and (s, RDF.type, ELI.LegalResource) in rdf
    assert (s, ELI.id_local, Literal("60/KH-SVHTTDL")) in rdf
    assert (s, ELI.date_document, Literal("2023-03-29", datatype=XSD.date)) in rdf
    # the link's provenance: a statement resource with the source file, offsets and sentence
    statements = list(rdf.subjects(RDF.predicate, VBG.implements))
    mine = [st for st in statements if (st, RDF.subject, s) in rdf and (st, RDF.object, o) in rdf]
    assert mine
    st = mine[0]
    assert (st, RDF.type, RDF.Statement) in rdf and (st, VBG.relationType, Literal("IMPLEMENTS")) in rdf
    assert str(rdf.value(st, VBG.file)).endswith("002_8f22e1142d4e47e2.txt")
    assert "765" in str(rdf.value(st, VBG.sentence))
    assert rdf.value(st, VBG.start).toPython() < rdf.value(st, VBG.end).toPython()


def test_directive_33_is_an_eli_legal_resource_with_its_date(sample_graph, sample_rdf):
    rdf = sample_rdf
    node = _by_symbol(sample_graph, "33/CT-TTg")
    d = node_iri(node)
    assert str(d) == BASE + node
    assert (d, RDF.type, ELI.LegalResource) in rdf
    assert (d, ELI.date_document, Literal("2021-11-26", datatype=XSD.date)) in rdf
    assert (d, ELI.id_local, Literal("33/CT-TTg")) in rdf
    assert (d, VBG.nodeId, Literal(node)) in rdf
    doc_type = rdf.value(d, ELI.type_document)
    assert (doc_type, SKOS.prefLabel, Literal("Chỉ thị", lang="vi")) in rdf
    # the Tây Ninh plan cites it, and the plan was passed by its issuer
    plan = node_iri(_by_symbol(sample_graph, "859/KH-UBND"))
    assert (plan, ELI.cites, d) in rdf
    issuer = rdf.value(plan, ELI.passed_by)
    assert (issuer, RDF.type, ELI.Organization) in rdf and "Tây Ninh" in str(rdf.value(issuer, RDFS.label))
    # "không xác định" is not a status ELI can state
    assert rdf.value(d, ELI.in_force) is None


def test_sparql_finds_what_implements_765(sample_rdf):
    rdf = sample_rdf
    rows = rdf.query("""
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        PREFIX vbg: <https://vbgraph.example/ontology#>
        SELECT ?symbol WHERE { ?plan vbg:implements ?d . ?d eli:id_local "765/KH-UBND" .
                               ?plan eli:id_local ?symbol }""")
    assert [str(r.symbol) for r in rows] == ["60/KH-SVHTTDL"]


def test_provenance_and_vocabulary_switches(small_graph):
    bare = to_rdf(small_graph, provenance=False)
    assert not list(bare.subjects(RDF.type, RDF.Statement))
    full = to_rdf(small_graph, vocabulary=True)
    assert (VBG.implements, RDFS.subPropertyOf, ELI.related_to) in full
    assert (VBG.Plan, RDFS.subClassOf, ELI.LegalResource) in full
    assert len(full) == len(to_rdf(small_graph)) + len(vocabulary_graph())
    other = to_rdf(small_graph, base="https://data.example.vn/")
    assert all(not str(s).startswith(BASE) for s in other.subjects())


# --------------------------------------------------------------------------- graphml, json, cli


def test_graphml_flattens_lists_and_keeps_counts(small_graph):
    text = export(small_graph, "graphml")
    back = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    assert back.number_of_nodes() == small_graph.number_of_nodes()
    assert back.number_of_edges() == small_graph.number_of_edges()
    node = _by_symbol(small_graph, "765/KH-UBND")
    assert json.loads(back.nodes[node]["labels"]) == small_graph.nodes[node]["labels"]
    assert sorted(json.loads(back.nodes[node]["written_forms"])) == sorted(small_graph.nodes[node]["written_forms"])


def test_json_export_reads_back_as_the_same_graph(small_graph, tmp_path):
    from vbgraph.export import read_graph_json

    path = tmp_path / "g.json"
    path.write_text(export(small_graph, "json"), encoding="utf-8")
    back = read_graph_json(path)
    assert dict(back.nodes(data=True)) == dict(small_graph.nodes(data=True))
    assert sorted(back.edges(keys=True)) == sorted(small_graph.edges(keys=True))


def test_unknown_format_is_refused(small_graph):
    with pytest.raises(ValueError, match="unknown export format"):
        export(small_graph, "csv")


def test_cli_export_from_graph_and_from_documents(small_graph, tmp_path, capsys):
    import argparse

    from vbgraph.export import add_cli

    parser = argparse.ArgumentParser(prog="vbgraph")
    add_cli(parser.add_subparsers(dest="command", required=True))
    graph_file = tmp_path / "graph.json"
    graph_file.write_text(export(small_graph, "json"), encoding="utf-8")
    out = tmp_path / "g.ttl"
    args = parser.parse_args(["export", "--format", "ttl", "--graph", str(graph_file), "--out", str(out)])
    assert args.func(args) == 0
    assert set(Graph().parse(out, format="turtle")) == set(to_rdf(small_graph))

    docs = tmp_path / "docs"
    docs.mkdir()
    head = SVHTTDL_2023.read_text(encoding="utf-8")[:700]  # number, date, title and the plan it implements
    (docs / SVHTTDL_2023.name).write_text(head, encoding="utf-8")
    args = parser.parse_args(["export", "--format", "jsonld", "--from", str(docs), "--no-provenance"])
    capsys.readouterr()
    assert args.func(args) == 0
    rdf = Graph().parse(data=capsys.readouterr().out, format="json-ld")
    [plan] = rdf.subjects(ELI.id_local, Literal("60/KH-SVHTTDL"))
    assert [str(rdf.value(o, ELI.id_local)) for o in rdf.objects(plan, VBG.implements)] == ["765/KH-UBND"]
    assert not list(rdf.subjects(RDF.type, RDF.Statement))
