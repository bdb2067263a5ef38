"""Pages per second of the PDF readers, on the bundled seed plans written as PDFs by tests/tools/make_formats.py.

    python benchmarks/readers_bench.py [--ocr-seeds 2] [--workers 2] [--repeat 3]

* text layer: `readers.read_input` (pdfplumber words → lines → paragraphs, tables, running heads) against
  poppler's `pdftotext` on the same files in the same run (a C++ floor: the ratio is what the layout
  rules and pure-Python pdfminer cost);
* OCR (scanned PDF, 300 dpi, tesseract vie): one page at a time (VBGRAPH_OCR_WORKERS=1) against
  `--workers` pages at a time, on the same pages in the same run.

Only reading is timed; extraction of the text (the spaCy pipeline) is measured by extract_corpus.py.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "tools"))


def _pages_per_second(files, read, repeat: int) -> tuple[float, int]:
    best = None
    pages = 0
    for _ in range(repeat):
        t = time.perf_counter()
        pages = sum(read(f) for f in files)
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    return pages / best, pages


def _children_cpu() -> float:
    """CPU seconds of finished child processes (pdftoppm, tesseract): what a page costs whatever the load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    from make_formats import make_formats

    from vbgraph.extract.readers import read_input

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ocr-seeds", type=int, default=2, help="seed plans read by OCR (about 5 pages each)")
    ap.add_argument("--workers", type=int, default=2, help="OCR pages at a time (cores)")
    ap.add_argument("--repeat", type=int, default=3, help="text-layer runs (the best is kept)")
    args = ap.parse_args(argv)
    seeds = sorted((ROOT / "data" / "samples").glob("*.txt"))

    with tempfile.TemporaryDirectory(prefix="vbgraph-bench-") as tmp:
        out = Path(tmp)
        for i, seed in enumerate(seeds):
            make_formats(seed, out, ("pdf", "scan") if i < args.ocr_seeds else ("pdf",))
        pdfs = sorted((out / "pdf").glob("*.pdf"))
        scans = sorted((out / "scan").glob("*.pdf"))

        read_input(pdfs[0])  # imports and tables once
        ours, pages = _pages_per_second(pdfs, lambda f: read_input(f).pages, args.repeat)

        def poppler(f):
            subprocess.run(["pdftotext", "-q", str(f), "-"], check=True, capture_output=True)
            info = subprocess.run(["pdfinfo", str(f)], check=True, capture_output=True, text=True).stdout
            return int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))

        floor, _ = _pages_per_second(pdfs, poppler, args.repeat)
        print(f"text-layer PDF: {pages} pages; vbgraph {ours:.1f} pages/s, pdftotext {floor:.1f} pages/s "
              f"(vbgraph takes {floor / ours:.1f}× as long)")

        results = {}
        for workers in (1, args.workers):
            os.environ["VBGRAPH_OCR_WORKERS"] = str(workers)
            t, cpu = time.perf_counter(), _children_cpu()
            docs = [read_input(f) for f in scans]
            elapsed, cpu = time.perf_counter() - t, _children_cpu() - cpu
            n = sum(d.pages for d in docs)
            results[workers] = n / elapsed
            confidence = sum(d.ocr_confidence for d in docs) / len(docs)
            print(f"OCR 300 dpi, {workers} page(s) at a time: {n} pages in {elapsed:.1f} s = "
                  f"{results[workers]:.2f} pages/s; pdftoppm + tesseract CPU {cpu / n:.1f} s a page "
                  f"(mean confidence {confidence:.1f})")
        print(f"OCR speed-up with {args.workers} workers: {results[args.workers] / results[1]:.2f}× "
              f"(machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
