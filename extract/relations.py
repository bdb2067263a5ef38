"""How the document relates to each cited document (implements / based_on / cites / replaces / amends),
and the relations the text states between documents.

The grammar is the one of a Vietnamese reference list.  Between two consecutive document mentions the
gap says how the second one stands to the first:
  - a list break (";", a new paragraph, a full stop) starts a new item of the list;
  - a relation phrase right before it ("… về thực hiện Nghị quyết số …", "… sửa đổi, bổ sung một số
    điều của Nghị định số …") makes it the object of the first: it is named inside the first one's
    trích yếu (one level deeper), and the pair is a stated relation;
  - a passive phrase ("… được sửa đổi, bổ sung bởi Luật số …") makes it the actor: a relation the other
    way round, and a co-equal item of the list;
  - only a date and an issuer before "và" / "," makes it a sibling: it shares the first one's level
    and whatever the first one is the object of, and what comes after it (a trích yếu shared by both);
  - anything else (a trích yếu, then "và") returns to the top of the list.
The ingested document's own kind decides what its preamble means: a plan or programme implements what
it carries out, a legal act (decision, decree, circular, resolution, regulation, law) is based on its
Căn cứ list.  Only top-level items of a preamble list take the preamble's relation; documents named
inside another one's trích yếu are cites.  A legal act's own change statements ("Quyết định này …
thay thế", "Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số …", "Các quyết định sau hết hiệu
lực …") relate the document itself to the changed one."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from vbgraph.extract.citations import Citation, Mention
from vbgraph.extract.models import Evidence
from vbgraph.extract.tables import doc_type_kind, doc_type_rank, fold_words, ingested_kind, read_table
from vbgraph.extract.text import NormText, find_all, matches_at

# the preamble ends where the first section opens a line, or at "MỤC ĐÍCH"
_SECTION_HEADS = r"(?:[IVX]{1,4}[.)/]|PHẦN|Phần[ ]|Điều[ ]1|A[.)][ ]|1[.)][ ])"
_SECTION_HEAD = re.compile(_SECTION_HEADS)
_NL_SECTION = re.compile(rf"\n(?={_SECTION_HEADS})")
_PURPOSE = "MỤC ĐÍCH"
_CONTENT_NOUNS = r"(?:Chương trình|Quy chế|Quy định|Kế hoạch|Đề án|Chiến lược|Điều lệ|Bộ tiêu chí|Tiêu chí)"
# ingested kinds that rest on their preamble (Căn cứ …) and can change other acts
LEGAL_ACT_KINDS = frozenset({"decision", "decree", "circular", "law", "resolution", "regulation"})
_LEADING_PURPOSE = re.compile(r"^(?:(?:Để|Nhằm)[ ])?(?:tiếp tục[ ])?", re.I)
_TITLE_WORDS = re.compile(r"(?<![\w])(?:về|v/v|ban hành|phê duyệt|quy định|hướng dẫn|triển khai|thực hiện|"
                          r"sửa đổi|bổ sung|thay thế|bãi bỏ|tổ chức|tăng cường|đẩy mạnh)(?![\w])", re.I)
_COORDINATED = re.compile(r"(?:,|[ ]và|[ ]cùng)[ ]*$")
# the passive, or a change said to be made "at" another document, names that document as the actor:
# "A được sửa đổi bởi khoản 2 Điều 3 Nghị định B", "A, sửa đổi, bổ sung tại Quyết định B", "A được hướng dẫn
# bởi Điều 18 Nghị định B"; the parts of B that make the change may stand between
_PART_REF = r"(?:(?:điểm|khoản|điều|mục|chương|phụ lục)[ ][\w.]+[ ,]+(?:của[ ])?)*"
_PASSIVE = re.compile(rf"(?:(?<![\w])(?:được|bị)[ ][^;]{{0,60}}?|(?<![\w])(?:sửa đổi|bổ sung|hướng dẫn|thay thế)"
                      rf"[^;]{{0,25}}?)[ ](?:bởi|tại|theo(?:[ ]quy định tại)?)[ ]{_PART_REF}$", re.I)
_AMENDING_NAME = re.compile(r"(?:Luật|LUẬT)[ ](?i:sửa đổi)")
_GENERIC_OBJECT = re.compile(r"(?<![\w])(?:các|những)[ ](?:luật|nghị định|nghị quyết|thông tư|quyết định|văn bản)"
                             r"(?![\w])", re.I)
_DRAFT = re.compile(r"(?<![\w])dự thảo(?![\w])", re.I)
_PARTS = re.compile(r"(?<![\w])(?:một số điều|điều|khoản|điểm|phụ lục|cụm từ|chương|mục|biểu mẫu|mẫu|"
                    r"thủ tục hành chính|thủ tục)(?![\w])", re.I)
_NAMES_NEXT = re.compile(r"(?:,[ ]bổ sung)?(?:[ ]một số điều)?[ ]?(?:số)?[ ]*$")
_TYPE_BEFORE = re.compile(r"(?<![\w])(?:Luật|Bộ luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh)[ ]"
                          r"(?:sửa đổi,?[ ])?$")
_CHANGE_VERBS = ("thay thế", "bãi bỏ", "sửa đổi", "bổ sung", "hết hiệu lực", "bị thay thế")  # found in nt.lower
_CHANGE_VERB = re.compile(rf"(?<![\w])(?P<v>{'|'.join(_CHANGE_VERBS)})(?![\w])", re.I)
_SELF = re.compile(r"(?<![\w])(?:Luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Quy định|Quy chế|Chỉ thị|"
                   r"Hướng dẫn|Kế hoạch)[ ]này(?![\w])")
# a clause whose subject is the document itself: an article or list item opening with the verb, or
# "<issuer> ban hành <Type> sửa đổi …" / the document's own type heading followed by the verb
_OPENS_WITH_CHANGE = re.compile(
    r"[\s*_]*(?:(?:Điều[ ]\d+|[0-9]{1,2}|[a-zđ])[.)][\s*_]*)?(?:[^;\n]{0,80}?[ ]ban hành[ ]"
    r"(?:Luật|Nghị định|Nghị quyết|Thông tư|Quyết định)[ ])?(?=(?:thay thế|bãi bỏ|sửa đổi|bổ sung)(?![\w]))",
    re.I)
_EXPIRY_LIST = re.compile(r"(?<![\w])(?:sau|dưới đây)[ ](?:đây[ ])?(?:hết hiệu lực|bị bãi bỏ|bãi bỏ)[^:;\n]{0,80}:"
                          r"|(?<![\w])bãi bỏ (?:các|những)[ ][^:;\n]{0,40}(?:sau|dưới đây)[^:;\n]{0,40}:", re.I)
_LIST_ITEM = re.compile(r"^[\s*_]*(?:[a-zđ]|\d{1,2})[.)][ ]|^[\s*_]*[-–+•][ ]")


@lru_cache(maxsize=None)
def _preamble_verbs() -> list[tuple[str, str]]:
    rows = read_table("preamble_verbs.csv")
    return sorted(((r["verb"].casefold(), r["relation"]) for r in rows), key=lambda x: -len(x[0]))


@lru_cache(maxsize=None)
def _relation_words() -> list[tuple[re.Pattern, str, int]]:
    rows = sorted(read_table("relation_words.csv"), key=lambda r: -len(r["phrase"]))
    return [(re.compile(rf"(?<![\w]){re.escape(r['phrase'])}(?![\w])", re.I), r["type"], int(r["max_words"]))
            for r in rows]


def preamble_span(nt: NormText, body_start: int) -> tuple[int, int]:
    text = nt.text
    # _SECTION_RX.search(text, body_start), as the first line start (found by its "\n") that opens
    # a section, or "MỤC ĐÍCH", whichever comes first
    if (body_start == 0 or text[body_start - 1:body_start] == "\n") and _SECTION_HEAD.match(text, body_start):
        at = body_start
    else:
        m = _NL_SECTION.search(text, body_start)
        at = m.start() + 1 if m else -1
    purpose = text.find(_PURPOSE, body_start)
    ends = [x for x in (at, purpose) if x >= 0]
    return body_start, (min(ends) if ends else min(len(text), body_start + 3000))


# ---------------------------------------------------------------- the reference-list grammar
@dataclass
class Link:
    """Where one mention stands in its reference list."""
    depth: int = 0
    parents: list[Mention] = field(default_factory=list)   # documents whose trích yếu names it
    rtype: str | None = None                               # its relation from those parents
    actors: list[tuple[Mention, str]] = field(default_factory=list)  # passive: (actor, relation)
    siblings: list[Mention] = field(default_factory=list)
    inside: bool = False         # named inside another document's name ("Luật sửa đổi … của Luật X")


def _list_break(gap: str) -> bool:
    return ";" in gap or "\n" in gap or bool(re.search(r"\.(?:[ ]|$)", gap))


def relation_in_gap(gap: str) -> str | None:
    """The relation phrase closest before the second document, within its reach in words."""
    words_after = lambda pos: len(gap[pos:].split())  # noqa: E731
    if _GENERIC_OBJECT.search(gap):
        return None    # "A sửa đổi … các nghị định quy định chi tiết Luật X": unnamed documents stand between
    best = None
    for rx, rtype, max_words in _relation_words():
        for m in rx.finditer(gap):
            if _NAMES_NEXT.match(gap, m.end()) and _TYPE_BEFORE.search(gap, 0, m.start()):
                continue   # "…, Luật sửa đổi, bổ sung số 57/2024/QH15": the phrase is the next document's name
            if words_after(m.end()) <= max_words:
                if best is None or m.start() < best[0]:
                    best = (m.start(), rtype, m.end())
                break
    if not best:
        return None
    rtype, obj = best[1], gap[best[2]:]
    if rtype in ("replaces", "repeals") and _PARTS.search(obj):
        return "amends"      # a form, an article, procedures of the other document: it is amended
    if rtype == "repeals":
        return None          # a bare repeal is not a relation of the schema; the status pass reads it
    return rtype


def _can_state(owner_type: str | None, rtype: str) -> bool:
    """A proposal or a report does not change, detail or guide anything; legal acts and directives do."""
    if rtype == "implements":
        return True
    return doc_type_kind().get(owner_type or "", "directive") != "administrative" or owner_type == "Hướng dẫn"


_CHANGES = ("amends", "replaces")


def _may_change(actor_type: str | None, target_type: str | None, rtype: str) -> bool:
    """A document amends or replaces only one of its own rank or below (a decree never amends a law)."""
    if rtype not in _CHANGES:
        return True
    ranks = doc_type_rank()
    actor, target = ranks.get(actor_type or ""), ranks.get(target_type or "")
    return actor is None or target is None or actor <= target


def link_mentions(text: str, mentions: list[Mention], types: dict[str, str | None]) -> dict[int, Link]:
    """Link each mention (by position in ``mentions``, sorted by start) to the one before it."""
    links: dict[int, Link] = {}
    for i, cur in enumerate(mentions):
        link = links[i] = Link()
        container = next((k for k in range(i - 1, -1, -1) if mentions[k].kind != "alias"
                          and mentions[k].start <= cur.start and cur.end <= mentions[k].end), None)
        if container is not None:   # "Luật sửa đổi, bổ sung một số điều của Luật X": X is named inside
            outer = mentions[container]
            link.depth, link.parents, link.inside = links[container].depth + 1, [outer], True
            link.rtype = "amends" if _AMENDING_NAME.match(outer.name or "") else None
            continue
        j = i - 1
        while j >= 0 and (mentions[j].end > cur.start or mentions[j].kind == "alias"):
            j -= 1
        if j < 0:
            continue
        prev, plink = mentions[j], links[j]
        gap = text[prev.end:cur.start]
        if _list_break(gap):
            continue
        if _PASSIVE.search(gap):
            rtype = relation_in_gap(gap)
            link.depth = plink.depth      # the actor is an item of the list beside the changed document
            if rtype and _can_state(types.get(cur.key), rtype):
                # "Nghị định A … hướng dẫn Luật X được sửa đổi bởi Nghị định B": a decree cannot amend the
                # law, so what B amends is A, whose trích yếu names the law
                subjects = [prev, *plink.parents]
                subject = next((s for s in subjects if _may_change(types.get(cur.key), types.get(s.key), rtype)),
                               None)
                if subject is not None:
                    link.actors.append((subject, rtype))
            continue
        rtype = relation_in_gap(gap)
        if rtype:
            if _DRAFT.search(gap) or not _can_state(types.get(prev.key), rtype) \
                    or not _may_change(types.get(prev.key), types.get(cur.key), rtype):
                rtype = None
            if rtype == "implements" and types.get(prev.key) == "Hướng dẫn":
                rtype = "guides"   # a guidance "thực hiện" a directive guides it
            link.depth = plink.depth + 1
            # a trích yếu after two coordinated documents is shared by both ("A và B về thực hiện X"), but a
            # change is one act's: only a sibling of the same type shares it
            link.parents = [prev, *(s for s in plink.siblings
                                    if rtype not in _CHANGES or types.get(s.key) == types.get(prev.key))]
            link.rtype = rtype
        elif _COORDINATED.search(gap) and not _TITLE_WORDS.search(gap):
            link.depth, link.parents, link.rtype = plink.depth, plink.parents, plink.rtype
            link.siblings = [prev, *plink.siblings]
            link.actors = list(plink.actors)    # "… được sửa đổi bởi Nghị định A, Nghị định B"
        elif re.search(r"(?<![\w])(?:của|tại|theo|kèm theo)[ ]*$", gap) and not _COORDINATED.search(gap):
            link.depth, link.inside = plink.depth + 1, True   # named inside the other one's name or trích yếu
        # else: a trích yếu and then "và": a new item at the top of the list
    return links


# ---------------------------------------------------------------- the document's relation to each citation
def _preamble_clauses(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, verb relation) of each preamble paragraph that names what the document rests on; a
    paragraph that does not open with a verb continues the list when the one before ended with ";"/","."""
    out: list[tuple[int, int, str]] = []
    current: str | None = None
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        para = text[pos:stop]
        head = _LEADING_PURPOSE.sub("", para.lstrip("-+•*_ ")).casefold()
        verb = next((rel for v, rel in _preamble_verbs() if head.startswith(v)), None)
        if verb:
            current = verb
        elif not (current and out and re.search(r"[;,]\s*$", text[out[-1][0]:out[-1][1]])):
            current = None
        if current and para.strip():
            out.append((pos, stop, current))
        pos = stop + 1
    return out


def _relation_for(kind: str, verb_relation: str, citation: Citation) -> str:
    if kind in LEGAL_ACT_KINDS or verb_relation == "based_on":
        return "based_on"
    if doc_type_kind().get(citation.doc_type or "") == "normative":
        return "based_on"     # a plan's "Căn cứ Luật …" is its legal basis, not a directive it carries out
    return verb_relation


def citation_relations(nt: NormText, citations: list[Citation], mentions: list[Mention],
                       links: dict[int, Link], body_start: int, doc_type: str | None) -> None:
    """Set each citation's relation to the document from the top-level items of its preamble lists."""
    kind = ingested_kind(doc_type)
    start, end = preamble_span(nt, body_start)
    clauses = None        # read when a mention stands in the preamble
    by_key = {c.key: c for c in citations}
    for c in citations:
        c.relations = []
    for i, m in enumerate(mentions):
        if m.kind == "alias" or m.key not in by_key or not (start <= m.start < end):
            continue
        if clauses is None:
            clauses = _preamble_clauses(nt.text, start, end)
        verb = next((rel for a, b, rel in clauses if a <= m.start < b), None)
        c = by_key[m.key]
        if verb is None or c.relations:
            continue
        if links[i].depth == 0 or kind in LEGAL_ACT_KINDS and not links[i].inside:
            rel = _relation_for(kind, verb, c)
            c.relations = [rel]
            c.evidence.append(Evidence(m.start, m.end, f"preamble:{rel}"))
    for c in citations:
        if not c.relations:
            c.relations = ["cites"]


# ---------------------------------------------------------------- relations stated by the text
_ATTACHED_ENDS = ("ban hành kèm theo ", "ban hành kèm theo \n")


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
            if not text.endswith(_ATTACHED_ENDS, 0, m.start):
                continue                  # before_rx ends so ($ also matches before a final "\n")
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


def _footnote_owner(nt: NormText, mentions: list[Mention], i: int) -> Mention | None:
    """In a footnote body that starts with a description, the mention the footnote marker follows."""
    label = nt.footnote_of(mentions[i].start)
    if label is None:
        return None
    fs, _ = nt.footnotes[label]
    if any(m.start >= fs and m.kind != "alias" for m in mentions[:i]):
        return None
    marker = next((p for p, lab in nt.footnote_markers if lab == label), None)
    if marker is None:
        return None
    cands = [m for m in mentions if m.end <= marker and marker - m.end < 120 and m.kind != "alias"]
    return cands[-1] if cands else None


def _same_subject(a: str | None, b: str | None) -> bool:
    """Two trích yếu about the same thing (an act that declares an older one expired replaces it)."""
    if not a or not b:
        return False
    wa, wb = set(fold_words(a).split()), set(fold_words(b).split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) >= 0.6


def _own_changes(nt: NormText, mentions: list[Mention], by_key: dict[str, Citation], own_title: str | None):
    """(mention, relation, evidence start) for each change the document itself makes."""
    text = nt.text
    out = []
    real = [m for m in mentions if m.kind != "alias"]      # sorted by start
    real_starts = [m.start for m in real]

    def first_after(pos: int, limit: int) -> Mention | None:
        i = bisect_left(real_starts, pos)
        return real[i] if i < len(real) and real[i].start < limit else None

    low = nt.lower
    verbs = sorted(chain.from_iterable(find_all(low, v) for v in _CHANGE_VERBS))
    for vm in matches_at(_CHANGE_VERB, text, verbs):
        verb = vm.group("v").casefold()
        cs = max(text.rfind(";", 0, vm.start()), text.rfind("\n", 0, vm.start())) + 1
        head = text[cs:vm.start()]
        if first_after(cs, vm.start()) is not None and not _SELF.search(head):
            continue                      # another document is the subject ("Nghị định A sửa đổi …")
        if verb == "hết hiệu lực":
            if _EXPIRY_LIST.match(text, vm.start() - len("sau ")) or _EXPIRY_LIST.search(text[cs:vm.end() + 90]):
                continue                  # the list form is read below
            target = first_after(cs, vm.start())
            if target is None or not (_SELF.search(text[cs:vm.start()]) or _SELF.search(text[max(0, cs - 200):cs])):
                target = None
            if target is None:
                continue
            rel = "replaces" if _same_subject(by_key[target.key].title, own_title) else None
            if rel:
                out.append((target, rel, cs))
            continue
        if not (_SELF.search(head) or _OPENS_WITH_CHANGE.match(text, cs)):
            continue
        ce = min(x for x in (text.find(";", vm.end()), text.find("\n", vm.end()), len(text)) if x >= 0)
        target = first_after(vm.end(), ce)
        if target is None or len(text[vm.end():target.start].split()) > 45:
            continue
        obj = text[vm.end():target.start]
        if _PARTS.search(obj):
            rel = "amends"
        elif verb == "thay thế":
            rel = "replaces"
        elif verb == "bãi bỏ":
            rel = "replaces" if _same_subject(by_key[target.key].title, own_title) else None
        else:
            rel = "amends"
        if rel:
            out.append((target, rel, vm.start()))
    for lm in _EXPIRY_LIST.finditer(text):
        pos = lm.end()
        while True:
            nl = text.find("\n", pos)
            if nl < 0:
                break
            line_end = text.find("\n", nl + 1)
            line_end = len(text) if line_end < 0 else line_end
            line = text[nl + 1:line_end]
            if not _LIST_ITEM.match(line):
                break
            target = first_after(nl + 1, nl + 1 + 60)
            if target is not None:
                rel = "replaces" if _same_subject(by_key[target.key].title, own_title) or \
                    _same_subject(text[target.end:line_end], own_title) else None
                if rel:
                    out.append((target, rel, lm.start() if not out else nl + 1))
            pos = line_end
    return out


def relate(nt: NormText, citations: list[Citation], plan: dict, body_start: int) -> list[dict]:
    """Set every citation's relation to the document; return the stated doc_relations."""
    text = nt.text
    by_key = {c.key: c for c in citations}
    for c in citations:
        for m in c.mentions:
            m.key = c.key
    mentions = sorted([m for c in citations for m in c.mentions] + _alias_mentions(nt, citations),
                      key=lambda m: m.start)
    types = {c.key: c.doc_type for c in citations}
    links = link_mentions(text, mentions, types)
    citation_relations(nt, citations, mentions, links, body_start, plan.get("doc_type"))

    out: list[dict] = []
    seen: set[tuple[str, str, str]] = set()

    def label(c: Citation) -> str:
        return c.symbol or (c.first().name or c.title or "")

    def emit(src_label: str, src_key: str, dst: Citation, rtype: str, a: int, b: int):
        k = (src_key, dst.key, rtype)
        if src_key == dst.key or k in seen:
            return
        seen.add(k)
        out.append({"from": src_label, "to": label(dst), "type": rtype,
                    "evidence": nt.original_text(a, b), "_span": (a, b)})

    for i, n in enumerate(mentions):
        if n.key not in by_key:
            continue
        link = links[i]
        for actor, rtype in link.actors:
            if actor.key in by_key:
                emit(label(by_key[n.key]), n.key, by_key[actor.key], rtype, actor.start, n.end)
        if link.rtype:
            for p in link.parents:
                if p.key in by_key:
                    emit(label(by_key[p.key]), p.key, by_key[n.key], link.rtype, min(p.start, n.start), n.end)
        owner = _footnote_owner(nt, mentions, i)
        if owner is not None and owner.key in by_key and owner.key != n.key:
            rtype = relation_in_gap(text[nt.footnotes[nt.footnote_of(n.start)][0]:n.start])
            if rtype:
                emit(label(by_key[owner.key]), owner.key, by_key[n.key], rtype, owner.start, n.end)

    own = plan.get("symbol")
    if ingested_kind(plan.get("doc_type")) in LEGAL_ACT_KINDS:
        for target, rtype, a in _own_changes(nt, mentions, by_key, plan.get("title")):
            c = by_key[target.key]
            if own:   # a document without a number is still changing it, but has no label to state it by
                emit(own, "\x00self", c, rtype, a, target.end)
            if rtype not in c.relations:
                c.relations = [rtype] + [r for r in c.relations if r != "cites"]
    return out
