#!/usr/bin/env python
"""Robustness benchmark (not a test): fuzz the extractor with many inputs and report crashes, CPU time
per input and the peak memory of a large input.

    python benchmarks/robustness.py [--shared DIR] [--inputs N] [--jobs N] [--seed S] [--big-mb 50]

Every input goes the way `vbgraph extract` reads a file: written to a temporary file (.txt or .md)
and given to `pipeline.extract_file` (readers.read_document with its checks, then analyse_text).
A crash is any exception other than InputError (the clear "this file cannot be read" message), or an
input that runs longer than --timeout seconds.  CPU time is the worker's own (time.process_time), so
other jobs on the machine do not count.  The inputs, in these shares of --inputs:

    random        random strings over an alphabet of digits, separators, Vietnamese letters and the
                  words the rules look for ("số ", "ngày ", "Luật " …), and random bytes
    mutated       seed documents (data/samples, SHARED/corpus/seeds, extra, dev) with characters
                  deleted, inserted, swapped, chunks duplicated or cut, bytes flipped
    corpus        documents of SHARED/corpus/vn-legal-14k.tar.xz (read as a stream, every k-th file)
    pathological  ~200 KB constructions: one unit (a symbol, a dated citation, a law name, a table
                  row, an assignment, an endless number, unclosed brackets …) repeated, or units mixed

Goals: 0 crashes; worst CPU time < 1 s for any input of at most 200 KB; p99 < 100 ms.
Last, the two paths that were quadratic are timed at growing sizes (the ratio shows the growth).
Memory: a child process extracts one --big-mb file (corpus text repeated) with the default input-size
limit (it must be refused at once) and, for the unguarded cost, one --unguarded-mb file with the
limit raised; it prints the peak RSS above the process's own baseline, as a multiple of the input.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARES = {"random": 0.25, "mutated": 0.30, "corpus": 0.40, "pathological": 0.05}
LIMIT_BYTES = 200 * 1024
CORPUS_FILES = 13_984
ALPHABET = (list("0123456789/-–., ;:\n\t()“”\"*#|<>_[]^") + list("QĐCTKHUBNDTWgđiVXLIấịệạ") +
            ["số ", "Số: ", "ngày ", "Luật ", "Nghị quyết Đại hội ", "tháng ", "năm ", "<sup>1</sup>", "**",
             "phong trào “", "Sở ", "chậm nhất ngày ", "I. ", "- ", "của ", "về ", "Kế hoạch ", "Chỉ thị ",
             "UBND tỉnh ", "Tây Ninh", "thực hiện ", "thay thế ", "| ", "[^1]: "])
UNITS = ["Số: 1/KH-UBND\n", "Chỉ thị số 33/CT-TTg ngày 20/12/2019 của Thủ tướng Chính phủ về tăng cường, ",
         "Luật Tiếp công dân số ", "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng; ",
         "ngày 12/12/2013 ", "Giao Sở Nội vụ, UBND các huyện chủ trì phối hợp với Ban Dân vận Tỉnh ủy; ",
         "phong trào thi đua “Dân vận khéo” ", "1/2/3/4/5-6-7/", "1", "(", "“", "<sup>", "Luật ",
         "| 1/KH-UBND | Sở Nội vụ | 31/12/2024 |\n", "[^1]: Quyết định 1/QĐ-UBND\n",
         "- Sở Nội vụ: chủ trì, tham mưu UBND tỉnh thực hiện Kế hoạch 12/KH-UBND trước ngày 30/6/2024.\n",
         "UBND TỈNH TÂY NINH\nSỞ NỘI VỤ\nSố: 12/KH-SNV\nTây Ninh, ngày 1 tháng 2 năm 2024\nKẾ HOẠCH\n",
         "Kế hoạch số 5/KH-UBND ngày 01/02/2024 thay thế Kế hoạch số 4/KH-UBND, ", "a" * 60 + " ",
         "Quyết định số 217-QĐ/TW và ", "Nghị quyết Hội nghị lần thứ ", "12 /", "\n\n", "**Điều 1.** "]


# ------------------------------------------------------------------ inputs
def seed_texts(shared: Path) -> list[bytes]:
    files = sorted((REPO / "data" / "samples").glob("*.txt"))
    for sub in ("seeds", "extra", "dev"):
        files += sorted((shared / "corpus" / sub).glob("*.*"))
    return [f.read_bytes() for f in files]


def corpus_texts(shared: Path, count: int) -> list[bytes]:
    archive = shared / "corpus" / "vn-legal-14k.tar.xz"
    if not archive.is_file() or count <= 0:
        return []
    out: list[bytes] = []
    step = max(1, CORPUS_FILES // count)           # every step-th file: spread over the whole archive
    with tarfile.open(archive, "r|xz") as tar:     # a stream: no unpacked copy on disk
        files = (m for m in tar if m.isfile())
        for i, member in enumerate(files):
            if i % step == 0:
                out.append(tar.extractfile(member).read())
                if len(out) == count:
                    break
    return out


def random_input(rnd: random.Random) -> bytes:
    if rnd.random() < 0.1:
        return bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randrange(1, 3000))).encode("utf-8")


def mutate(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace") if rnd.random() < 0.9 else None
    if text is None:                                  # byte-level: may break UTF-8 (a clean InputError)
        b = bytearray(data)
        for _ in range(rnd.randint(1, 50)):
            if b:
                b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    chars = list(text)
    for _ in range(rnd.randint(1, 300)):
        if not chars:
            break
        i = rnd.randrange(len(chars))
        op = rnd.random()
        if op < 0.3:
            del chars[i]
        elif op < 0.6:
            chars.insert(i, rnd.choice(ALPHABET))
        elif op < 0.8:
            j = rnd.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
        elif op < 0.9:
            j = min(len(chars), i + rnd.randrange(1, 400))
            chars[i:i] = chars[i:j] * rnd.randint(1, 5)
        else:
            del chars[i:i + rnd.randrange(1, 400)]
    return "".join(chars).encode("utf-8")


def pathological_input(rnd: random.Random) -> bytes:
    size = rnd.randrange(190_000, LIMIT_BYTES)
    if rnd.random() < 0.6:
        unit = rnd.choice(UNITS).encode("utf-8")
        data = unit * (size // len(unit) + 1)
    else:
        mix = rnd.sample(UNITS, rnd.randint(2, 6))
        parts, n = [], 0
        while n < size:
            p = rnd.choice(mix).encode("utf-8")
            parts.append(p)
            n += len(p)
        data = b"".join(parts)
    data = data[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8")   # no unit cut mid-character


def make_inputs(args, rnd: random.Random) -> list[tuple[str, bytes]]:
    n = args.inputs
    seeds = seed_texts(args.shared)
    want = {k: int(n * share) for k, share in SHARES.items()}
    want["random"] += n - sum(want.values())
    corpus = corpus_texts(args.shared, want["corpus"])
    inputs = [("random", random_input(rnd)) for _ in range(want["random"])]
    inputs += [("mutated", mutate(rnd.choice(seeds + corpus[:200]), rnd)) for _ in range(want["mutated"])]
    inputs += [("corpus", c) for c in corpus]
    missing = want["corpus"] - len(corpus)            # no archive: mutated seeds take its place
    inputs += [("mutated", mutate(rnd.choice(seeds), rnd)) for _ in range(missing)]
    inputs += [("pathological", pathological_input(rnd)) for _ in range(want["pathological"])]
    return inputs


# ------------------------------------------------------------------ running
class _Timeout(Exception):
    pass


def _alarm(*_):
    raise _Timeout()


_WORKDIR: Path | None = None


def _init(workdir: str) -> None:
    global _WORKDIR
    _WORKDIR = Path(workdir)
    signal.signal(signal.SIGALRM, _alarm)
    from vbgraph.extract.pipeline import analyse_text
    analyse_text("Kế hoạch số 1/KH-UBND thực hiện Chỉ thị 33/CT-TTg")   # tables and spaCy loaded once


def run_one(job: tuple[int, str, bytes, int]) -> dict:
    from vbgraph.extract.errors import InputError
    from vbgraph.extract.pipeline import extract_file

    i, kind, data, timeout = job
    path = _WORKDIR / f"{i}{'.md' if i % 3 == 0 else '.txt'}"
    path.write_bytes(data)
    outcome, detail = "ok", None
    signal.alarm(timeout)
    t = time.process_time()
    try:
        extract_file(path)
    except InputError as exc:
        outcome, detail = "refused", exc.problem
    except _Timeout:
        outcome, detail = "crash", f"no answer within {timeout} s"
    except Exception as exc:   # noqa: BLE001 - any other exception is what the benchmark counts
        outcome, detail = "crash", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    cpu = time.process_time() - t
    path.unlink()
    return {"i": i, "kind": kind, "bytes": len(data), "cpu": cpu, "outcome": outcome, "detail": detail}


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


# ------------------------------------------------------------------ memory of one large input
# The high-water mark of this process's own memory (VmHWM): getrusage's ru_maxrss would carry the
# parent's peak over fork and exec.
_MEMORY_CHILD = r"""
import json, re, sys, time
from vbgraph.extract.errors import InputError
from vbgraph.extract.pipeline import analyse_text, extract_file
def hwm():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024
analyse_text("Kế hoạch số 1/KH-UBND thực hiện Chỉ thị 33/CT-TTg")
base = hwm()
t = time.process_time()
try:
    extract_file(sys.argv[1]); outcome = "extracted"
except InputError as exc:
    outcome = "refused: " + exc.problem
print(json.dumps({"outcome": outcome, "baseline": base, "peak": hwm(), "cpu": time.process_time() - t}))
"""


def memory_of(path: Path, max_mb: float | None) -> dict:
    env = dict(os.environ)
    if max_mb is not None:
        env["VBGRAPH_MAX_INPUT_MB"] = str(max_mb)
    out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(path)], env=env, capture_output=True,
                         text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    size = path.stat().st_size
    r.update(bytes=size, above_baseline=r["peak"] - r["baseline"],
             ratio=(r["peak"] - r["baseline"]) / size, ratio_total=r["peak"] / size)
    return r


def big_file(folder: Path, mb: float, texts: list[bytes]) -> Path:
    path = folder / f"big-{mb:g}mb.txt"
    body = b"\n\n".join(texts)
    want = int(mb * 2**20)
    with path.open("wb") as f:
        written = 0
        while written < want:
            chunk = body[:want - written]
            f.write(chunk)
            written += len(chunk)
    path.write_bytes(path.read_bytes().decode("utf-8", errors="ignore").encode("utf-8"))
    return path


# ------------------------------------------------------------------ linear growth
def scaling() -> list[str]:
    """CPU time of the two paths that were quadratic, at growing sizes: doubling the input should about
    double the time (citation matching), ten times the plans about ten times (outdated report)."""
    import networkx as nx

    from vbgraph.extract.pipeline import analyse_text
    from vbgraph.graph.report import report

    lines = []
    times = []
    for kb in (100, 200, 400):
        text = "Số: 1/KH-UBND\n" * (kb * 1024 // 16)
        t = time.process_time()
        analyse_text(text)
        times.append(time.process_time() - t)
    lines.append("citation matching, 'Số: 1/KH-UBND' repeated, 100/200/400 KB: "
                 + " / ".join(f"{x:.2f} s" for x in times) + f" (ratios {times[1] / times[0]:.1f}, {times[2] / times[1]:.1f})")
    times = []
    for plans in (1000, 10000):
        g = nx.MultiDiGraph()
        g.add_node("old", labels=["Document"], symbol="33/CT-TTg", date="2019-12-20")
        g.add_node("new", labels=["Document"], symbol="99/CT-TTg", date="2022-01-01")
        g.add_edge("new", "old", type="SUPERSEDES", basis="reference", source="x")
        for i in range(plans):
            g.add_node(f"p{i}", labels=["Document", "Plan"], symbol=f"{i}/KH-UBND", date="2024-01-01", name_2025="x")
            g.add_edge(f"p{i}", "old", type="IMPLEMENTS", file=f"f{i}", sentence="…")
        t = time.process_time()
        report(g, "2025-12-31")
        times.append(time.process_time() - t)
    lines.append(f"outdated report, 1k / 10k plans citing one replaced directive: {times[0]:.2f} s / {times[1]:.2f} s "
                 f"(ratio {times[1] / times[0]:.1f})")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                    help="the shared folder holding corpus/ (default ../shared beside the repository)")
    ap.add_argument("--inputs", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--timeout", type=int, default=60, help="seconds before an input counts as a crash")
    ap.add_argument("--big-mb", type=float, default=50.0, help="the large input of the memory check")
    ap.add_argument("--unguarded-mb", type=float, default=5.0,
                    help="input size for the memory of an extraction with the limit raised just above it "
                         "(default 5, the default limit; 0: skip)")
    ap.add_argument("--json", type=Path, help="also write every input's result to this JSON file")
    args = ap.parse_args()

    rnd = random.Random(args.seed)
    t0 = time.time()
    inputs = make_inputs(args, rnd)
    print(f"{len(inputs)} inputs made in {time.time() - t0:.0f} s: "
          + ", ".join(f"{k} {sum(1 for x, _ in inputs if x == k)}" for k in SHARES), flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="vbgraph-fuzz-") as tmp:
        jobs = [(i, kind, data, args.timeout) for i, (kind, data) in enumerate(inputs)]
        t0 = time.time()
        with mp.Pool(args.jobs, initializer=_init, initargs=(tmp,)) as pool:
            for n, r in enumerate(pool.imap_unordered(run_one, jobs, chunksize=8), 1):
                results.append(r)
                if r["outcome"] == "crash":
                    print(f"CRASH input {r['i']} ({r['kind']}, {r['bytes']} bytes): {r['detail']}", flush=True)
                if n % 2000 == 0:
                    print(f"  {n}/{len(jobs)} in {time.time() - t0:.0f} s", flush=True)
        wall = time.time() - t0
        texts = [d for k, d in inputs if k == "corpus"][:300] or seed_texts(args.shared)
        big = big_file(Path(tmp), args.big_mb, texts)
        mem = {"guarded": memory_of(big, None)}
        big.unlink()
        if args.unguarded_mb:
            mid = big_file(Path(tmp), args.unguarded_mb, texts)
            mem["unguarded"] = memory_of(mid, args.unguarded_mb + 1)

    crashes = [r for r in results if r["outcome"] == "crash"]
    if results:
        report_inputs(results, wall, args.jobs)
    for name, m in mem.items():
        print(f"memory, {name} ({m['bytes'] / 2**20:.1f} MB input, {m['outcome'][:90]}): peak RSS "
              f"{m['peak'] / 2**20:.0f} MiB, {m['above_baseline'] / 2**20:.1f} MiB above the process baseline "
              f"= {m['ratio']:.2f}× the input (goal ≤ 10×), CPU {m['cpu']:.2f} s")
    for line in scaling():
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "memory": mem}, indent=1), encoding="utf-8")
    return 1 if crashes else 0


def report_inputs(results: list[dict], wall: float, jobs: int) -> None:
    small = [r for r in results if r["bytes"] <= LIMIT_BYTES]
    cpus = [r["cpu"] for r in small]
    crashes = [r for r in results if r["outcome"] == "crash"]
    worst = max(small, key=lambda r: r["cpu"])
    print(f"\n{len(results)} inputs ({len(small)} of at most 200 KB) in {wall:.0f} s wall, "
          f"{sum(r['cpu'] for r in results):.0f} s CPU; {jobs} worker(s)")
    print(f"crashes: {len(crashes)}   refused with a message: {sum(r['outcome'] == 'refused' for r in results)}")
    print(f"CPU per input (≤ 200 KB): p50 {percentile(cpus, 50) * 1000:.1f} ms, p99 {percentile(cpus, 99) * 1000:.1f} ms "
          f"(goal < 100 ms), worst {worst['cpu']:.3f} s (goal < 1 s: {worst['kind']}, {worst['bytes']} bytes)")
    for kind in SHARES:
        k = [r["cpu"] for r in small if r["kind"] == kind]
        if k:
            print(f"  {kind:<13} {len(k):>6} inputs  p99 {percentile(k, 99) * 1000:7.1f} ms  worst {max(k):.3f} s")
    print(f"inputs ≤ 200 KB over 1 s: {sum(c > 1 for c in cpus)}; over 100 ms: {sum(c > 0.1 for c in cpus)}")
    # what the slow inputs are: large ones (extraction is linear, about 1.5 s per MB)
    slow = [r for r in small if r["cpu"] > 0.1]
    if slow:
        kb = sorted(r["bytes"] / 1024 for r in slow)
        print(f"inputs over 100 ms: median size {kb[len(kb) // 2]:.0f} KB, smallest {kb[0]:.0f} KB; "
              f"CPU per KB over all inputs ≥ 50 KB: p99 "
              f"{percentile([r['cpu'] / r['bytes'] * 1024 for r in small if r['bytes'] >= 51200], 99) * 1000:.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
