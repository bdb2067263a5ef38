"""`vbgraph query` and `vbgraph cypher`: run a named question or ad-hoc Cypher on a graph store.

    vbgraph query list [NAME]                          the named questions, their parameters and defaults
    vbgraph query NAME [--param k=v ...] [--neo4j [URI] | --store PATH] [--format table|json|csv]
    vbgraph cypher "MATCH …" [--param k=v ...] [--write] [--neo4j [URI] | --store PATH] [--format …]

The default store is the embedded kglite store that `vbgraph build` writes under out/. Ad-hoc Cypher
is read-only unless --write is given: Neo4j runs it in a READ access-mode transaction and kglite with
its read-only switch, and a statement with a write clause is refused before it reaches either.
Exit codes: 0 answered, 1 the store or the Cypher failed, 2 the request was wrong (unknown query,
bad or missing parameter, write without --write).
"""
from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import logging
import re
import shutil
import sys
import textwrap

from vbgraph.queries.catalog import QueryError, bind, catalog, get, parse_assignments

DEFAULT_STORE = "out/store"
FORMATS = ("table", "json", "csv")
DEFAULT_LIMIT = 50
MIN_COLUMN = 10         # a column cut narrower than this says nothing: better left out, and named
_WRITE_RX = re.compile(r"(?<![\w.$`])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|INSERT|LOAD\s+CSV)(?![\w`])",
                       re.IGNORECASE)


class CliError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# --- the parser ----------------------------------------------------------------------------------


def _catalog_epilog() -> str:
    lines = ["named queries (vbgraph query list NAME for the full description):"]
    for q in catalog().values():
        lines.append(f"  {q.name}")
        lines += textwrap.wrap(q.summary(), width=96, initial_indent="      ", subsequent_indent="      ")
        if q.params:
            params = ", ".join(f"{p.name}={p.describe_default()}" for p in q.params)
            lines += textwrap.wrap(f"params: {params}", width=96, initial_indent="      ",
                                   subsequent_indent="              ")
    return "\n".join(lines)


def _store_arguments(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--neo4j", nargs="?", const="", metavar="URI",
                       help="run on Neo4j (URI, or NEO4J_URI / the bundled server when given alone; "
                            "NEO4J_USER / NEO4J_PASSWORD for auth)")
    where.add_argument("--store", metavar="PATH",
                       help=f"the embedded kglite store: a .kgl file or the folder 'vbgraph build' wrote "
                            f"(default: {DEFAULT_STORE}/)")
    p.add_argument("--param", "-p", action="append", metavar="KEY=VALUE", default=[],
                   help="a query parameter (repeatable)")
    p.add_argument("--format", "-f", choices=FORMATS, default="table")
    p.add_argument("--max-width", type=int, default=None, metavar="N",
                   help="table format: lines at most N characters wide, cells cut with … to fit "
                        "(0: never cut; default: the terminal's width)")
    rows = p.add_mutually_exclusive_group()
    rows.add_argument("--limit", type=int, default=None, metavar="N",
                      help=f"print the first N rows (table default {DEFAULT_LIMIT}; csv and json: all)")
    rows.add_argument("--all", action="store_true", help="print every row")


def add_cli(subparsers) -> None:
    """Register `query` and `cypher` on the `vbgraph` subparsers."""
    p = subparsers.add_parser(
        "query", help="run a named question (vbgraph query list)",
        description="Run one named question (queries/*.cypher) on the graph store.",
        epilog=_catalog_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", help="a query name, or 'list' to describe them")
    p.add_argument("detail", nargs="?", help=argparse.SUPPRESS)   # vbgraph query list NAME
    _store_arguments(p)
    p.set_defaults(func=_cmd_query)

    p = subparsers.add_parser(
        "cypher", help="run ad-hoc Cypher (read-only unless --write)",
        description="Run ad-hoc parameterised Cypher on the graph store. Read-only unless --write. "
                    "Parameter values are read as JSON when they parse (numbers, true/false/null, "
                    "lists), else as strings.")
    p.add_argument("cypher", help="the statement, or - to read it from stdin")
    p.add_argument("--write", action="store_true", help="allow writes (CREATE, MERGE, SET, DELETE …)")
    _store_arguments(p)
    p.set_defaults(func=_cmd_cypher)


# --- commands ------------------------------------------------------------------------------------


def _cmd_query(args) -> int:
    try:
        if args.name == "list":
            if args.detail:
                print(get(args.detail).usage())
            else:
                for i, q in enumerate(catalog().values()):
                    print(("\n" if i else "") + q.usage())
            return 0
        if args.detail:
            raise QueryError(f"unexpected argument {args.detail!r} (parameters go as --param key=value)")
        query = get(args.name)
        params = bind(query, parse_assignments(args.param))
    except QueryError as e:
        return _fail(str(e), 2)
    return _run(args, query.cypher, params, write=False, quiet=True)


def _cmd_cypher(args) -> int:
    text = sys.stdin.read() if args.cypher == "-" else args.cypher
    try:
        params = {k: _auto_value(v) for k, v in parse_assignments(args.param).items()}
    except QueryError as e:
        return _fail(str(e), 2)
    clause = write_clause(text)
    if clause and not args.write:
        return _fail(f"the statement writes ({clause}); pass --write to run it", 2)
    if not args.write:
        from vbgraph.graph.stores.base import ReadOnlyError, refuse_in_read_mode
        try:
            refuse_in_read_mode(text)
        except ReadOnlyError as e:
            return _fail(str(e), 2)
    return _run(args, text, params, write=args.write, quiet=False)


def _run(args, cypher: str, params: dict, write: bool, quiet: bool) -> int:
    try:
        store = open_cli_store(args.neo4j, args.store, quiet=quiet, write=write)
    except CliError as e:
        return _fail(str(e), e.code)
    try:
        rows = store.run(cypher, params, write=write)
    except Exception as e:  # the engines' own errors: Cypher syntax, types, access mode, connection
        return _fail(f"{_engine_name(store)}: {_error_text(e)}", 1)
    finally:
        try:
            store.close()
        except Exception as e:  # noqa: BLE001 - a failed close must not hide the answer's exit code
            print(f"vbgraph: closing the store: {e}", file=sys.stderr)
    sys.stdout.write(format_rows(rows, args.format, output_width(args.max_width), row_limit(args)))
    return 0


def open_cli_store(neo4j: str | None, path: str | None, quiet: bool = True, write: bool = False):
    """The store the command line names: Neo4j when --neo4j is given, else the kglite store."""
    from vbgraph.graph.stores.base import open_store

    if neo4j is not None:
        from vbgraph.graph.stores.neo4j_server import Neo4jServerError, connect

        if quiet:
            logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
        try:
            uri, auth = connect(neo4j or None)
        except Neo4jServerError as e:
            raise CliError(str(e)) from None
        return open_store("neo4j", uri=uri, auth=auth)
    from vbgraph.graph.stores.kglite_store import kgl_file

    file = kgl_file(path or DEFAULT_STORE)
    if not file.is_file():
        hint = "run 'vbgraph build DIR' first, or" if path is None else "check the path, or"
        raise CliError(f"no embedded graph store at {file} ({hint} pass --store PATH / --neo4j URI)")
    try:
        return open_store("kglite", path=str(file), read_only=not write)
    except Exception as e:
        raise CliError(f"cannot open {file}: {_error_text(e)}") from None


def write_clause(cypher: str) -> str | None:
    """The first write clause of a statement (outside strings, comments and `names`), or None."""
    from vbgraph.graph.stores.base import without_literals

    m = _WRITE_RX.search(without_literals(cypher))
    return " ".join(m.group(1).upper().split()) if m else None


def _auto_value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def _engine_name(store) -> str:
    return "neo4j" if type(store).__name__.lower().startswith("neo4j") else "kglite"


def _error_text(e: Exception) -> str:
    from vbgraph.graph.stores.neo4j_server import one_line

    return one_line(e)


def _fail(message: str, code: int) -> int:
    print(f"vbgraph: {message}", file=sys.stderr)
    return code


# --- output --------------------------------------------------------------------------------------


def _columns(rows: list[dict]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        cols += [k for k in row if k not in cols]
    return cols


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return " ".join(str(value).split())


def output_width(max_width: int | None) -> int:
    """--max-width, else the terminal's width (80 when the output is not a terminal)."""
    return shutil.get_terminal_size((80, 24)).columns if max_width is None else max_width


def row_limit(args) -> int | None:
    if getattr(args, "all", False):
        return None
    if getattr(args, "limit", None) is not None:
        return args.limit
    return DEFAULT_LIMIT if args.format == "table" else None


def fit_widths(natural: list[int], max_width: int, gap: int = 2) -> list[int]:
    """Column widths whose line fits ``max_width``: the widest column gives up a character at a time, none
    below MIN_COLUMN (or its natural width); columns that still do not fit get width 0 (left out)."""
    widths = list(natural)
    if max_width <= 0:
        return widths

    def total(ws):
        shown = [w for w in ws if w]
        return sum(shown) + gap * max(0, len(shown) - 1)

    while total(widths) > max_width:
        shrinkable = [i for i, w in enumerate(widths) if w > min(MIN_COLUMN, natural[i])]
        if shrinkable:
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= max(1, min(widths[widest] - MIN_COLUMN, total(widths) - max_width))
            continue
        last = max(i for i, w in enumerate(widths) if w)
        if last == 0:
            widths[0] = max(1, max_width)
            break
        widths[last] = 0
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


def format_rows(rows: list[dict], fmt: str = "table", max_width: int = 0, limit: int | None = None) -> str:
    """Rows as a table, CSV or JSON, with the same columns in the same order in each.  ``limit`` keeps the
    first rows (the table says how many there were); the table fits ``max_width`` (0: no limit)."""
    cols = _columns(rows)
    total = len(rows)
    shown = rows if limit is None else rows[:max(0, limit)]
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in cols} for row in shown], ensure_ascii=False, indent=2,
                          default=str) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if cols:
            writer.writerow(cols)
        for row in shown:
            writer.writerow([_cell(row.get(c)) for c in cols])
        return buf.getvalue()
    if not rows:
        return "(no rows)\n"
    table = [list(cols)] + [[_cell(row.get(c)) for c in cols] for row in shown]
    widths = fit_widths([max(len(r[i]) for r in table) for i in range(len(cols))], max_width)
    kept = [i for i, w in enumerate(widths) if w]
    lines = ["  ".join(_cut(r[i], widths[i]).ljust(widths[i]) for i in kept).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * widths[i] for i in kept))
    note = f"({total} row{'s' if total != 1 else ''})" if len(shown) == total else \
        f"({len(shown)} of {total} rows; --limit N or --all for more)"
    if len(kept) < len(cols):
        left = [cols[i] for i in range(len(cols)) if not widths[i]]
        note += f" — {len(left)} column{'s' if len(left) != 1 else ''} left out to fit {max_width} characters " \
                f"({', '.join(left)}): --max-width 0, or --format csv/json"
    lines.append(note if max_width <= 0 else _cut(note, max_width))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m vbgraph.queries.cli query …` (the same commands without the vbgraph front door)."""
    parser = argparse.ArgumentParser(prog="vbgraph")
    add_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
