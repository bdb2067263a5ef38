"""`vbgraph export`, and the graph loading the views (vbgraph.views.cli) and reports share.

    vbgraph export --format ttl|jsonld|graphml|json [--graph PATH | --from DIR] [--out FILE]
                   [--no-provenance] [--with-vocabulary] [--base IRI]

Commands that need a graph read the node-link JSON that `vbgraph build` writes (``--graph``, default
out/graph.json when it exists), or build it on the spot from a folder or files of documents (``--from``).
Exit codes: 0 done, 1 a file could not be read or written, 2 the request was wrong (no graph given).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import networkx as nx

DEFAULT_GRAPH = Path("out") / "graph.json"


class SurfaceError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def read_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """A graph written by `vbgraph build` or `vbgraph export --format json` (graph.node_link.read_json)."""
    from vbgraph.graph.node_link import read_json

    return read_json(path)


def build_from(paths: list[str], quiet: bool = False) -> nx.MultiDiGraph:
    """Extract and build the graph of these files/folders now (one bad file is reported and skipped)."""
    from vbgraph.extract.readers import expand_paths
    from vbgraph.graph.build import build_graph
    from vbgraph.jobs import ingest_paths

    if not expand_paths(paths):
        raise SurfaceError(f"no readable documents in {', '.join(paths)}", 2)
    docs, failures = ingest_paths(paths, quiet)
    for path, problem in failures:
        print(f"vbgraph: {path}: {problem}", file=sys.stderr)
    return build_graph(docs)


def load_graph(args) -> nx.MultiDiGraph:
    if getattr(args, "from_paths", None):
        return build_from(args.from_paths, quiet=getattr(args, "quiet", False))
    path = Path(args.graph) if args.graph else DEFAULT_GRAPH
    if not path.exists():
        where = f"{path} does not exist" if args.graph else f"no --graph given and {DEFAULT_GRAPH} does not exist"
        raise SurfaceError(f"{where}: run `vbgraph build` first, or pass --from DIR to build from documents", 2)
    try:
        return read_graph_json(path)
    except (OSError, ValueError) as exc:
        raise SurfaceError(f"{path}: {exc}", 1)


def _graph_arguments(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--graph", metavar="PATH",
                       help=f"graph JSON written by `vbgraph build` (default {DEFAULT_GRAPH})")
    where.add_argument("--from", dest="from_paths", nargs="+", metavar="DIR",
                       help="build the graph now from these documents (files or folders)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def add_cli(subparsers) -> None:
    """Register ``export`` on an argparse subparsers object (vbgraph/cli.py)."""
    p = subparsers.add_parser(
        "export", help="export the graph as RDF (Turtle, JSON-LD; ELI vocabulary), GraphML or node-link JSON",
        description="RDF follows the European Legislation Identifier ontology where it fits and a small "
                    "vbgraph vocabulary for the rest; see vbgraph.graph.rdf.")
    _graph_arguments(p)
    p.add_argument("--format", required=True, choices=["ttl", "jsonld", "graphml", "json"])
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--no-provenance", action="store_true",
                   help="RDF: leave out the statement resources that carry each edge's provenance")
    p.add_argument("--with-vocabulary", action="store_true",
                   help="RDF: add the vbgraph vocabulary (labels, comments, sub-properties) to the data")
    p.add_argument("--base", help="RDF: base IRI of node ids (default https://vbgraph.example/id/)")
    p.set_defaults(func=_cmd_export)


def _run(fn, args) -> int:
    try:
        return fn(args)
    except SurfaceError as exc:
        print(f"vbgraph {args.command}: {exc}", file=sys.stderr)
        return exc.code


def _cmd_export(args) -> int:
    return _run(_export, args)


def _export(args) -> int:
    from vbgraph.graph.rdf import BASE, export

    g = load_graph(args)
    try:
        text = export(g, args.format, base=args.base or BASE, provenance=not args.no_provenance,
                      vocabulary=args.with_vocabulary)
    except ValueError as exc:
        raise SurfaceError(str(exc), 2)
    if args.out:
        try:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SurfaceError(f"{args.out}: {exc}", 1)
        print(f"{args.out}: {args.format}, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
