"""`vbgraph browse`, `vbgraph show`, `vbgraph adoption`: the views on the command line.

    vbgraph browse [--graph out/graph.json | --from DIR | --store PATH] [--focus ID|SYMBOL|PROVINCE] [--hops N]
                   [--lineage] [--admin] [--max-nodes N] [--max-edges N] [--out FILE.html]
    vbgraph show FILE [--out FILE.html]
    vbgraph adoption SYMBOL [--as-of DATE] [--names old|2025] [--store PATH | --neo4j [URI]] [--out FILE.html|.png]

Exit codes: 0 done, 1 a file could not be read or written, 2 the request was wrong (unknown focus or
document, no graph given).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import networkx as nx

from vbgraph.export import SurfaceError, _graph_arguments, _run, load_graph


def add_cli(subparsers) -> None:
    """Register ``browse``, ``show`` and ``adoption`` on the `vbgraph` subparsers."""
    from vbgraph.views.browse import DEFAULT_HOPS, DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES

    p = subparsers.add_parser(
        "browse", help="write an interactive HTML view of the graph (pyvis): an overview, or around a focus",
        description="Write one self-contained HTML page (no network needed). Without --focus: an overview "
                    "that groups documents by kind and issuing level, with the most cited documents and the "
                    "provinces, each group opening on a click. With --focus: the neighbourhood (legal links "
                    "first, the rest capped with a '+N more' node), or with --lineage the legal lineage drawn "
                    "top-down. Provinces and other administrative units are left out unless --admin. A view "
                    "that is cut says so on the page and on stderr.")
    _graph_arguments(p)
    p.add_argument("--store", metavar="PATH",
                   help="read the graph from the embedded store a build wrote (what `build --stream` leaves)")
    p.add_argument("--focus", metavar="ID|SYMBOL",
                   help="node id, document symbol (any written form), province, agency or movement name")
    p.add_argument("--hops", type=int, default=DEFAULT_HOPS, help="how far from the focus (default %(default)s)")
    p.add_argument("--lineage", action="store_true",
                   help="follow only legal links (implements, based on, cites …), up and down from the focus")
    p.add_argument("--admin", action="store_true", help="also draw provinces (administrative units)")
    p.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, help="cap (default %(default)s)")
    p.add_argument("--max-edges", type=int, default=DEFAULT_MAX_EDGES, help="cap (default %(default)s)")
    p.add_argument("--out", default="out/browse.html", help="HTML file to write (default %(default)s)")
    p.set_defaults(func=_cmd_browse)

    p = subparsers.add_parser(
        "show", help="write an HTML view of one document with its citations, agencies, deadlines and "
                     "movements highlighted (displaCy)",
        description="Extract one document and write it as HTML with every found item highlighted: the "
                    "quickest way for a person to check the extractor.")
    p.add_argument("file", help="the document (.txt, .md, …)")
    p.add_argument("--out", help="HTML file to write (default out/show/<stem>.html)")
    p.set_defaults(func=_cmd_show)

    p = subparsers.add_parser(
        "adoption", help="which provinces implement or cite a directive, year by year: a tile map of Vietnam",
        description="For a directive (or any document): the provinces whose documents implement it (a chain "
                    "of IMPLEMENTS) or only cite it, drawn on a tile map of Vietnam (63 provinces before "
                    "12/6/2025, 34 after) with a provinces × years matrix; a click lists the documents with "
                    "their sentence. Uses the named query provinces_implementing.")
    p.add_argument("symbol", help="the document's symbol in any spelling (33/CT-TTg) or its node id")
    p.add_argument("--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                   help="count only documents issued by this day (default today)")
    p.add_argument("--names", choices=["old", "2025"],
                   help="provinces before or after 12/6/2025 (default: those in force on --as-of)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--store", metavar="PATH", help="the embedded store (default out/store)")
    where.add_argument("--neo4j", nargs="?", const="", metavar="URI", help="run on Neo4j")
    p.add_argument("--out", default="out/adoption.html", help=".html or .png to write (default %(default)s)")
    p.set_defaults(func=_cmd_adoption)


def _cmd_browse(args) -> int:
    return _run(_browse, args)


def graph_from_store(path: str) -> nx.MultiDiGraph:
    """The whole graph held in an embedded store, as `vbgraph build` would have written it to graph.json."""
    from vbgraph.graph.stores.base import plain_labels
    from vbgraph.queries.cli import CliError, open_cli_store

    try:
        store = open_cli_store(None, path)
    except CliError as exc:
        raise SurfaceError(str(exc), 2)
    try:
        g = nx.MultiDiGraph()
        for row in store.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"):
            props = row["props"]
            g.add_node(props["id"], **{**props, "labels": plain_labels(row["labels"])})
        for row in store.run("MATCH (a)-[r]->(b) RETURN a.id AS u, b.id AS v, type(r) AS type, "
                             "properties(r) AS props"):
            props = row["props"]
            g.add_edge(row["u"], row["v"], key=props.get("key_id"), **{**props, "type": row["type"]})
    finally:
        store.close()
    return g


def _browse(args) -> int:
    from vbgraph.views.browse import FocusError, select_view, write_page

    g = graph_from_store(args.store) if args.store else load_graph(args)
    try:
        view = select_view(g, focus=args.focus, hops=args.hops, max_nodes=args.max_nodes,
                           max_edges=args.max_edges, lineage=args.lineage, admin=args.admin)
    except (FocusError, ValueError) as exc:
        raise SurfaceError(str(exc), 2)
    try:
        out = write_page(g, view, args.out)
    except OSError as exc:
        raise SurfaceError(f"{args.out}: {exc}", 1)
    if view.capped:
        print(f"vbgraph browse: {view.cap_message()}", file=sys.stderr)
    print(f"{out}: {view.description}, {len(view.nodes)} nodes and {len(view.edges)} edges")
    return 0


def _cmd_show(args) -> int:
    return _run(_show, args)


def _show(args) -> int:
    from vbgraph.extract.errors import InputError
    from vbgraph.extract.readers import read_document
    from vbgraph.views.show import show_html

    try:
        raw = read_document(args.file)
    except InputError as exc:
        raise SurfaceError(f"{args.file}: {exc.problem}", 1)
    out = Path(args.out) if args.out else Path("out") / "show" / f"{Path(args.file).stem}.html"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(show_html(raw, Path(args.file).name), encoding="utf-8")
    except OSError as exc:
        raise SurfaceError(f"{out}: {exc}", 1)
    print(out)
    return 0


def _cmd_adoption(args) -> int:
    return _run(_adoption, args)


def _adoption(args) -> int:
    from vbgraph.queries.cli import CliError, open_cli_store
    from vbgraph.views.adoption import AdoptionError, adoption, write_adoption

    try:
        store = open_cli_store(args.neo4j, args.store)
    except CliError as exc:
        raise SurfaceError(str(exc), exc.code)
    try:
        result = adoption(store, args.symbol, as_of=args.as_of, names=args.names)
    except AdoptionError as exc:
        raise SurfaceError(str(exc), 2)
    finally:
        store.close()
    try:
        out = write_adoption(result, args.out)
    except AdoptionError as exc:
        raise SurfaceError(str(exc), 1)
    except OSError as exc:
        raise SurfaceError(f"{args.out}: {exc}", 1)
    c = result.counts()
    print(f"{out}: {c['strict']} tỉnh thực hiện, {c['cites']} chỉ dẫn chiếu, {c['none']} không có văn bản "
          f"(trên {len(result.tiles)} tỉnh, tính đến {result.as_of.isoformat()})")
    return 0
