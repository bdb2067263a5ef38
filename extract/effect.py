"""What a document says about legal effect: its own entry into force ("Quyết định này có hiệu lực thi
hành kể từ ngày 01 tháng 12 năm 2025", "… kể từ ngày ký"), its own expiry, and what it does to the
documents it names — replaces, repeals (whole, or the articles/clauses named), amends, suspends, or
declares expired ("Các quyết định sau hết hiệu lực thi hành kể từ ngày …: a) …; b) …").

The verbs, the side their documents stand on and the status they give are data
(data/effect_words.csv). A statement is kept only when its subject is the document itself: "<loại> này …",
or an article of a document that has articles ("Điều 1. Sửa đổi, bổ sung … của Nghị định số …",
"Bãi bỏ Điều 5 của …"). A statement between two other documents ("Quyết định số A thay thế Quyết định
số B") is read by extract/relations.py; "<văn bản> … hết hiệu lực …" is the one kind whose subject may
be another document. A plan's tasks ("tham mưu sửa đổi Quyết định số …") have no articles and are skipped.

Returns the record's "effect" (the scorer ignores it):
  {"in_force": {date, rule, sentence, start, end} | None, "expires": {…} | None,
   "statements": [{action, status, target, part, date, date_rule, sentence, start, end}]}
date_rule: stated (a date in the sentence) | signing (“kể từ ngày ký”, the document's date) |
own-entry-into-force (the statement takes effect with the document that makes it).
Cheap on large corpora: nothing runs unless one cue word occurs.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import lru_cache
from itertools import chain

from vbgraph.extract.citations import Citation
from vbgraph.extract.dates import find_dates
from vbgraph.extract.tables import read_table
from vbgraph.extract.text import NormText, find_all

_CUES = ("hiệu lực", "thay thế", "bãi bỏ", "sửa đổi", "đình chỉ")   # in any case: found in nt.lower
_TYPES = (r"(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|Thông tư liên tịch|Thông tư|Chỉ thị|"
          r"Kế hoạch|Quy định|Quy chế|Hướng dẫn|Văn bản|Công văn|Chương trình|Đề án|Lệnh)")
_SELF = re.compile(rf"(?P<t>(?i:{_TYPES}))[ ](?:này|kèm theo Quyết định này)(?![\w])")
_ATTACHED = ("quy định", "quy chế", "văn bản", "hướng dẫn", "chương trình", "kế hoạch", "đề án")
_IN_FORCE = re.compile(r"(?i)(?<!hết )(?<!\w)có hiệu lực(?:[ ]thi hành)?(?:[ ]k[ểê])?(?:[ ]từ)?[ ]?")
_SIGNING = re.compile(r"(?i)(?:sau[ ](?P<days>\d{1,3})[ ]ngày[ ])?(?:kể[ ])?(?:từ[ ])?ngày[ ](?:ký|ban hành)"
                      r"(?:[ ]ban hành)?(?:[ ]?\((?P<written>[\d/.-]{8,10})\))?")
_FROM_DATE = re.compile(r"(?i)(?:kể[ ])?(?:từ|vào)[ ](?=ngày[ ])")
_FROM_OWN = re.compile(rf"(?i)(?:kể[ ])?từ[ ]ngày[ ]{_TYPES}[ ]này[ ]có hiệu lực")
_ARTICLE = re.compile(r"(?m)^Điều[ ]\d+[a-z]?[.:]")
_UNIT = r"(?:(?i:điểm)[ ][a-zđ]|(?i:khoản|điều|chương|mục|tiểu mục|phụ lục|phần)[ ](?:\d+[a-zđ]?|[IVXLC]+))(?![\w])"
_PART = re.compile(rf"{_UNIT}(?:(?:[ ,]+|[ ]và[ ]){_UNIT})*")
_SOME = re.compile(r"(?i)(?:một số|các)[ ](?:điều|khoản|điểm|nội dung|quy định)(?:[ ,]+(?:phụ lục|khoản|điểm))?|phụ lục|cụm từ")
_OTHER_VERBS = re.compile(r"(?i)^(?:[ ,]+(?:và[ ]+)?(?:sửa đổi|bổ sung|thay thế|bãi bỏ))+")
_NOT_OBJECT = re.compile(r"(?i)[.;:]|\b(?:thực hiện|theo|về việc|để|nhằm|tham mưu|đề nghị|trình|bằng)\b")
_ITEM = re.compile(r"[ ]*(?:[a-zđ]\)|\d{1,2}[.)]|[-+•])[ ]*")
_ITEM_VERB = re.compile(r"^(?i:sửa đổi|bổ sung|bãi bỏ|thay thế)[ ,]+(?i:bổ sung[ ]+)?"
                        rf"(?P<part>{_PART.pattern})")


@lru_cache(maxsize=None)
def _verbs() -> list[tuple[re.Pattern, dict, str]]:
    """(regex, row, the phrase's first word in lower case) of each effect phrase, longest first."""
    rows = sorted(read_table("effect_words.csv"), key=lambda r: -len(r["phrase"]))
    return [(re.compile(r"(?i)(?<![\w])" + r"[ ,]+".join(map(re.escape, r["phrase"].split())) + r"(?![\w])"), r,
             r["phrase"].split()[0].lower()) for r in rows]


def _label(c: Citation) -> str:
    return c.symbol or (c.first().name or c.title or "")


def _date_at(text: str, pos: int) -> str | None:
    ds = find_dates(text, pos, min(len(text), pos + 40))
    return ds[0].iso if ds and ds[0].start - pos <= 6 and len(ds[0].iso) == 10 else None


def _plus_days(iso: str | None, days: int) -> str | None:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat() if iso else None


def _when(text: str, a: int, b: int, own_date: str | None) -> tuple[str | None, str | None]:
    """(date, rule) of a "(kể) từ ngày …" in text[a:b]."""
    m = _SIGNING.search(text, a, b)
    if m:
        written = _date_at(text, m.start("written")) if m.group("written") else None
        return _plus_days(own_date or written, int(m.group("days") or 0)), "signing"
    if _FROM_OWN.search(text, a, b):
        return None, "own-entry-into-force"
    for m in _FROM_DATE.finditer(text, a, b):
        d = _date_at(text, m.end())
        if d:
            return d, "stated"
    return None, None


def read_effect(nt: NormText, plan: dict, citations: list[Citation]) -> dict:
    text = nt.text
    out: dict = {"in_force": None, "expires": None, "statements": []}
    cues = sorted(chain.from_iterable(find_all(nt.lower, w) for w in _CUES))
    if not cues:
        return out
    own_date = plan.get("date")
    first_article = _ARTICLE.search(text)
    body = first_article.start() if first_article else None
    mentions = sorted(((m.start, m.end, c) for c in citations for m in c.mentions if m.counts),
                      key=lambda x: x[0])
    spans = nt.sentences
    starts = [a for a, _ in spans]                # once: sentence_at() rebuilds this list on every call
    sentences = sorted({spans[max(0, bisect.bisect_right(starts, i) - 1)] for i in cues})

    def where(a: int, b: int, s: tuple[int, int], item: tuple[int, int] | None = None) -> dict:
        oa, ob = nt.original_span(a, b)
        said = text[s[0]:s[1]] + (" " + text[item[0]:item[1]] if item else "")
        return {"sentence": " ".join(said.split()), "start": oa, "end": ob}

    own_type = (plan.get("doc_type") or "").casefold()
    low = nt.lower
    # each regex below needs a literal (in nt.lower when the regex ignores case): a sentence without
    # it is not scanned
    for s0, s1 in sentences:
        own = None if text.find("này", s0, s1) < 0 else next(
            (x for x in _SELF.finditer(text, s0, s1)
             if not own_type or x.group("t").casefold() in (own_type, *_ATTACHED)), None)
        for m in (_IN_FORCE.finditer(text, s0, s1) if low.find("có hiệu lực", s0, s1) >= 0 else ()):
            if not own or own.end() > m.start() or out["in_force"] or text[own.end():m.start()].strip(" ,"):
                continue                              # "trước ngày Nghị định này có hiệu lực" ≠ a statement
            date, rule = _when(text, m.start(), min(s1, m.end() + 60), own_date)
            if rule in ("stated", "signing"):
                out["in_force"] = dict(date=date, rule=rule, **where(own.start(), m.end(), (s0, s1)))
        for rx, verb, first_word in _verbs():
            if low.find(first_word, s0, s1) < 0:
                continue
            for m in rx.finditer(text, s0, s1):
                _statement(out, text, (s0, s1), m, verb, own, body, mentions, own_date, where)
    _dedupe(out)
    eif = out["in_force"]
    for st in out["statements"]:
        if st["date"] is None and st["date_rule"] in (None, "own-entry-into-force") and eif:
            st["date"], st["date_rule"] = eif["date"], "own-entry-into-force"
    return out


def _statement(out, text, sent, m, verb, own, body, mentions, own_date, where):
    s0, s1 = sent
    action, side = verb["action"], verb["side"]
    clause_start = max(s0, text.rfind(";", s0, m.start()) + 1)
    before = [x for x in mentions if clause_start <= x[0] and x[1] <= m.start()]
    self_subject = own is not None and own.end() <= m.start() and not [x for x in before if x[0] > own.start()]
    in_article = body is not None and m.start() >= body
    if side == "before":
        if action == "expires" and own is not None and own.end() <= m.start() and not before:
            date, rule = _when(text, m.end(), s1, own_date)
            if not out["expires"] and rule in ("stated", "signing"):
                out["expires"] = dict(date=date, rule=rule, **where(own.start(), m.end(), sent))
            return
        targets = _subject(text, clause_start, before, m.start()) if before else _list_after(text, s1, mentions)
        if not targets:
            return
        date, rule = _when(text, m.end(), s1, own_date)
        if rule is None and _date_at(text, m.end()):          # "(VB hết hiệu lực: 01/03/2027)"
            date, rule = _date_at(text, m.end()), "stated"
        for t in targets:
            _add(out, verb, t[2], _item_part(text, t), date, rule,
                 where(min(t[0], m.start()), max(t[1], m.end()), sent, t[3] if len(t) > 3 else None))
        return
    if before and not self_subject:
        return                                    # another document is the subject: relations.py reads it
    if re.search(r"(?i)(?:được|bị|đã)[ ]$", text[max(s0, m.start() - 8):m.start()]):
        return                                    # passive: "… được sửa đổi, bổ sung tại Nghị định số …"
    if not self_subject and _TASK.search(text, clause_start, m.start()):
        return                                    # "trình Chính phủ ban hành Nghị định thay thế …" is a task
    if not (self_subject or in_article or _preamble_self(text, s0, m.start())):
        return
    if re.match(r"[ ]*(?:bằng|cho)\b", text[m.end():m.end() + 6]) or \
            re.search(r"(?i)(?:đề nghị|tham mưu|xem xét|kiến nghị|trình)[ ]*$", text[clause_start:m.start()]):
        return
    after = [x for x in mentions if m.end() <= x[0] < s1]
    targets, part = [], None
    if after:
        gap = _OTHER_VERBS.sub("", text[m.end():after[0][0]], count=1)
        if len(gap) <= 120 and not _NOT_OBJECT.search(gap):
            pm = _PART.search(gap) or _SOME.search(gap)
            part = " ".join(pm.group(0).split()) if pm else _named_part(gap)
            targets = [after[0]]
            for x in after[1:]:
                between = text[targets[-1][1]:x[0]]
                if re.search(r"(?i)\b(?:về|ban hành|quy định|hướng dẫn|theo|tại|thực hiện|sửa đổi|bổ sung|"
                             r"thay thế|bãi bỏ|chi tiết)\b", between) or \
                        not re.search(r"(?:,|;|\bvà\b)", between):
                    break
                targets.append(x)
    elif text[m.end():s1].rstrip().endswith(":") and len(text[m.end():s1]) < 80:
        targets = _list_after(text, s1, mentions)
    if not targets:
        return
    date, rule = _when(text, s0, s1, own_date)
    if rule is None:
        rule = "own-entry-into-force"
    parts = part
    if action == "amends" and (not part or part.startswith("một số")):
        parts = _amended_parts(text, s1) or part
    for t in targets:
        _add(out, verb, t[2], parts, date, rule, where(m.start(), t[1], sent, t[3] if len(t) > 3 else None))


_TASK = re.compile(r"(?i)\b(?:trình|tham mưu|chủ trì|đề nghị|đề xuất|kiến nghị|nghiên cứu|xây dựng|dự thảo|xem xét)\b")


_FILLER = re.compile(r"(?i)\b(?:của|tại|toàn bộ|các|sau đây|sau|đối với|nội dung|văn bản quy phạm pháp luật|"
                     r"văn bản)\b|[,:;()\-+•]")


def _named_part(gap: str) -> str | None:
    """'thủ tục hành chính có số thứ tự 8, 9, 10 tại' → that part, when the words are more than filler."""
    gap = re.split(r"(?i)\b(?:bãi bỏ|thay thế|sửa đổi)\b", gap)[-1]
    if len(_FILLER.sub(" ", gap).split()) < 2:
        return None
    return re.sub(r"(?i)[ ,:]*(?:của|tại)?[ ,:]*$", "", " ".join(gap.split())).strip(" ,:") or None


_FROM_WHEN = re.compile(r"(?i)[ \-+•]*(?:kể[ ])?từ[ ]ngày[^,;]{0,120}?có hiệu lực(?:[ ]thi hành)?[ ]?,[ ]*")


def _subject(text: str, clause_start: int, before: list, verb: int) -> list:
    """The document a "… hết hiệu lực" clause is about: the one that opens the clause ("Luật … số A đã
    được sửa đổi … theo Luật số B hết hiệu lực …" → A), or one standing right before the verb."""
    when = _FROM_WHEN.match(text, clause_start)          # "Kể từ ngày Nghị định A có hiệu lực, Nghị định B …"
    if when:
        before = [x for x in before if x[0] >= when.end()]
        if not before:
            return []
        clause_start = when.end()
    first, last = before[0], before[-1]
    opening = text[clause_start:first[0]]
    if len(opening) <= 60 and not re.search(r"(?i)\d{3}|\b(?:quy định|ban hành|theo|tại|căn cứ|của)\b", opening):
        return [first]
    gap = text[last[1]:verb]
    return [last] if len(gap) <= 60 and not _NOT_OBJECT.search(gap) and \
        not re.search(r"(?i)\b(?:quy định|ban hành|bởi|sửa đổi)\b", gap) else []


def _preamble_self(text: str, s0: int, at: int) -> bool:
    """'Chính phủ ban hành Nghị định sửa đổi, bổ sung … của Nghị định số …' (the enacting formula)."""
    return bool(re.fullmatch(rf"(?i)[^,;:]{{0,80}}ban hành[ ]{_TYPES}[ ]?", text[s0:at]))


def _list_after(text: str, s1: int, mentions) -> list:
    """The documents listed after a sentence ending in ':' — the first document of each item."""
    if not text[:s1].rstrip().endswith(":"):
        return []
    out, pos = [], text.find("\n", s1)
    for _ in range(30):
        if pos < 0:
            break
        nxt = text.find("\n", pos + 1)
        line_end = nxt if nxt >= 0 else len(text)
        item = _ITEM.match(text, pos + 1, line_end)
        if not item:
            break
        first = next((x for x in mentions if item.end() <= x[0] < line_end), None)
        if first and first[0] - item.end() <= 60:
            out.append((*first, (pos + 1, line_end)))
        pos = nxt
    return out


def _item_part(text: str, target) -> str | None:
    """The part a list item names before its document ('- Mục 1 phần 3 tại Thông tư số …')."""
    if len(target) < 4:
        return None
    lead = _ITEM.sub("", text[target[3][0]:target[0]], count=1)
    pm = _PART.search(lead)
    return " ".join(pm.group(0).split()) if pm else _named_part(lead)


def _amended_parts(text: str, s1: int) -> str | None:
    """The articles/clauses named by the items of an amending article, up to the next 'Điều N.'."""
    nxt = _ARTICLE.search(text, s1)
    end = nxt.start() if nxt else min(len(text), s1 + 20000)
    parts: list[str] = []
    for line in text[s1:end].split("\n"):
        item = _ITEM.match(line)
        if not item:
            continue
        m = _ITEM_VERB.match(line[item.end():])
        if m:
            p = " ".join(m.group("part").split())
            if p and p not in parts:
                parts.append(p)
    return "; ".join(parts) or None


def _add(out, verb, c: Citation, part, date, rule, place) -> None:
    status = verb["status"]
    if part and status == "hết hiệu lực toàn bộ":
        status = "hết hiệu lực một phần"
    out["statements"].append(dict(action=verb["action"], status=status, target=_label(c),
                                  part=part, date=date, date_rule=rule, **place))


def _dedupe(out: dict) -> None:
    seen: dict[tuple, dict] = {}
    for st in out["statements"]:
        k = (st["action"], st["target"], st["part"] if st["action"] != "amends" else None)
        if k not in seen:
            seen[k] = st
        elif _specific(st["part"]) and not _specific(seen[k]["part"]):
            seen[k] = st                      # the statement that names the articles is the better source
    out["statements"] = list(seen.values())


def _specific(part: str | None) -> bool:
    return bool(part and _PART.search(part))
