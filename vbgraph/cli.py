"""The one front door: `vbgraph <verb> ...`. Each verb lives in the module that does the work;
this file only parses arguments and maps failures to exit codes."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from vbgraph import __version__


def _cmd_extract(args) -> int:
    from vbgraph.extract.errors import is_skipped
    from vbgraph.extract.pipeline import extract_paths

    read = failed = skipped = 0
    out_dir = Path(args.out) if args.out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    written: dict[str, str] = {}       # output name → the input written there in this run
    for path, record, error in extract_paths(args.paths, progress=not args.quiet):
        if error:
            skipped += is_skipped(error)
            failed += not is_skipped(error)
            print(f"vbgraph: {path}: {error}", file=sys.stderr)
            continue
        read += 1
        for warning in record["input"]["warnings"]:
            print(f"vbgraph: warning: {warning}", file=sys.stderr)
        if out_dir:
            name = _output_name(Path(path), written)
            if name != f"{Path(path).stem}.json":
                print(f"vbgraph: {path}: written as {out_dir / name} "
                      f"({Path(path).stem}.json holds {written[Path(path).stem + '.json']})", file=sys.stderr)
            written[name] = path
            (out_dir / name).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        else:
            records.append(record)
    if not out_dir:
        if args.format == "table":
            for record in records:
                print(record_table(record, args.max_width))
        else:
            payload = records[0] if len(records) == 1 else records
            print(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed or skipped:
        print(f"vbgraph: {read} read, {failed} failed, {skipped} skipped", file=sys.stderr)
    return 1 if failed else 0


def _output_name(path: Path, taken: dict[str, str]) -> str:
    """<stem>.json, unless an earlier input of the run has it (ok.txt, ok.md, sub/ok.txt): then
    <name>.json, then <stem>-2.json, -3 …"""
    for name in (f"{path.stem}.json", f"{path.name}.json"):
        if name not in taken:
            return name
    n = 2
    while f"{path.stem}-{n}.json" in taken:
        n += 1
    return f"{path.stem}-{n}.json"


def record_table(record: dict, max_width: int | None = None) -> str:
    """One record as the terminal shows it: the document, its citations as a table that fits the width,
    then its stated relations, agencies and movements, one line each (cut to the width)."""
    from vbgraph.queries.cli import _cut, format_rows, output_width

    width = output_width(max_width)
    plan = record["plan"]
    head = (f"# {record['source']}: {plan.get('doc_type') or '?'} {plan.get('symbol') or '(không số)'} "
            f"{plan.get('date') or ''} — {plan.get('issuer') or '?'} ({plan.get('level') or '?'}, "
            f"{plan.get('province') or '?'}, năm {plan.get('year') or '?'})")
    rows = [{"relation": c["relations"][0], "type": c["doc_type"], "document": c["symbol"] or c["title"]
             or c["first_mention"], "date": c["date"], "scope": c["scope"], "mentions": c["mentions"]}
            for c in record["citations"]]
    lines = [head, *format_rows(rows, "table", width).rstrip("\n").split("\n")]
    lines += [f"  {r['from']} —{r['type']}→ {r['to']}" for r in record["doc_relations"]]
    lines += [f"  agency: {a['name']} {', '.join(a['deadlines'])}" for a in record["agencies"]]
    if record["movements"]:
        lines.append("  movements: " + "; ".join(record["movements"]))
    return "\n".join(line if width <= 0 else _cut(line, width) for line in lines)


def _cmd_eval(args) -> int:
    from vbgraph.extract.evaluate import run_eval

    if not Path(args.gold).is_dir():
        print(f"vbgraph eval: the gold folder {args.gold} does not exist", file=sys.stderr)
        return 2
    return run_eval(gold_dir=Path(args.gold), paths=args.paths, state_dir=Path(args.state),
                    as_json=args.json)


def _cmd_build(args) -> int:
    from vbgraph.jobs import build

    return build(args.paths, Path(args.out), quiet=args.quiet, neo4j_uri=args.neo4j, as_json=args.json,
                 part_size=args.stream, jobs=args.jobs, use_cache=not args.no_cache)


def _max_input_argument(p: argparse.ArgumentParser) -> None:
    from vbgraph.extract.readers import DEFAULT_MAX_INPUT_MB

    p.add_argument("--max-input-mb", type=float, metavar="MB",
                   help=f"refuse input files larger than this (default VBGRAPH_MAX_INPUT_MB, else "
                        f"{DEFAULT_MAX_INPUT_MB}); extraction needs about 100 bytes of memory per input byte")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vbgraph",
        description="Turn Vietnamese government documents into a legal-reference knowledge graph.")
    parser.add_argument("--version", action="version", version=f"vbgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="the main job: extract every file, build the graph, write the "
                                      "embedded store and exports, print a summary")
    p.add_argument("paths", nargs="+", help="files (.txt .md .docx .doc .pdf .png .jpg .tif .html) or folders")
    p.add_argument("--out", default="out", help="output folder (graph.json, records.jsonl, store/)")
    p.add_argument("--neo4j", metavar="URI", help="also load the graph into this Neo4j server "
                   "(credentials from NEO4J_USER / NEO4J_PASSWORD)")
    p.add_argument("--stream", type=int, default=0, metavar="N",
                   help="for corpora too large to hold: write the graph in parts of N documents to one store "
                        "(the --neo4j server if given, else the embedded one); no graph.json")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="extract in N processes (default: one per core; 1: in this process)")
    p.add_argument("--no-cache", action="store_true",
                   help="extract every file again and do not keep records in OUT/.cache/records")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _max_input_argument(p)
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("extract", help="extract one JSON record per input document (gold schema)")
    p.add_argument("paths", nargs="+", help="files (.txt .md .docx .doc .pdf .png .jpg .tif .html) or folders")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.add_argument("--max-width", type=int, default=None,
                   help="with --format table: the widest line (default: the terminal's width; 0: no limit)")
    p.add_argument("--out", help="write <stem>.json per input into this folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _max_input_argument(p)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("eval", help="score the extractor against gold JSON files")
    p.add_argument("--gold", required=True, help="folder of gold <stem>.json files")
    p.add_argument("paths", nargs="+", help="source documents whose stems match the gold files")
    p.add_argument("--state", default=".vbgraph/eval",
                   help="where per-item results are saved to compare with the next run")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=_cmd_eval)

    from vbgraph.graph.stores.neo4j_server import add_cli as add_neo4j_cli
    from vbgraph.export import add_cli as add_export_cli
    from vbgraph.queries.cli import add_cli as add_query_cli
    from vbgraph.views.cli import add_cli as add_views_cli
    from vbgraph.graph.report import add_cli as add_report_cli
    from vbgraph.graph.report import add_status_cli
    add_query_cli(sub)
    add_report_cli(sub)
    add_status_cli(sub)
    add_export_cli(sub)
    add_views_cli(sub)
    add_neo4j_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "max_input_mb", None) is not None:
        os.environ["VBGRAPH_MAX_INPUT_MB"] = str(args.max_input_mb)   # worker processes read it too
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
