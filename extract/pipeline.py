"""read → normalise → plan → finders (citations, agencies, movements) → one record per document.

`analyse_text` (the batch path) runs each finder on the NormText, only when the prefilter says the text
can hold something of its family, and builds no spaCy Doc.  The same finders are the components of a
spaCy pipeline, `spacy.blank("vi")` without pyvi (whitespace tokenisation keeps "33/CT-TTg" one token),
so a trained component can later slot in beside or instead of the rules: `analyse_doc` runs it for the
views that show the text, each component writing its results to `doc.spans[...]` (for display) and the
analysis to `doc.user_data`.  Both give the same record and provenance.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
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
from vbgraph.extract.prefilter import make_doc, may_hold, shared_vocab
from vbgraph.extract.readers import expand_paths, read_input
from vbgraph.extract.relations import relate
from vbgraph.extract.text import NormText, normalise


@dataclass
class Analysis:
    """One document's text, its plan and what each finder found: the record and the provenance are
    made from it, with or without a spaCy Doc."""
    nt: NormText
    plan: dict
    header_spans: list
    body_start: int
    citations: list = field(default_factory=list)
    doc_relations: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    movements: list = field(default_factory=list)
    effect: dict | None = None


def prepare(raw: str) -> Analysis:
    """Normalise the text and read its plan: what every finder reads."""
    nt = normalise(raw)
    plan, header_spans = extract_plan(nt)
    body_start = plan_body_start(nt, header_spans)
    tail = chrome_tail(nt.text)
    if tail is not None:      # a portal's related-documents list and notices cite nothing for the document
        header_spans = [*header_spans, (tail, len(nt.text))]
    return Analysis(nt, plan, header_spans, body_start)


def run_citations(a: Analysis) -> None:
    plan = a.plan
    mentions = find_mentions(a.nt, plan.get("province"), a.header_spans)
    cites = group_citations(a.nt, mentions, plan.get("province"), plan.get("district"))
    own = (plan.get("symbol") or "").casefold()
    cites = [c for c in cites if not (own and c.symbol and c.symbol.casefold() == own)]
    share_own_scope(cites, plan)
    a.doc_relations = relate(a.nt, cites, plan, a.body_start)
    a.citations = cites


def run_agencies(a: Analysis) -> None:
    from vbgraph.extract.agencies import find_agencies

    a.agencies = find_agencies(a.nt, a.plan)


def run_movements(a: Analysis) -> None:
    from vbgraph.extract.movements import find_movements

    a.movements = find_movements(a.nt)


# family -> (its finder, as analyse_text looks it up in this module; its spaCy component)
_FINDERS = {"citation": ("run_citations", "vbgraph_citations"), "agency": ("run_agencies", "vbgraph_agencies"),
            "movement": ("run_movements", "vbgraph_movements")}


def wanted(a: Analysis) -> list[str]:
    """The families whose finder can find anything in this text: the prefilter's cues are a superset
    of what each finder needs, so a text without them skips it."""
    return [family for family in _FINDERS if may_hold(a.nt.text, family)]


def analyse_text(raw: str, source: str = "<text>") -> tuple[dict, Analysis]:
    """The record (gold schema) and the analysis it was made from, for one document's text.  No spaCy
    Doc is built: the finders read the NormText (the Doc is for the views, see `analyse_doc`)."""
    a = prepare(raw)
    module = globals()
    for family in wanted(a):
        module[_FINDERS[family][0]](a)
    a.effect = read_effect(a.nt, a.plan, a.citations)
    return to_record(source, a), a


def _spans(doc: Doc, items: Iterable[tuple[int, int, str]]):
    spans = []
    for start, end, label in items:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


@Language.component("vbgraph_citations")
def citations_component(doc: Doc) -> Doc:
    a: Analysis = doc.user_data["analysis"]
    run_citations(a)
    doc.spans["citations"] = _spans(doc, ((m.start, m.end, c.doc_type or "DOC")
                                          for c in a.citations for m in c.mentions))
    return doc


@Language.component("vbgraph_agencies")
def agencies_component(doc: Doc) -> Doc:
    a: Analysis = doc.user_data["analysis"]
    run_agencies(a)
    doc.spans["agencies"] = _spans(doc, ((e.start, e.end, "AGENCY") for ag in a.agencies for e in ag.evidence))
    return doc


@Language.component("vbgraph_movements")
def movements_component(doc: Doc) -> Doc:
    a: Analysis = doc.user_data["analysis"]
    run_movements(a)
    doc.spans["movements"] = _spans(doc, ((e.start, e.end, "MOVEMENT") for m in a.movements for e in m.evidence))
    return doc


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """`spacy.blank("vi")` without pyvi (whitespace tokens) and the three finders as components, on
    the vocab the finders use (`prefilter.shared_vocab`)."""
    nlp = spacy.blank("vi", vocab=shared_vocab(), config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    for name in ("vbgraph_citations", "vbgraph_agencies", "vbgraph_movements"):
        nlp.add_pipe(name)
    return nlp


def analyse_doc(raw: str, source: str = "<text>") -> tuple[dict, Doc]:
    """The record and an annotated spaCy Doc (doc.spans per family, doc.user_data with the analysis and
    its parts) for a view that shows the text: the same record as analyse_text."""
    a = prepare(raw)
    nlp = build_nlp()
    families = wanted(a)
    doc = make_doc(nlp.vocab, a.nt.text if families else "")
    doc.user_data["analysis"] = a
    components = dict(nlp.pipeline)
    for family in families:
        doc = components[_FINDERS[family][1]](doc)
    a.effect = read_effect(a.nt, a.plan, a.citations)
    doc.user_data.update({f.name: getattr(a, f.name) for f in fields(a)})
    return to_record(source, a), doc


def plan_body_start(nt: NormText, header_spans) -> int:
    end = max((b for _, b in header_spans), default=0)
    return end


def _analysis(of: Analysis | Doc) -> Analysis:
    return of if isinstance(of, Analysis) else of.user_data["analysis"]


def to_record(source: str, of: Analysis | Doc) -> dict:
    a = _analysis(of)
    nt = a.nt
    citations = []
    for c in a.citations:
        first = c.first()
        citations.append({
            "doc_type": c.doc_type, "number": c.number, "symbol": c.symbol,
            "symbol_as_written": c.written, "date": c.date, "year": c.year, "issuer": c.issuer,
            "scope": c.scope, "title": c.title, "relations": c.relations,
            "mentions": sum(1 for m in c.mentions if m.counts),
            "first_mention": nt.original_text(first.start, first.end),
        })
    relations = [{k: v for k, v in r.items() if not k.startswith("_")} for r in a.doc_relations]
    return {
        "source": source,
        "plan": a.plan,
        "citations": citations,
        "doc_relations": relations,
        "agencies": [ag.to_json() for ag in a.agencies],
        "movements": [m.name for m in a.movements],
        "effect": a.effect,
    }


def provenance(of: Analysis | Doc) -> dict:
    """Where each record item stands in the source: original character offsets, the sentence, the rule
    that found it.  Lists run parallel to the record's citations / doc_relations / agencies / movements."""
    a = _analysis(of)
    nt = a.nt

    def where(start: int, end: int, rule: str, confidence: float = 1.0) -> dict:
        s, e = nt.original_span(start, end)
        s0, s1 = nt.sentence_at(start)
        return {"start": s, "end": e, "sentence": nt.text[s0:s1], "rule": rule, "confidence": confidence}

    citations = []
    for c in a.citations:
        rule = c.evidence[0].rule if c.evidence else "body-mention"
        citations.append([where(m.start, m.end, rule if i == 0 else "body-mention")
                          for i, m in enumerate(sorted(c.mentions, key=lambda m: m.start)) if m.counts])
    relations = [where(*r["_span"], f"stated:{r['type']}") for r in a.doc_relations]
    agencies = [{"evidence": [where(e.start, e.end, e.rule, e.confidence) for e in ag.evidence], "tasks": ag.tasks}
                for ag in a.agencies]
    movements = [[where(e.start, e.end, e.rule, e.confidence) for e in m.evidence] for m in a.movements]
    return {"citations": citations, "doc_relations": relations, "agencies": agencies, "movements": movements}


def extract_file(path) -> dict:
    """One record per file; raises InputError naming the file when it cannot be read.  The record's
    "input" says how the text was obtained (format, encoding, OCR and its confidence, warnings)."""
    document = read_input(path)
    record, _ = analyse_text(document.text, source=Path(path).name)
    record["input"] = document.input_info()
    return record


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
