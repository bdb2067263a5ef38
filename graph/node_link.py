"""The graph as one JSON file (networkx node-link data): what `vbgraph build` writes as out/graph.json and
what the views, reports and `vbgraph export` read back, without any store."""
from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx

JSON_FORMAT = "vbgraph/node-link"
JSON_VERSION = 2

# Edge properties include "source" (a fact's source): the link's own ends get names no property uses.
NODE_LINK_NAMES = {"source": "_from", "target": "_to", "key": "_key"}


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    """Write ``graph`` as node-link JSON (UTF-8, diacritics kept), atomically; returns the path."""
    path = Path(path)
    data = nx.node_link_data(graph, edges="edges", **NODE_LINK_NAMES)
    data["graph"] = {**data.get("graph", {}), "format": JSON_FORMAT, "version": JSON_VERSION}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False))   # dumps encodes in C; dump(…, file) in Python
    os.replace(tmp, path)
    return path


def read_json(path: str | os.PathLike) -> nx.MultiDiGraph:
    """The graph ``write_json`` wrote: same nodes, attributes, edge keys and attributes."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    meta = data.get("graph") or {}
    if meta.get("format") != JSON_FORMAT:
        raise ValueError(f"{path}: not a vbgraph node-link file (format {meta.get('format')!r})")
    if meta.get("version") != JSON_VERSION:
        raise ValueError(f"{path}: node-link version {meta.get('version')!r}, this vbgraph reads {JSON_VERSION}")
    g = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges", **NODE_LINK_NAMES)
    for key in ("format", "version"):
        g.graph.pop(key, None)
    for node_id, attrs in g.nodes(data=True):
        attrs["id"] = node_id  # node_link_graph strips the attribute that names the node
    return g
