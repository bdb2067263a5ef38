"""read → normalise → spaCy pipeline (citations, agencies, movements) → one record per document.

The spaCy pipeline is `spacy.blank("vi")` without pyvi (whitespace tokenisation keeps "33/CT-TTg" one
token) plus named components, so a trained component can later slot in beside or instead of the rules.
Each component reads the NormText and the plan metadata from `doc.user_data` and writes its results to
`doc.spans[...]` (for display and provenance) and `doc.user_data[...]` (the typed records).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from vbgraph.extract.chrome import chrome_tail
from vbgraph.extract.citations import find_mentions, group_citations, share_own_scope
from vbgraph.extract.effect import read_effect
from vbgraph.extract.errors import InputError
from vbgraph.extract.plan import extract_plan
from vbgraph.extract.prefilter import make_doc, may_hold
from vbgraph.extract.readers import read_input
from vbgraph.extract.relations import relate
from vbgraph.extract.text import NormText, normalise


def _spans(doc: Doc, items: Iterable[tuple[int, int, str]]):
    spans = []
    for start, end, label in items:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


@Language.component("vbgraph_citations")
def citations_component(doc: Doc) -> Doc:
    nt: NormText = doc.user_data["nt"]
    plan = doc.user_data["plan"]
    mentions = find_mentions(nt, plan.get("province"), doc.user_data.get("header_spans", []))
    cites = group_citations(nt, mentions, plan.get("province"), plan.get("district"))
    own = (plan.get("symbol") or "").casefold()
    cites = [c for c in cites if not (own and c.symbol and c.symbol.casefold() == own)]
    share_own_scope(cites, plan)
    doc.user_data["doc_relations"] = relate(nt, cites, plan, doc.user_data.get("body_start", 0))
    doc.user_data["citations"] = cites
    doc.spans["citations"] = _spans(doc, ((m.start, m.end, c.doc_type or "DOC")
                                          for c in cites for m in c.mentions))
    return doc


@Language.component("vbgraph_agencies")
def agencies_component(doc: Doc) -> Doc:
    from vbgraph.extract.agencies import find_agencies

    agencies = find_agencies(doc, doc.user_data["nt"], doc.user_data["plan"])
    doc.user_data["agencies"] = agencies
    doc.spans["agencies"] = _spans(doc, ((e.start, e.end, "AGENCY") for a in agencies for e in a.evidence))
    return doc


@Language.component("vbgraph_movements")
def movements_component(doc: Doc) -> Doc:
    from vbgraph.extract.movements import find_movements

    movements = find_movements(doc, doc.user_data["nt"])
    doc.user_data["movements"] = movements
    doc.spans["movements"] = _spans(doc, ((e.start, e.end, "MOVEMENT") for m in movements for e in m.evidence))
    return doc


_FAMILY = {"vbgraph_citations": "citation", "vbgraph_agencies": "agency", "vbgraph_movements": "movement"}


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    # The matchers read LOWER/NORM only; shapes and like_num/url/email were most of the cost of
    # building a Doc over text full of new words, so they are not computed.
    from spacy.attrs import LIKE_EMAIL, LIKE_NUM, LIKE_URL, SHAPE
    for attr in (SHAPE, LIKE_NUM, LIKE_URL, LIKE_EMAIL):
        nlp.vocab.lex_attr_getters.pop(attr, None)
    for name in ("vbgraph_citations", "vbgraph_agencies", "vbgraph_movements"):
        nlp.add_pipe(name)
    return nlp


def analyse_text(raw: str, source: str = "<text>") -> tuple[dict, Doc]:
    """The record (gold schema) and the annotated spaCy Doc for one document's text."""
    nt = normalise(raw)
    plan, header_spans = extract_plan(nt)
    body_start = plan_body_start(nt, header_spans)
    tail = chrome_tail(nt.text)
    if tail is not None:      # a portal's related-documents list and notices cite nothing for the document
        header_spans = [*header_spans, (tail, len(nt.text))]
    nlp = build_nlp()
    # the prefilter's cues are a superset of what each finder needs: a text without them skips it,
    # and a text without any cue needs no tokens at all (the Doc then only carries the results)
    wanted = [(name, proc) for name, proc in nlp.pipeline if may_hold(nt.text, _FAMILY[name])]
    doc = make_doc(nlp.vocab, nt.text if wanted else "")
    doc.user_data.update(nt=nt, plan=plan, header_spans=header_spans, body_start=body_start)
    doc.user_data.update(citations=[], doc_relations=[], agencies=[], movements=[])
    for _, proc in wanted:
        doc = proc(doc)
    doc.user_data["effect"] = read_effect(nt, plan, doc.user_data["citations"])
    return to_record(source, doc), doc


def plan_body_start(nt: NormText, header_spans) -> int:
    end = max((b for _, b in header_spans), default=0)
    return end


def to_record(source: str, doc: Doc) -> dict:
    nt: NormText = doc.user_data["nt"]
    citations = []
    for c in doc.user_data["citations"]:
        first = c.first()
        citations.append({
            "doc_type": c.doc_type, "number": c.number, "symbol": c.symbol,
            "symbol_as_written": c.written, "date": c.date, "year": c.year, "issuer": c.issuer,
            "scope": c.scope, "title": c.title, "relations": c.relations,
            "mentions": sum(1 for m in c.mentions if m.counts),
            "first_mention": nt.original_text(first.start, first.end),
        })
    relations = [{k: v for k, v in r.items() if not k.startswith("_")} for r in doc.user_data["doc_relations"]]
    return {
        "source": source,
        "plan": doc.user_data["plan"],
        "citations": citations,
        "doc_relations": relations,
        "agencies": [a.to_json() for a in doc.user_data.get("agencies", [])],
        "movements": [m.name for m in doc.user_data.get("movements", [])],
        "effect": doc.user_data.get("effect"),
    }


def provenance(doc: Doc) -> dict:
    """Where each record item stands in the source: original character offsets, the sentence, the rule
    that found it.  Lists run parallel to the record's citations / doc_relations / agencies / movements."""
    nt: NormText = doc.user_data["nt"]

    def where(start: int, end: int, rule: str, confidence: float = 1.0) -> dict:
        a, b = nt.original_span(start, end)
        s0, s1 = nt.sentence_at(start)
        return {"start": a, "end": b, "sentence": nt.text[s0:s1], "rule": rule, "confidence": confidence}

    citations = []
    for c in doc.user_data["citations"]:
        rule = c.evidence[0].rule if c.evidence else "body-mention"
        citations.append([where(m.start, m.end, rule if i == 0 else "body-mention")
                          for i, m in enumerate(sorted(c.mentions, key=lambda m: m.start)) if m.counts])
    relations = [where(*r["_span"], f"stated:{r['type']}") for r in doc.user_data["doc_relations"]]
    agencies = [{"evidence": [where(e.start, e.end, e.rule, e.confidence) for e in a.evidence], "tasks": a.tasks}
                for a in doc.user_data.get("agencies", [])]
    movements = [[where(e.start, e.end, e.rule, e.confidence) for e in m.evidence]
                 for m in doc.user_data.get("movements", [])]
    return {"citations": citations, "doc_relations": relations, "agencies": agencies, "movements": movements}


def extract_file(path) -> dict:
    """One record per file; raises InputError naming the file when it cannot be read.  The record's
    "input" says how the text was obtained (format, encoding, OCR and its confidence, warnings)."""
    document = read_input(path)
    record, _ = analyse_text(document.text, source=Path(path).name)
    record["input"] = document.input_info()
    return record


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Every file named or found in a folder: each is then read or reported as skipped, none dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # not is_file(): a dangling link or a FIFO is reported (check_readable), not dropped
            out.extend(sorted(q for q in p.rglob("*") if not q.is_dir()))
        else:
            out.append(p)
    return out


def extract_paths(paths: Iterable[str], progress: bool = False) -> Iterator[tuple[str, dict | None, str | None]]:
    """(path, record, error) for each input; one bad file never stops the batch."""
    files = expand_paths(paths)
    if progress and len(files) > 1 and os.isatty(2):
        from tqdm import tqdm
        files = tqdm(files, desc="extract", unit="file")
    for path in files:
        try:
            yield str(path), extract_file(path), None
        except InputError as exc:
            yield str(path), None, exc.problem
        except Exception as exc:  # a bug on one odd document must not lose the rest of the batch
            yield str(path), None, f"extraction failed: {type(exc).__name__}: {exc}"
