"""OCR with Debian's tesseract-ocr and its Vietnamese model (tesseract-ocr-vie): scanned PDF pages are
rendered with poppler's pdftoppm at 300 dpi, images (.png/.jpg/.tif) go in as they are.  Pages run in
parallel, one single-threaded tesseract per core (VBGRAPH_OCR_WORKERS overrides), which is faster than
one tesseract using its own threads on one page at a time.  Tesseract's TSV output gives every word
with its box and confidence, so OCR text goes through the same layout rules as a PDF's text layer."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vbgraph.extract.errors import InputError, SkippedFile
from vbgraph.extract.readers import Document, human_size
from vbgraph.extract.readers.layout import Line, Page, page_text

DPI = 300
LANGUAGE = "vie"
# an image smaller than this on both sides is a logo or an icon, not a scanned page
_MIN_PAGE_PIXELS = 600
# Tesseract's Vietnamese model sometimes reads Đ as Icelandic Ð, or as both ("QĐÐ/TU"); Vietnamese has no Ð
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})
_INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils"


@dataclass
class OcrResult:
    pages: list[Page]
    confidence: float | None     # mean word confidence, 0–100


def workers() -> int:
    return max(1, int(os.environ.get("VBGRAPH_OCR_WORKERS") or os.cpu_count() or 1))


@lru_cache(maxsize=1)
def _missing_tools() -> str | None:
    for tool in ("tesseract", "pdftoppm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed ({_INSTALL})"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if LANGUAGE not in langs:
        return f"tesseract has no Vietnamese model ({_INSTALL})"
    return None


def _check_tools(path, what: str) -> None:
    missing = _missing_tools()
    if missing:
        raise InputError(path, f"{what} needs OCR, but {missing}")


def _tesseract(image: Path) -> tuple[list[Page], list[float]]:
    """Pages (several for a multi-page TIFF) and the confidence of every word."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(["tesseract", str(image), "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "tsv"],
                          capture_output=True, env=env, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "tesseract failed")
    rows = csv.DictReader(io.StringIO(proc.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    pages: dict[int, tuple[float, float]] = {}
    lines: dict[tuple, list[dict]] = {}
    confidences = []
    for r in rows:
        page, level = int(r["page_num"]), int(r["level"])
        left, top, width, height = (float(r[k]) for k in ("left", "top", "width", "height"))
        if level == 1:
            pages[page] = (width, height)
        text = (r.get("text") or "").strip().replace("ĐÐ", "Đ").replace("ÐĐ", "Đ").translate(_ETH)
        if level == 5 and text:
            key = (page, int(r["block_num"]), int(r["par_num"]), int(r["line_num"]))
            lines.setdefault(key, []).append({"text": text, "x0": left, "x1": left + width, "top": top,
                                              "bottom": top + height})
            if float(r["conf"]) >= 0:
                confidences.append(float(r["conf"]))
    out = []
    for page, (width, height) in sorted(pages.items()):
        page_lines = [Line(" ".join(w["text"] for w in ws), ws[0]["x0"], ws[-1]["x1"],
                           min(w["top"] for w in ws), max(w["bottom"] for w in ws))
                      for key, ws in sorted(lines.items()) if key[0] == page]
        out.append(Page(sorted(page_lines, key=lambda ln: (ln.top, ln.x0)), width, height))
    return out, confidences


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def ocr_pdf_pages(path, page_indices: list[int]) -> OcrResult:
    """OCR of the given pages (0-based) of a PDF, in that order."""
    _check_tools(path, "this PDF has pages without a text layer; reading them")

    def one(index: int) -> tuple[list[Page], list[float]]:
        with tempfile.TemporaryDirectory(prefix="vbgraph-ocr-") as tmp:
            image = Path(tmp) / "page"
            subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", str(index + 1),
                            "-l", str(index + 1), str(path), str(image)], check=True, capture_output=True,
                           timeout=600)
            return _tesseract(image.with_suffix(".png"))

    try:
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            results = list(pool.map(one, page_indices))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, RuntimeError) as exc:
        raise InputError(path, f"OCR of a scanned page failed ({exc})") from None
    pages = [p[0] if p else Page([], 0, 0) for p, _ in results]
    return OcrResult(pages, _mean([c for _, cs in results for c in cs]))


def read_image(path, data: bytes) -> Document:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            frames = getattr(img, "n_frames", 1)
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
    if width < _MIN_PAGE_PIXELS and height < _MIN_PAGE_PIXELS:
        raise SkippedFile(path, f"image {width}×{height} px, {human_size(len(data))} — too small to be "
                                "a scanned page")
    _check_tools(path, "an image")
    try:
        pages, confidences = _tesseract(Path(path))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        raise InputError(path, f"OCR failed ({exc})") from None
    return Document(text=page_text(pages), format="image", pages=frames, ocr=True,
                    ocr_confidence=_mean(confidences))
