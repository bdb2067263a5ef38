"""The named questions: one parameterised ``.cypher`` file each in this folder, described by its
header comment, which this module reads so the CLI can list, explain and check them.

Header (``//`` lines before the first Cypher line)::

    // name: lineage_up
    // description: one or more lines; continuation lines start with '//' and two or more spaces
    // param: symbol    string  null  help text      (name, type, default, help)
    // requires: id | symbol                          (at least one of them must be given)
    // example: vbgraph query lineage_up --param symbol=60/KH-SVHTTDL
    // Any other comment line ends the header and stays in the Cypher.

Types: string, symbol (a document symbol, spelled the way the extractor spells it: ``765-KH/UBND`` is
sent as ``765/KH-UBND``, so the Cypher compares ``d.symbol = $symbol`` and an index can answer it),
int, float, bool, date (ISO ``YYYY-MM-DD``), choice(a|b|c) (a string, one of those). Defaults: ``null``, a literal of the
type, or ``today`` for a date. Every declared parameter is always sent (its default when not
given), so the Cypher can test ``$p IS NULL``; Cypher never sees a value built into its text.

Every query runs unchanged on Neo4j 5.26 and kglite 0.21 (tests/test_queries.py compares them), which
asks of the Cypher:

* a pattern starts at the node already bound: kglite expands a pattern from its left end, so
  ``(d)<-[:IMPLEMENTS*1..10]-(s)`` with ``d`` bound answers in a millisecond where
  ``(s)-[:IMPLEMENTS*1..10]->(d)`` scans every document;
* a document is found by ``{id: $id}`` or ``{symbol: $symbol}`` (one branch each of a ``CALL { … UNION
  … }``), which both engines answer from an index rather than a scan;
* variable-length bounds are literals (Neo4j takes no parameter there); ``$max_hops`` filters
  ``length(p)``;
* ``title`` and ``name`` are read as ``coalesce(title, name)`` with kglite's minted ``'Node_<id>'`` made
  null: kglite answers an unstored title with the stored name (and the reverse), or ``'Node_<id>'``;
  likewise an unstored relationship ``start`` / ``end`` reads as the id of its start / end node there,
  so the character offset is read as ``CASE WHEN toInteger(r.start) = r.start THEN r.start END``;
* every output column that matters is in ORDER BY, and lists are collected after an ORDER BY, so two
  engines can be compared row by row.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent
TYPES = ("string", "symbol", "int", "float", "bool", "date")
_PARAM_RX = re.compile(r'^(\w+)\s+(\w+(?:\([^)\s]*\))?)\s+("[^"]*"|\S+)\s*(.*)$')
_KEY_RX = re.compile(r"^// ?(name|description|param|requires|example):\s*(.*)$")
_CONTINUATION_RX = re.compile(r"^//\s{2,}\S")
_DATE_RX = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryError(Exception):
    """A named query cannot be run as asked (unknown name, bad or missing parameter)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str                # string int float bool date, or "choice"
    default: object          # already converted; "today" stays a marker resolved at bind time
    help: str = ""
    choices: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        return "|".join(self.choices) if self.choices else self.type

    def describe_default(self) -> str:
        return "null" if self.default is None else str(self.default)


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    params: tuple[Param, ...]
    cypher: str
    path: str
    requires: tuple[tuple[str, ...], ...] = ()
    examples: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def summary(self) -> str:
        """The first sentence of the description ('e.g.' does not end one)."""
        return re.split(r"(?<!e\.g)(?<!i\.e)\.\s", self.description, maxsplit=1)[0].rstrip(".") + "."

    def usage(self) -> str:
        """Several lines: description, parameters with type and default, examples."""
        lines = [f"{self.name}: {self.description}", "parameters:"]
        w_name = max((len(p.name) for p in self.params), default=0)
        w_type = max((len(p.type_label) for p in self.params), default=0)
        w_default = max((len(p.describe_default()) for p in self.params), default=0)
        for p in self.params:
            lines.append(f"  {p.name:<{w_name}}  {p.type_label:<{w_type}}  "
                         f"default {p.describe_default():<{w_default}}  {p.help}")
        if not self.params:
            lines.append("  (none)")
        for group in self.requires:
            lines.append(f"  (give at least one of: {', '.join(group)})")
        lines += [f"example: {e}" for e in self.examples]
        return "\n".join(lines)


def canonical_symbol(text: str) -> str:
    """The extractor's spelling of a symbol given alone (``33/CT-TTG`` → ``33/CT-TTg``); text that is
    not exactly one symbol is returned stripped, unchanged."""
    from vbgraph.extract.symbols import canonical_text, find_symbols

    text = " ".join(text.split())
    found = find_symbols(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        return canonical_text(found[0])
    return text


def convert(value, type_: str, name: str = "value", choices: tuple[str, ...] = ()):
    """A parameter value of the declared type from a string (CLI) or a Python value (API)."""
    if choices:
        value = convert(value, "string", name)
        if value is not None and value not in choices:
            raise QueryError(f"parameter {name!r}: {value!r} is not one of {', '.join(choices)}")
        return value
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("null", "none"):
        return None
    try:
        if type_ == "string":
            return str(value)
        if type_ == "symbol":
            return canonical_symbol(str(value))
        if type_ == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
        if type_ == "float":
            return float(value)
        if type_ == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "yes", "1"):
                return True
            if text in ("false", "no", "0"):
                return False
            raise ValueError
        if type_ == "date":
            if isinstance(value, (_dt.date, _dt.datetime)):
                return value.isoformat()[:10]
            text = str(value).strip()
            if text.lower() == "today":
                return _dt.date.today().isoformat()
            if not _DATE_RX.match(text):
                raise ValueError
            _dt.date.fromisoformat(text)
            return text
    except (TypeError, ValueError):
        raise QueryError(f"parameter {name!r}: {value!r} is not a valid {type_}"
                         + (" (YYYY-MM-DD)" if type_ == "date" else "")) from None
    raise QueryError(f"parameter {name!r}: unknown type {type_!r}")


def parse(text: str, path: str = "<text>") -> Query:
    """A Query from the text of one .cypher file (header + body)."""
    lines = text.splitlines()
    fields: dict[str, list[str]] = {}
    last: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _KEY_RX.match(line)
        if m:
            last = m.group(1)
            fields.setdefault(last, []).append(m.group(2).strip())
        elif last and _CONTINUATION_RX.match(line):
            fields[last][-1] += " " + line[2:].strip()     # indented: continues the last field
        elif line.strip():
            break                                          # plain comments and Cypher: the body
        i += 1
    body = "\n".join(lines[i:]).strip() + "\n"
    if not fields.get("name"):
        raise QueryError(f"{path}: header has no '// name:' line")
    params = []
    for spec in fields.get("param", []):
        m = _PARAM_RX.match(spec)
        if not m or m.group(2).split("(")[0] not in TYPES + ("choice",):
            raise QueryError(f"{path}: bad param line {spec!r} (want: name type default help; types {TYPES})")
        pname, ptype, raw_default, help_ = m.groups()
        choices: tuple[str, ...] = ()
        if ptype.startswith("choice("):
            choices = tuple(c for c in ptype[7:-1].split("|") if c)
            ptype = "choice"
        raw_default = raw_default.strip('"')
        if raw_default == "today" and ptype == "date":
            default = "today"
        else:
            default = convert(raw_default, ptype, pname, choices)
        params.append(Param(pname, ptype, default, help_, choices))
    requires = tuple(tuple(x.strip() for x in spec.split("|")) for spec in fields.get("requires", []))
    query = Query(name=fields["name"][0], description=" ".join(fields.get("description", [""])),
                  params=tuple(params), cypher=body, path=path, requires=requires,
                  examples=tuple(fields.get("example", [])))
    used, declared = set(re.findall(r"\$(\w+)", body)), {p.name for p in params}
    if used != declared:
        raise QueryError(f"{path}: parameters used but not declared {sorted(used - declared)}, "
                         f"declared but not used {sorted(declared - used)}")
    for group in requires:
        if not set(group) <= declared:
            raise QueryError(f"{path}: 'requires' names undeclared parameters {group}")
    return query


@lru_cache(maxsize=None)
def _load(folder: str) -> dict[str, Query]:
    queries: dict[str, Query] = {}
    for path in sorted(Path(folder).glob("*.cypher")):
        q = parse(path.read_text(encoding="utf-8"), str(path))
        if q.name != path.stem:
            raise QueryError(f"{path}: header name {q.name!r} differs from the file name")
        queries[q.name] = q
    return queries


def catalog(folder: str | Path | None = None) -> dict[str, Query]:
    """All named queries, by name, sorted."""
    return dict(_load(str(folder or QUERY_DIR)))


def get(name: str) -> Query:
    queries = catalog()
    if name not in queries:
        close = [n for n in queries if name.lower() in n or n in name.lower()]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"unknown query {name!r}{hint} (known: {', '.join(queries)})")
    return queries[name]


def bind(query: Query, given: dict | None = None) -> dict:
    """Every declared parameter with its value: given (converted to the declared type) or the
    default. Unknown names and unmet 'requires' raise QueryError."""
    given = dict(given or {})
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))} "
                         f"(parameters: {', '.join(p.name for p in query.params) or 'none'})")
    values = {}
    for p in query.params:
        if p.name in given:
            values[p.name] = convert(given[p.name], p.type, p.name, p.choices)
        else:
            values[p.name] = convert(p.default, p.type, p.name) if p.default == "today" else p.default
    for group in query.requires:
        if all(values.get(n) is None for n in group):
            raise QueryError(f"query {query.name!r} needs {' or '.join('--param ' + n + '=…' for n in group)}")
    return values


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """['k=v', ...] from the command line into a dict (values stay strings until bind())."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param wants key=value, got {item!r}")
        out[key.strip()] = value
    return out


def run(store, name: str, params: dict | None = None) -> list[dict]:
    """Run one named query on a store (anything with ``run(cypher, params, write=False)``)."""
    query = get(name)
    return store.run(query.cypher, bind(query, params), write=False)
