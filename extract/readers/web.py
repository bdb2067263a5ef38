"""Web pages saved from the legal portals and government sites (.html/.htm).

The site's chrome goes first (scripts, navigation, menus, headers and footers, forms, sidebars, share
buttons — by tag and by class/id words), then the reader walks down from <body> into the element that
holds most of the remaining text (links do not count): that is the document.  Its blocks become lines,
a table row one line with its cells separated by "|".  The portal's metadata box ("Số hiệu",
"Loại văn bản", "Nơi ban hành", "Ngày ban hành", "Người ký" …; the labels of header.PORTAL_LABELS) is read
into `Document.metadata` and written once, one "Label: value" line each, at the top of the text — the
form in which captured pages hold it, so the header code (header.portal_box) reads it as the second
source it is and keeps it out of citations; wherever the page had it, it is taken out of the body.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from vbgraph.extract.errors import InputError
from vbgraph.extract.readers import Document
from vbgraph.extract.readers.charsets import decode_text
from vbgraph.extract.header import PORTAL_LABELS

_CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
                "select", "svg", "template", "input", "textarea", "link", "meta", "object", "embed")
_CHROME_WORDS = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|header|breadcrumbs?|sidebar|banner|share|"
                           r"social|comments?|related|advert|ads|quangcao|login|search|toolbar|cookie|popup|"
                           r"modal|topbar|bottom)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = {"p", "div", "li", "tr", "table", "section", "article", "main", "blockquote", "pre", "dd", "dt",
               "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "center", "body", "tbody", "thead"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# the document is the deepest element holding at least this share of its parent's text
_DESCEND = 0.6


def _decode(path, data: bytes) -> tuple[str, str, list[str]]:
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            codec = None
        if codec and codec not in ("utf-8", "utf-16", "utf-32"):
            try:
                return unicodedata.normalize("NFC", data.decode(codec)), codec, []
            except UnicodeDecodeError:
                pass  # the declaration is wrong: find the encoding as for a text file
    return decode_text(path, data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _own_text(el) -> int:
    """Characters of text in el that are not link text."""
    links = sum(len(_squash(a.text_content())) for a in el.iter("a"))
    return len(_squash(el.text_content())) - links


def _label_field(el) -> tuple[str, str, str] | None:
    """(label as written, field, text after the colon) when el's own text starts with a metadata label.
    Only an element's own text is read, so the page is scanned once, not once per enclosing element."""
    text = _squash(el.text or "")
    if not text or len(text) > 300:
        return None
    label, sep, rest = text.partition(":")
    field = PORTAL_LABELS.get(label.strip().lower())
    return (label.strip(), field, rest.strip() if sep else "") if field else None


def _value_after(el) -> str:
    """The value beside a label element: its tail, or the next element (climbing out of wrappers that
    hold nothing but the label, as in <td><b>Số hiệu:</b></td><td>859/KH-UBND</td>)."""
    label_text = _squash(el.text_content())
    while el is not None:
        if el.tail and el.tail.strip():
            return _squash(el.tail)
        nxt = el.getnext()
        if nxt is not None:
            return _cell_text(nxt)
        el = el.getparent()
        if el is None or _squash(el.text_content()) != label_text:
            return ""
    return ""


def _metadata_box(root) -> tuple[dict[str, str], list[str]]:
    """The box's fields, and its "Label: value" lines in the page's order."""
    found: dict[str, str] = {}
    lines, hits = [], []
    for el in root.iter():
        labelled = _label_field(el) if isinstance(el.tag, str) else None
        if labelled is None:
            continue
        label, field, rest = labelled
        value = rest or _value_after(el)
        if value and field not in found:
            found[field] = value
            lines.append(f"{label}: {value}")
            hits.append(el)
    if len(hits) >= 2:
        box = _common_ancestor(hits)
        if box is not None and box.tag != "body" and len(_squash(box.text_content())) < 2000:
            box.drop_tree()
    return found, lines


def _common_ancestor(elements):
    paths = [list(el.iterancestors())[::-1] + [el] for el in elements]
    common = None
    for level in zip(*paths):
        if all(e is level[0] for e in level):
            common = level[0]
        else:
            break
    return common


def _drop_chrome(body) -> None:
    total = max(1, _own_text(body))
    doomed = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if el.tag in _CHROME_TAGS or (marks.strip() and _CHROME_WORDS.search(marks)):
            doomed.append(el)
    for el in doomed:
        # a wrapper named "header" that holds most of the page is the page, not chrome
        if el.getparent() is not None and (el.tag in ("script", "style") or _own_text(el) < 0.5 * total):
            el.drop_tree()


def _main_element(body):
    current = body
    while True:
        score = _own_text(current)
        best = max((c for c in current if isinstance(c.tag, str)), key=_own_text, default=None)
        if best is None or score <= 0 or _own_text(best) < _DESCEND * score:
            return current
        current = best


def _lines(el, out: list[str]) -> None:
    _content(el, out)
    if el.tail:
        out.append(el.tail)


def _content(el, out: list[str]) -> None:
    """Block elements start a line; a table row is one line, its cells separated by "|"."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append("\n")
    elif tag == "tr":
        cells = [_cell_text(c) for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")]
        out.append("\n| " + " | ".join(cells) + " |\n")
    elif tag == "sup":
        out.append(f"<sup>{_squash(el.text_content())}</sup>")
    else:
        block = tag in _BLOCK_TAGS
        out.append("\n" if block else "")
        out.append(el.text or "")
        for child in el:
            _lines(child, out)
        out.append("\n" if block else "")


def _cell_text(el) -> str:
    parts: list[str] = []
    _content(el, parts)
    return _squash("".join(parts))


def read(path, data: bytes) -> Document:
    from lxml import etree, html

    text, encoding, warnings = _decode(path, data)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(path, f"is not a readable web page ({exc})") from None
    body = root.find("body")
    if body is None:
        body = root
    for el in body.iter("script", "style"):
        el.text = ""
    metadata, box_lines = _metadata_box(body)
    _drop_chrome(body)
    parts: list[str] = []
    _lines(_main_element(body), parts)
    lines = [" ".join(ln.replace("\xa0", " ").split()) for ln in "".join(parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(box_lines + [""] + lines)).strip() + "\n"
    return Document(text=unicodedata.normalize("NFC", text), format="html", encoding=encoding,
                    warnings=warnings, metadata=metadata)
