"""CPU of the agency and movement finders against a baseline measured in the same run: tokenising
each document's whole text into a spaCy Doc (`fine_doc`), which the finders did before they read only
the lines that can name an addressee or a movement.  A ratio below 1 means the gating pays.

usage: .venv/bin/python benchmarks/agency_finder.py [PATH ...] [--repeat N]
PATH: files or folders of .md/.txt (default: tests/fixtures/dev_texts and data/samples)."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from vbgraph.extract.agencies import find_agencies, fine_doc
from vbgraph.extract.movements import find_movements
from vbgraph.extract.pipeline import analyse_text, build_nlp

ROOT = Path(__file__).resolve().parent.parent


def _files(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out += sorted(f for f in p.rglob("*") if f.suffix in (".md", ".txt")) if p.is_dir() else [p]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "tests/fixtures/dev_texts"), str(ROOT / "data/samples")])
    ap.add_argument("--repeat", type=int, default=5, help="runs per measure; the fastest counts")
    args = ap.parse_args()
    nlp = build_nlp()
    docs = []
    for f in _files(args.paths):
        _, analysis = analyse_text(f.read_text(encoding="utf-8"), f.name)   # the plan block as the pipeline reads it
        docs.append((analysis.nt, analysis.plan))
    measures = {
        "baseline: fine_doc over the whole text": lambda d: fine_doc(nlp.vocab, d[0].text),
        "find_agencies": lambda d: find_agencies(d[0], d[1]),
        "find_movements": lambda d: find_movements(d[0]),
    }
    best = {}
    for name, fn in measures.items():
        for _ in range(args.repeat):
            start = time.process_time()
            for d in docs:
                fn(d)
            best[name] = min(best.get(name, float("inf")), time.process_time() - start)
    size = sum(len(d[0].text.encode("utf-8")) for d in docs) / 1e6
    base = best["baseline: fine_doc over the whole text"]
    print(f"{len(docs)} documents, {size:.2f} MB of normalised text, best of {args.repeat}")
    for name, cpu in best.items():
        print(f"  {name:42s} {cpu:7.3f} s CPU  ({cpu / size:6.3f} s/MB)  ratio to baseline {cpu / base:5.2f}")


if __name__ == "__main__":
    main()
