"""How the plan relates to each cited document (implements / based_on / cites), and the relations the
text states between cited documents ("Quyết định số A … sửa đổi, bổ sung … Quyết định số B")."""
from __future__ import annotations

import re
from functools import lru_cache

from vbgraph.extract.citations import Citation, Mention
from vbgraph.extract.models import Evidence
from vbgraph.extract.tables import doc_type_kind, read_table
from vbgraph.extract.text import NormText

_SECTION_RX = re.compile(r"^(?:[IVX]{1,4}[.)/]|PHẦN|Phần[ ]|Điều[ ]1|A[.)][ ]|1[.)][ ])|MỤC ĐÍCH", re.M)
_CONTENT_NOUNS = r"(?:Chương trình|Quy chế|Quy định|Kế hoạch|Đề án|Chiến lược|Điều lệ|Bộ tiêu chí|Tiêu chí)"


@lru_cache(maxsize=None)
def _preamble_verbs() -> list[tuple[str, str]]:
    rows = read_table("preamble_verbs.csv")
    return sorted(((r["verb"], r["relation"]) for r in rows), key=lambda x: -len(x[0]))


@lru_cache(maxsize=None)
def _relation_words() -> list[tuple[re.Pattern, str, int]]:
    rows = sorted(read_table("relation_words.csv"), key=lambda r: -len(r["phrase"]))
    return [(re.compile(rf"(?<![\w]){re.escape(r['phrase'])}(?![\w])", re.I), r["type"], int(r["max_words"]))
            for r in rows]


def preamble_span(nt: NormText, body_start: int) -> tuple[int, int]:
    m = _SECTION_RX.search(nt.text, body_start)
    return body_start, (m.start() if m else min(len(nt.text), body_start + 3000))


def plan_relations(nt: NormText, citations: list[Citation], body_start: int) -> None:
    """Set each citation's relation to the plan from the preamble paragraph that mentions it."""
    start, end = preamble_span(nt, body_start)
    text = nt.text
    for c in citations:
        rel = None
        for m in c.mentions:
            if not (start <= m.start < end):
                continue
            para_start = text.rfind("\n", 0, m.start) + 1
            head = text[para_start:para_start + 40].lstrip("-+• ")
            # the clause that names the document: after the last ";" in the paragraph before it
            clause_start = max(para_start, text.rfind(";", para_start, m.start) + 1)
            clause = text[clause_start:m.start].strip()
            for verb, relation in _preamble_verbs():
                if head.startswith(verb) or clause.startswith(verb):
                    rel = relation
                    if verb == "Căn cứ" and doc_type_kind().get(c.doc_type or "") == "normative":
                        rel = "based_on"
                    break
            if rel:
                c.evidence.append(Evidence(m.start, m.end, f"preamble:{rel}"))
                break
        c.relations = [rel or "cites"]


def _alias_mentions(nt: NormText, citations: list[Citation]) -> list[Mention]:
    """A document that "ban hành Chương trình tổng thể …" (or a "Chương trình tổng thể … ban hành kèm
    theo" it) can later be referred to by that content's name ("… đẩy mạnh thực hiện Chương trình …")."""
    out: list[Mention] = []
    text = nt.text
    before_rx = re.compile(rf"(?P<c>{_CONTENT_NOUNS}[^;\n]{{5,200}}?)[ ,]+(?i:được )?ban hành kèm theo[ ]$")
    for c in citations:
        contents: list[tuple[str, tuple[int, int]]] = []
        if c.title:
            tm = re.match(rf"(?i:ban hành|phê duyệt)[ ](?P<c>{_CONTENT_NOUNS}[^;]*)", c.title)
            if tm:
                contents += [(tm.group("c"), (m.start, m.end + len(c.title) + 80)) for m in c.mentions[:1]]
        for m in c.mentions:
            lo = max(0, m.start - 250)
            bm = before_rx.search(text[lo:m.start])
            if bm:
                contents.append((bm.group("c"), (lo + bm.start("c"), m.end)))
        for content, own in contents:
            words = re.sub(r"\([^)]{0,30}\)", " ", content).split()[:6]
            if len(words) < 3:
                continue
            rx = re.compile(r"(?<![\w])" + r"(?:[ ]\([^)]{1,30}\))?[ ]".join(re.escape(w) for w in words)
                            + r"(?![\w])", re.I)
            for am in rx.finditer(text):
                if own[0] <= am.start() < own[1]:
                    continue
                out.append(Mention(am.start(), am.end(), "alias", c.key, counts=False))
    return out


def doc_relations(nt: NormText, citations: list[Citation], plan_symbol: str | None) -> list[dict]:
    text = nt.text
    by_key = {c.key: c for c in citations}
    for c in citations:
        for m in c.mentions:
            m.key = c.key
    mentions = sorted([m for c in citations for m in c.mentions] + _alias_mentions(nt, citations),
                      key=lambda m: m.start)
    out: list[dict] = []
    seen: set[tuple[str, str, str]] = set()

    def label(c: Citation) -> str:
        return c.symbol or (c.first().name or c.title or "")

    def emit(src: Citation, dst: Citation, rtype: str, a: int, b: int):
        k = (src.key, dst.key, rtype)
        if src.key == dst.key or k in seen:
            return
        seen.add(k)
        out.append({"from": label(src), "to": label(dst), "type": rtype,
                    "evidence": nt.original_text(a, b), "_span": (a, b)})

    for i, n in enumerate(mentions):
        owner, gap_start = _owner(nt, mentions, i)
        if owner is None or owner.key == n.key:
            continue
        gap = text[gap_start:n.start]
        rtype = _relation_in_gap(gap)
        if rtype and owner.key in by_key and n.key in by_key:
            emit(by_key[owner.key], by_key[n.key], rtype, owner.start, n.end)

    # "Kế hoạch này thay thế Kế hoạch số …": the document itself is the source
    if plan_symbol:
        for m in re.finditer(r"(?:Kế hoạch|Quyết định|Chỉ thị|Quy định|Quy chế|Hướng dẫn|Nghị quyết|Thông tư)"
                             r"[ ]này[ ](?P<w>thay thế|bãi bỏ|sửa đổi, bổ sung|sửa đổi)", text):
            nxt = next((x for x in mentions if x.start >= m.end() and x.start - m.end() < 40), None)
            if nxt and nxt.key in by_key:
                rtype = {"thay thế": "replaces", "bãi bỏ": "repeals"}.get(m.group("w"), "amends")
                out.append({"from": plan_symbol, "to": label(by_key[nxt.key]), "type": rtype,
                            "evidence": nt.original_text(m.start(), nxt.end), "_span": (m.start(), nxt.end)})
    return out


def _owner(nt: NormText, mentions: list[Mention], i: int) -> tuple[Mention | None, int]:
    """The mention whose description contains mention i: the previous one in the same clause, or, in a
    footnote body that starts with a description, the mention the footnote marker is attached to."""
    text = nt.text
    n = mentions[i]
    label = nt.footnote_of(n.start)
    if label is not None:
        fs, _ = nt.footnotes[label]
        prev = [m for m in mentions[:i] if m.start >= fs and m.kind != "alias"]
        if not prev:
            marker = next((p for p, lab in nt.footnote_markers if lab == label), None)
            if marker is None:
                return None, 0
            cands = [m for m in mentions if m.end <= marker and marker - m.end < 120 and m.kind != "alias"]
            return (cands[-1], fs) if cands else (None, 0)
    for j in range(i - 1, -1, -1):
        p = mentions[j]
        if p.kind == "alias" or p.end > n.start:
            continue
        gap = text[p.end:n.start]
        if ";" in gap or "\n" in gap or re.search(r"\.[ ]", gap):
            return None, 0
        return p, p.end
    return None, 0


def _relation_in_gap(gap: str) -> str | None:
    words_after = lambda pos: len(gap[pos:].split())  # noqa: E731
    best = None
    for rx, rtype, max_words in _relation_words():
        for m in rx.finditer(gap):
            if words_after(m.end()) <= max_words:
                if best is None or m.start() < best[0]:
                    best = (m.start(), rtype)
                break
    return best[1] if best else None
