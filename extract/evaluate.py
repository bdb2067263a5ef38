"""Score extracted records against gold records, and show what each change to the extractor fixed
and what it broke.

`score(gold, pred)` scores one document, `score_many(pairs)` pools the items of many documents
(micro-average).  Both return ``{"metrics": {name: numbers}, "items": [outcome, ...], "files": [...]}``.
An item is one compared thing:

* P/R/F1 metrics: ``{"metric", "file", "key", "outcome": "tp"|"fp"|"fn", "gold", "pred"}``
* accuracies:     ``{"metric", "file", "key", "outcome": "ok"|"wrong", "gold", "pred"}``

``key`` is the normalised identity of the thing (a folded symbol, a folded name, a plan field), so
the items of two runs can be lined up by ``(metric, file, key)``; `diff_runs` does that.

`run_eval` is the `vbgraph eval` verb: extract each input, score it against ``<gold>/<stem>.json``,
print a table (or JSON), save the items as ``<state>/last.json`` (the run before becomes
``previous.json``) and print the gains and losses against the previous run.
"""
from __future__ import annotations

import json
import sys
import traceback
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

# the name keys live beside the extractor, which uses them too; re-exported for the scorer's callers
from vbgraph.extract.names import _WORD_RE, agency_key, fold, movement_key  # noqa: F401
from vbgraph.extract.tables import ingested_kind

PRF_METRICS = ("citations_numbered", "citations_named", "doc_relations", "agencies", "movements")
PLAN_FIELDS = ("symbol", "date", "level", "province", "year")
ACCURACY_METRICS = ("cited_date", "cited_doc_type", "cited_scope", "implements", "relation", "agency_deadlines",
                    "plan") + tuple(f"plan_{f}" for f in PLAN_FIELDS)
# the strongest relation a document has to a cited one decides "relation" (as the project's scorer does)
RELATION_ORDER = ("replaces", "amends", "implements", "based_on", "cites")
# the per-kind table: a few headline numbers for each kind of document (plan, decision, decree …)
KIND_COLUMNS = (("citations_numbered", "f1"), ("citations_named", "f1"), ("relation", "accuracy"),
                ("doc_relations", "f1"), ("agencies", "f1"), ("movements", "f1"), ("plan", "accuracy"))

NAMED_MIN_JACCARD = 0.6
RELATION_NAME_MIN_JACCARD = 0.6
MOVEMENT_MIN_JACCARD = 0.8

# ------------------------------------------------------------------ normalisation

def fold_symbol(value) -> str:
    """A document symbol folded for comparison: `fold` with all whitespace removed."""
    return fold(value).replace(" ", "")


def words(folded: str) -> frozenset:
    return frozenset(_WORD_RE.findall(folded))


def jaccard(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def looks_like_symbol(value) -> bool:
    """A relation end is a symbol ("10/2022/QH15") when it starts with a digit and has a "/";
    otherwise it is a name ("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XI")."""
    text = str(value or "").strip()
    return bool(text) and text[0].isdigit() and "/" in text


def scope_key(scope) -> str:
    """Only the part before "/" counts: "Bình Phước/Hớn Quản" is scored as "Bình Phước"."""
    return fold(str(scope).split("/", 1)[0]) if scope is not None else ""


def _value(value):
    """A scalar for exact comparison: None stays None, anything else is stripped text."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ------------------------------------------------------------------ matching

def greedy_match(gold: list, pred: list, similarity: Callable[[object, object], float | None]):
    """One-to-one matching, best similarity first (ties: gold order, then prediction order).
    `similarity` returns None for pairs that may not match. Returns [(gold_index, pred_index)]."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = similarity(g, p)
            if s is not None:
                candidates.append((-s, i, j))
    candidates.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _prf_items(metric, file, gold, pred, similarity, key, show):
    """Match `gold` against `pred` and emit tp/fp/fn items. Returns (items, matched pairs)."""
    pairs = greedy_match(gold, pred, similarity)
    matched_g = {i for i, _ in pairs}
    matched_p = {j for _, j in pairs}
    items = [_item(metric, file, key(gold[i]), "tp", show(gold[i]), show(pred[j])) for i, j in pairs]
    items += [_item(metric, file, key(g), "fn", show(g), None)
              for i, g in enumerate(gold) if i not in matched_g]
    items += [_item(metric, file, key(p), "fp", None, show(p))
              for j, p in enumerate(pred) if j not in matched_p]
    return items, pairs


def _item(metric, file, key, outcome, gold, pred):
    return {"metric": metric, "file": file, "key": key, "outcome": outcome, "gold": gold, "pred": pred}


def _accuracy_item(metric, file, key, gold, pred, equal):
    return _item(metric, file, key, "ok" if equal else "wrong", gold, pred)


# ------------------------------------------------------------------ per-field rules

def _is_numbered(citation: dict) -> bool:
    return bool(_value(citation.get("symbol")))


def _named_text(citation: dict) -> str:
    return fold(citation.get("first_mention") or citation.get("title"))


def citation_key(citation: dict) -> str:
    if _is_numbered(citation):
        return fold_symbol(citation["symbol"])
    return f"{fold(citation.get('doc_type'))}: {_named_text(citation)}"


def _named_similarity(g: dict, p: dict):
    if fold(g.get("doc_type")) != fold(p.get("doc_type")):
        return None
    best = 0.0
    for field in ("first_mention", "title"):
        a, b = fold(g.get(field)), fold(p.get(field))
        if a and b:
            best = max(best, 1.0 if a == b else jaccard(a, b))
    return best if best >= NAMED_MIN_JACCARD else None


def _ref_key(ref) -> str:
    return fold_symbol(ref) if looks_like_symbol(ref) else fold(ref)


def _ref_similarity(a, b):
    if _ref_key(a) == _ref_key(b) and _ref_key(a):
        return 1.0
    if looks_like_symbol(a) or looks_like_symbol(b):
        return None
    j = jaccard(fold(a), fold(b))
    return j if j >= RELATION_NAME_MIN_JACCARD else None


def relation_key(rel: dict) -> str:
    return f"{_ref_key(rel.get('from'))} → {_ref_key(rel.get('to'))} : {fold(rel.get('type'))}"


def _relation_similarity(g: dict, p: dict):
    if fold(g.get("type")) != fold(p.get("type")):
        return None
    s_from = _ref_similarity(g.get("from"), p.get("from"))
    s_to = _ref_similarity(g.get("to"), p.get("to"))
    if s_from is None or s_to is None:
        return None
    return (s_from + s_to) / 2


def _movement_similarity(g: str, p: str):
    a, b = movement_key(g), movement_key(p)
    if a == b and a:
        return 1.0
    j = jaccard(a, b)
    return j if j >= MOVEMENT_MIN_JACCARD else None


def _deadlines(agency: dict) -> list:
    return sorted({d for d in (_value(x) for x in agency.get("deadlines") or []) if d})


def _implements(citation: dict) -> bool:
    return "implements" in (citation.get("relations") or [])


def primary_relation(citation: dict) -> str | None:
    relations = set(citation.get("relations") or [])
    return next((r for r in RELATION_ORDER if r in relations), None)


def _plan_value(field, value):
    if field == "symbol":
        return fold_symbol(value) or None
    if field in ("level", "province"):
        return fold(value) or None
    return _value(value)


# ------------------------------------------------------------------ scoring

def document_items(gold: dict, pred: dict, file: str | None = None) -> list[dict]:
    """Every compared item of one document."""
    file = file or gold.get("source") or ""
    pred = pred or {}
    items: list[dict] = []

    # citations: numbered on the folded symbol, named on doc type + first mention / title
    g_cit = [c for c in gold.get("citations") or [] if isinstance(c, dict)]
    p_cit = [c for c in pred.get("citations") or [] if isinstance(c, dict)]
    g_num = [c for c in g_cit if _is_numbered(c)]
    p_num = [c for c in p_cit if _is_numbered(c)]
    found, num_pairs = _prf_items(
        "citations_numbered", file, g_num, p_num,
        lambda g, p: 1.0 if fold_symbol(g["symbol"]) == fold_symbol(p["symbol"]) else None,
        citation_key, lambda c: c.get("symbol"))
    items += found
    g_named = [c for c in g_cit if not _is_numbered(c)]
    p_named = [c for c in p_cit if not _is_numbered(c)]
    found, named_pairs = _prf_items(
        "citations_named", file, g_named, p_named, _named_similarity, citation_key,
        lambda c: c.get("first_mention") or c.get("title"))
    items += found

    # attributes of every matched citation
    matched = [(g_num[i], p_num[j]) for i, j in num_pairs]
    matched += [(g_named[i], p_named[j]) for i, j in named_pairs]
    for g, p in matched:
        key = citation_key(g)
        items.append(_accuracy_item("cited_date", file, key, g.get("date"), p.get("date"),
                                    _value(g.get("date")) == _value(p.get("date"))))
        items.append(_accuracy_item("cited_doc_type", file, key, g.get("doc_type"), p.get("doc_type"),
                                    fold(g.get("doc_type")) == fold(p.get("doc_type"))))
        items.append(_accuracy_item("cited_scope", file, key, g.get("scope"), p.get("scope"),
                                    scope_key(g.get("scope")) == scope_key(p.get("scope"))))
        items.append(_accuracy_item("implements", file, key, _implements(g), _implements(p),
                                    _implements(g) == _implements(p)))
        items.append(_accuracy_item("relation", file, key, primary_relation(g), primary_relation(p),
                                    primary_relation(g) == primary_relation(p)))

    found, _ = _prf_items(
        "doc_relations", file,
        [r for r in gold.get("doc_relations") or [] if isinstance(r, dict)],
        [r for r in pred.get("doc_relations") or [] if isinstance(r, dict)],
        _relation_similarity, relation_key,
        lambda r: f"{r.get('from')} → {r.get('to')} ({r.get('type')})")
    items += found

    g_ag = [a for a in gold.get("agencies") or [] if isinstance(a, dict)]
    p_ag = [a for a in pred.get("agencies") or [] if isinstance(a, dict)]
    found, ag_pairs = _prf_items(
        "agencies", file, g_ag, p_ag,
        lambda g, p: 1.0 if agency_key(g.get("name")) == agency_key(p.get("name")) else None,
        lambda a: agency_key(a.get("name")), lambda a: a.get("name"))
    items += found
    for i, j in ag_pairs:
        g, p = g_ag[i], p_ag[j]
        items.append(_accuracy_item("agency_deadlines", file, agency_key(g.get("name")),
                                    _deadlines(g), _deadlines(p), _deadlines(g) == _deadlines(p)))

    found, _ = _prf_items(
        "movements", file,
        [m for m in gold.get("movements") or [] if m],
        [m for m in pred.get("movements") or [] if m],
        _movement_similarity, movement_key, lambda m: m)
    items += found

    g_plan, p_plan = gold.get("plan") or {}, pred.get("plan") or {}
    for field in PLAN_FIELDS:
        g, p = g_plan.get(field), p_plan.get(field)
        items.append(_accuracy_item("plan", file, field, g, p,
                                    _plan_value(field, g) == _plan_value(field, p)))
    kind = ingested_kind(g_plan.get("doc_type"))
    for item in items:
        item["kind"] = kind
    return items


def by_kind(items: Iterable[dict]) -> dict[str, dict]:
    """The metrics of each kind of document (the kind of the gold document: plan, decision, decree …)."""
    groups: dict[str, list[dict]] = {}
    files: dict[str, set] = {}
    for item in items:
        kind = item.get("kind") or "other"
        groups.setdefault(kind, []).append(item)
        files.setdefault(kind, set()).add(item["file"])
    return {k: {"documents": len(files[k]), "metrics": summarise(v)} for k, v in sorted(groups.items())}


def summarise(items: Iterable[dict]) -> dict:
    """Numbers of every metric from a list of items (micro-averaged over whatever files they cover)."""
    counts = {m: Counter() for m in PRF_METRICS + ACCURACY_METRICS}
    for item in items:
        counts[item["metric"]][item["outcome"]] += 1
        if item["metric"] == "plan":
            counts[f"plan_{item['key']}"][item["outcome"]] += 1
    metrics = {}
    for name in PRF_METRICS:
        c = counts[name]
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        metrics[name] = {"kind": "prf", "tp": tp, "fp": fp, "fn": fn,
                         "precision": precision, "recall": recall, "f1": f1}
    for name in ACCURACY_METRICS:
        c = counts[name]
        total = c["ok"] + c["wrong"]
        metrics[name] = {"kind": "accuracy", "correct": c["ok"], "total": total,
                         "accuracy": c["ok"] / total if total else None}
    return metrics


def score(gold: dict, pred: dict, file: str | None = None) -> dict:
    """Score one document. `file` names it in the items (default: the gold's "source")."""
    items = document_items(gold, pred, file)
    return {"metrics": summarise(items), "items": items,
            "files": [file or gold.get("source") or ""]}


def score_many(pairs: Iterable) -> dict:
    """Pool the items of many documents. `pairs` holds (gold, pred) or (file, gold, pred)."""
    items, files = [], []
    for pair in pairs:
        file, gold, pred = pair if len(pair) == 3 else (None, *pair)
        file = file or gold.get("source") or ""
        files.append(file)
        items += document_items(gold, pred, file)
    return {"metrics": summarise(items), "items": items, "files": files}


# ------------------------------------------------------------------ runs and their differences

def save_run(state_dir: Path, result: dict) -> Path | None:
    """Write `result` as <state_dir>/last.json; the last.json before it becomes previous.json.
    Returns the path of the previous run, or None when there was none."""
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    last, previous = state_dir / "last.json", state_dir / "previous.json"
    had_previous = last.exists()
    if had_previous:
        last.replace(previous)
    payload = {"saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "files": result["files"], "metrics": result["metrics"], "items": result["items"]}
    tmp = state_dir / "last.json.tmp"
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(last)
    return previous if had_previous else None


def load_run(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


_GOOD, _BAD = ("tp", "ok"), ("fp", "fn", "wrong")


def _state(outcomes: Counter) -> str:
    return "+".join(o if n == 1 else f"{n}×{o}" for o, n in sorted(outcomes.items())) or "none"


def _change_sign(metric: str, old: Counter, new: Counter) -> int:
    """+1 gain, -1 loss, 0 nothing to report (see diff_runs)."""
    if metric in PRF_METRICS:
        net = sum(new[o] - old[o] for o in _GOOD) - sum(new[o] - old[o] for o in _BAD)
        return (net > 0) - (net < 0)
    if not new:
        return 0                      # no longer compared: its parent's match was lost
    if not old:
        return -1 if new["wrong"] else 0   # newly compared: only a wrong value is news
    net = (new["ok"] - old["ok"]) - (new["wrong"] - old["wrong"])
    return (net > 0) - (net < 0)


def diff_runs(before: dict, after: dict) -> dict:
    """Line up the items of two runs by (metric, file, key), over the files both runs scored.

    P/R/F1 metrics: net = (tp after − before) − (fp+fn after − before); net > 0 is a gain (fn → tp,
    a false positive gone), net < 0 a loss (tp → fn, a new false positive).
    Accuracies (their items exist only for matched citations/agencies): ok ↔ wrong flips are
    gains/losses, and a newly compared item that is wrong is a loss; items that enter as ok or
    leave the comparison follow a citation/agency match change, which is reported once, under
    its own metric.
    Returns {"files", "gains", "losses"}; each change has metric, file, key, before, after,
    gold, pred_before and pred (the predicted value in each run, None where absent)."""
    common = sorted(set(before.get("files") or []) & set(after.get("files") or []))
    keep = set(common)
    grouped: dict[tuple, list] = {}
    for side, run in ((0, before), (1, after)):
        for item in run.get("items") or []:
            if item["file"] not in keep:
                continue
            entry = grouped.setdefault((item["metric"], item["file"], item["key"]),
                                       [Counter(), Counter(), None, None])
            entry[side][item["outcome"]] += 1
            entry[2 + side] = item
    order = {m: k for k, m in enumerate(PRF_METRICS + ACCURACY_METRICS)}
    gains, losses = [], []
    for (metric, file, key), (old, new, old_item, new_item) in sorted(
            grouped.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1], kv[0][2])):
        sign = _change_sign(metric, old, new)
        if sign == 0:
            continue
        latest = new_item or old_item
        change = {"metric": metric, "file": file, "key": key, "before": _state(old),
                  "after": _state(new), "gold": latest.get("gold"),
                  "pred_before": old_item.get("pred") if old_item else None,
                  "pred": new_item.get("pred") if new_item else None}
        (gains if sign > 0 else losses).append(change)
    return {"files": common, "gains": gains, "losses": losses}


# ------------------------------------------------------------------ printing

def _num(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def format_table(metrics: dict) -> str:
    rows = [f"{'metric':<20} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}  counts"]
    for name in PRF_METRICS + ACCURACY_METRICS:
        m = metrics[name]
        if m["kind"] == "prf":
            rows.append(f"{name:<20} {_num(m['precision']):>6} {_num(m['recall']):>6} "
                        f"{_num(m['f1']):>6} {'':>6}  tp={m['tp']} fp={m['fp']} fn={m['fn']}")
        else:
            rows.append(f"{name:<20} {'':>6} {'':>6} {'':>6} {_num(m['accuracy']):>6}  "
                        f"{m['correct']}/{m['total']}")
    return "\n".join(rows)


def format_kinds(kinds: dict[str, dict]) -> str:
    heads = ["numbered", "named", "relation", "doc_rel", "agencies", "movements", "plan"]
    rows = [f"{'kind':<16} {'docs':>4} " + " ".join(f"{h:>9}" for h in heads)]
    for kind, entry in kinds.items():
        cells = []
        for name, field in KIND_COLUMNS:
            m = entry["metrics"][name]
            empty = (m["tp"] + m["fp"] + m["fn"] == 0) if m["kind"] == "prf" else not m["total"]
            cells.append(f"{'-' if empty else _num(m[field]):>9}")
        rows.append(f"{kind:<16} {entry['documents']:>4} " + " ".join(cells))
    return "\n".join(rows)


def _show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "null" if value is None else str(value).replace("\n", " ")


def format_changes(changes: dict, limit: int = 50) -> str:
    gains, losses = changes["gains"], changes["losses"]
    lines = [f"changes against the previous run ({len(changes['files'])} files in both): "
             f"+{len(gains)} gained, -{len(losses)} lost"]
    by_metric: dict[str, list] = {}
    for sign, entries in (("+", gains), ("-", losses)):
        for e in entries:
            by_metric.setdefault(e["metric"], []).append((sign, e))
    order = {m: k for k, m in enumerate(PRF_METRICS + ACCURACY_METRICS)}
    for metric in sorted(by_metric, key=lambda m: order.get(m, 99)):
        entries = by_metric[metric]
        lines.append(f"  {metric}")
        for sign, e in entries[:limit]:
            detail = f"{e['before']} → {e['after']}"
            if metric in ACCURACY_METRICS:
                pred = _show(e["pred"])
                if e["before"] != "none":
                    pred = f"{_show(e['pred_before'])} → {pred}"
                detail += f"  (gold {_show(e['gold'])}, pred {pred})"
            lines.append(f"    {sign} {e['file']}  {e['key']}  {detail}")
        if len(entries) > limit:
            lines.append(f"    … {len(entries) - limit} more (see last.json / previous.json)")
    return "\n".join(lines)


# ------------------------------------------------------------------ the eval verb

def _inputs(paths: list[str]) -> list[Path]:
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            from vbgraph.extract.readers import READERS
            found += sorted(f for f in p.iterdir() if f.suffix.lower() in READERS and f.is_file())
        else:
            found.append(p)
    return found


def run_eval(gold_dir: Path, paths: list[str], state_dir: Path, as_json: bool) -> int:
    """Extract, score and report. Exit code 0 when every input ran, 1 when any failed."""
    gold_dir, state_dir = Path(gold_dir), Path(state_dir)
    failed: list[dict] = []
    pairs = []
    extract_file = input_error = None
    import_problem = None

    def fail(path, problem):
        failed.append({"path": str(path), "problem": problem})
        print(f"vbgraph eval: {path}: {problem}", file=sys.stderr)

    for path in _inputs(paths):
        gold_path = gold_dir / f"{path.stem}.json"
        if not gold_path.is_file():
            fail(path, f"no gold file {gold_path}")
            continue
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            fail(path, f"unreadable gold file {gold_path}: {exc}")
            continue
        if extract_file is None and import_problem is None:
            try:
                from vbgraph.extract.errors import InputError as input_error
                from vbgraph.extract.pipeline import extract_file
            except ImportError as exc:
                import_problem = f"cannot load the extractor (vbgraph.extract.pipeline): {exc}"
        if import_problem:
            fail(path, import_problem)
            continue
        try:
            pred = extract_file(path)
        except input_error as exc:
            fail(path, f"input error: {getattr(exc, 'problem', exc)}")
            continue
        except Exception as exc:  # an extractor bug must not hide the other documents' scores
            traceback.print_exc(file=sys.stderr)
            fail(path, f"extractor crashed: {type(exc).__name__}: {exc}")
            continue
        pairs.append((path.name, gold, pred))

    if not pairs:                     # scores of nothing would read 1.000
        print(f"vbgraph eval: no document could be scored against {gold_dir}", file=sys.stderr)
        return 1
    result = score_many(pairs)
    result["kinds"] = by_kind(result["items"])
    changes = None
    if pairs:
        previous = save_run(state_dir, result)
        if previous is not None:
            changes = diff_runs(load_run(previous), result)

    if as_json:
        payload = dict(result, failed=failed, changes=changes)
        print(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        print(f"scored {len(pairs)} of {len(pairs) + len(failed)} documents against {gold_dir}")
        print(format_table(result["metrics"]))
        print("\nby kind of document (F1 for numbered/named/doc_rel/agencies/movements, accuracy otherwise)")
        print(format_kinds(result["kinds"]))
        if changes is not None:
            print()
            print(format_changes(changes))
        elif pairs:
            print(f"\nno previous run in {state_dir} to compare with")
    if failed:
        print(f"vbgraph eval: {len(failed)} input(s) failed", file=sys.stderr)
    return 1 if failed else 0
