"""Bad inputs give clear messages and the batch goes on; random and mutated text never breaks the
extractor, and large inputs stay fast (no regex backtracking blow-ups)."""
import random
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from vbgraph.extract.errors import InputError
from vbgraph.extract.pipeline import analyse_text, extract_paths
from vbgraph.extract.readers import read_document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SEED_TEXT = (SAMPLES / "000_37ff60af79915060.txt").read_text(encoding="utf-8")
ALPHABET = st.sampled_from(list("0123456789/-–., ;:\n\t()“”\"*#|<>_") + list("QĐCTKHUBNDTWgđiVXLIấịệ") +
                           ["số ", "ngày ", "Luật ", "Nghị quyết Đại hội ", "tháng ", "năm ", "<sup>1</sup>", "**",
                            "phong trào “", "Sở ", "chậm nhất ngày ", "I. ", "- ",
                           "có hiệu lực ", "hết hiệu lực ", "thay thế ", "bãi bỏ ", "sửa đổi, bổ sung ", "kể từ ngày ký",
                           "Quyết định này ", "Điều 1. ", "a) ", "khoản 2 Điều "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=400).map("".join))
def test_random_text_never_raises(text):
    record, _ = analyse_text(text, "random.txt")
    assert set(record) == {"source", "plan", "citations", "doc_relations", "agencies", "movements", "effect"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_mutated_seed_text_never_raises(rnd):
    chars = list(SEED_TEXT)
    for _ in range(rnd.randint(1, 200)):
        i = rnd.randrange(len(chars))
        op = rnd.random()
        if op < 0.4:
            del chars[i]
        elif op < 0.8:
            chars.insert(i, rnd.choice("/-\n *|<>0123456789Đ“"))
        else:
            j = rnd.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
    record, _ = analyse_text("".join(chars), "mutated.txt")
    for c in record["citations"]:
        assert c["first_mention"]


def _timed(text):
    # CPU time of this process: the cost of the algorithm, not of whatever else shares the machine
    t = time.process_time()
    analyse_text(text, "big.txt")
    return time.process_time() - t


def test_200kb_inputs_stay_fast():
    rnd = random.Random(7)
    pathological = [
        "1" * 200_000,                                          # one endless number
        ("12/" * 70_000)[:200_000],                             # symbol prefixes without end
        ("Nghị quyết Đại hội " + "lần " * 5)[:40] * 5000,       # resolution stems that never close
        ("Luật " * 40_000)[:200_000],
        ("<sup>" * 40_000)[:200_000],
        ("*" * 200_000),
        "a\n" * 100_000,                                        # 100k one-letter lines
        (SEED_TEXT * 8)[:200_000],                              # a long real plan
        "".join(rnd.choice("Quyết định số 12/QĐ-UBND ngày 1/2/2024 ;,\n") for _ in range(200_000)),
    ]
    _timed(SEED_TEXT)  # warm the tables and spaCy once
    times = {i: _timed(t) for i, t in enumerate(pathological)}
    slow = {i: round(s, 2) for i, s in times.items() if s > 1.0}
    assert not slow, f"inputs over 1 s: {slow}"


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "utf16.txt").write_bytes(SEED_TEXT.encode("utf-16"))
    (tmp_path / "cp1258.txt").write_bytes(b"Quy\xea\xcc\x81t \xff\xfe")
    results = {Path(p).name: (rec, err) for p, rec, err in extract_paths([str(tmp_path)])}
    assert results["good.txt"][0]["plan"]["symbol"] == "859/KH-UBND"
    assert results["empty.txt"][1] == "is empty"
    assert "binary" in results["binary.txt"][1]
    assert "not UTF-8" in results["cp1258.txt"][1] or "binary" in results["cp1258.txt"][1]
    assert results["utf16.txt"][0]["plan"]["symbol"] == "859/KH-UBND"
    assert sum(1 for rec, _ in results.values() if rec) == 2


def test_bom_is_accepted_and_unknown_format_named(tmp_path):
    f = tmp_path / "bom.md"
    f.write_bytes("\ufeff".encode() + SEED_TEXT.encode("utf-8"))
    assert read_document(f).startswith("\ufeff") is False
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    try:
        read_document(pdf)
    except InputError as exc:
        assert "is not a readable PDF" in str(exc) and "plan.pdf" in str(exc)
    else:
        raise AssertionError("a damaged .pdf must be refused with a clear message")
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml")
    try:
        read_document(sheet)
    except InputError as exc:
        assert str(exc).startswith(f"{sheet}: skipped: Excel workbook (.xlsx), 45 bytes")
    else:
        raise AssertionError("a spreadsheet must be reported as skipped")


def test_cli_exit_status(tmp_path):
    import subprocess
    import sys
    exe = Path(sys.executable).with_name("vbgraph")
    ok = subprocess.run([str(exe), "extract", str(SAMPLES / "000_37ff60af79915060.txt"), "--format", "table"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "33/CT-TTg" in ok.stdout
    (tmp_path / "empty.txt").write_bytes(b"")
    bad = subprocess.run([str(exe), "extract", str(SAMPLES / "000_37ff60af79915060.txt"), str(tmp_path / "empty.txt"),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "empty.txt: is empty" in bad.stderr
    assert (tmp_path / "out" / "000_37ff60af79915060.json").exists()
