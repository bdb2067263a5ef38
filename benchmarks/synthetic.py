"""Synthetic plans for the graph benchmark, shaped like the real ones.

The five sample plans (``data/samples/*.txt``, run through the real extractor) are the templates: how many
citations a plan makes and of which kind (national / party-central / own province / own district / no
symbol), which of them it implements or is based on, how many document relations, agencies, deadlines and
movements it states, and the sentences its evidence stands in.  The generator draws from those
distributions and writes symbols with the real grammar:

* state documents without a year in the symbol (``16/CT-TTg``, ``76/NQ-CP``, ``859/KH-UBND``) and with one
  (``59/2023/NĐ-CP``, ``10/2022/QH15``, ``15/2019/QĐ-UBND``);
* party documents (``23-QĐ/TW``, ``114-KL/TW``, ``1116-QĐ/TU``, ``04-CTr/BDVTU-BCSDUBND``);
* local symbols scoped by province (and district), so ``84/KH-UBND`` of two provinces are two documents.

Plans are spread over the 63 provinces of ``data/provinces.csv`` and the years 2015–2025.  Levels and
chains: province plans implement national / party directives (and their province party committee's
document), department plans and district plans implement a plan of their own province, so lineage goes
department/district → province → national.  Some province plans replace the previous year's plan of the
same series (a stated ``replaces`` relation → SUPERSEDES), and later plans keep citing the replaced one,
which is what ``outdated_citations`` finds.

Everything comes out as :class:`vbgraph.graph.build.Ingested` (record + provenance with spans and
sentences), so ``build_graph`` builds the graph through the real model.  Deterministic for a seed::

    from benchmarks.synthetic import generate
    g = build_graph(generate(10_000, seed=7))      # a generator: plans are not all held at once
"""
from __future__ import annotations

import glob
import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from vbgraph.extract.tables import read_table
from vbgraph.graph.build import Ingested, ingest_text
from vbgraph.graph.identity import slug

ROOT = Path(__file__).resolve().parent.parent
YEARS = list(range(2015, 2026))
LEVEL_SHARE = (("province", 0.40), ("department", 0.35), ("district", 0.25))
# national directives and party documents per year (fixed: the centre issues a bounded number of them)
NATIONAL_PER_YEAR = 60
PARTY_PER_YEAR = 25
PROVINCE_PARTY_PER_YEAR = 8          # per province: QĐ/TU, CT/TU, NQ/TU, CTr/BDVTU …
FACT_SHARE = 0.25                    # national/party documents that relate to an older one …
REPLACES_SHARE = 0.03                # … of which these replace it (SUPERSEDES)
SERIES_REPLACED_SHARE = 0.3          # share of province plans that replace last year's plan of the series

# (doc_type, symbol pattern, issuer); {n} number, {y} year
NATIONAL_FORMS = [
    ("Chỉ thị", "{n}/CT-TTg", "Thủ tướng Chính phủ"),
    ("Nghị quyết", "{n}/NQ-CP", "Chính phủ"),
    ("Quyết định", "{n}/QĐ-TTg", "Thủ tướng Chính phủ"),
    ("Nghị định", "{n}/{y}/NĐ-CP", "Chính phủ"),
    ("Luật", "{n}/{y}/QH{k}", "Quốc hội"),
    ("Thông tư", "{n}/{y}/TT-BNV", "Bộ Nội vụ"),
    ("Quyết định", "{n}/QĐ-BNV", "Bộ Nội vụ"),
]
PARTY_FORMS = [
    ("Quyết định", "{n}-QĐ/TW", "Ban Chấp hành Trung ương"),
    ("Kết luận", "{n}-KL/TW", "Bộ Chính trị"),
    ("Chỉ thị", "{n}-CT/TW", "Ban Bí thư"),
    ("Nghị quyết", "{n}-NQ/TW", "Ban Chấp hành Trung ương"),
    ("Quy định", "{n}-QĐi/TW", "Ban Bí thư"),
]
PROVINCE_PARTY_FORMS = [
    ("Quyết định", "{n}-QĐ/TU", "Ban Thường vụ Tỉnh ủy {p}"),
    ("Chỉ thị", "{n}-CT/TU", "Ban Thường vụ Tỉnh ủy {p}"),
    ("Nghị quyết", "{n}-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh {p}"),
    ("Chương trình", "{n}-CTr/BDVTU-BCSDUBND", "Ban Dân vận Tỉnh ủy và Ban cán sự đảng UBND tỉnh {p}"),
    ("Quyết định", "{n}/{y}/QĐ-UBND", "UBND tỉnh {p}"),
    ("Quyết định", "{n}/QĐ-UBND", "UBND tỉnh {p}"),
]
DEPARTMENTS = [("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp"),
               ("SGDĐT", "Sở Giáo dục và Đào tạo"), ("SYT", "Sở Y tế"), ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
               ("STTTT", "Sở Thông tin và Truyền thông"), ("SLĐTBXH", "Sở Lao động - Thương binh và Xã hội")]
DISTRICTS_PER_PROVINCE = 9
DISTRICT_STEMS = ["Hớn Quản", "Châu Thành", "Tân Biên", "Đắk Hà", "Sơn Dương", "Chiêm Hóa", "Gò Dầu", "Bù Đăng",
                  "Hòa Thành", "Ngọc Hồi", "Yên Sơn", "Lộc Ninh", "Phú Riềng", "Kon Rẫy", "Hàm Yên"]
TOPICS = ["công tác dân vận chính quyền", "cải cách hành chính", "văn hóa công vụ", "thực hiện dân chủ ở cơ sở",
          "phong trào thi đua Dân vận khéo", "xây dựng nông thôn mới", "chuyển đổi số", "phổ biến, giáo dục pháp luật",
          "phòng, chống tham nhũng", "tiếp công dân và giải quyết khiếu nại, tố cáo"]


# --- templates from the real plans -------------------------------------------------------------


@dataclass
class Templates:
    """Distributions and sentences taken from the extracted sample plans."""
    citations_per_plan: list[int] = field(default_factory=list)
    kind_weights: dict[str, int] = field(default_factory=dict)      # national / party / province / district / none
    cites_share: float = 0.9                                        # of non-implements citations: cites vs based_on
    doc_relations_per_plan: list[int] = field(default_factory=list)
    relation_types: list[str] = field(default_factory=list)
    agencies_per_plan: list[int] = field(default_factory=list)
    deadlines_per_agency: list[int] = field(default_factory=list)
    agency_names: list[str] = field(default_factory=list)
    movements_per_plan: list[int] = field(default_factory=list)
    movement_names: list[str] = field(default_factory=list)
    citation_sentences: dict[str, list[str]] = field(default_factory=dict)   # relation → sentences, symbol as {S}
    relation_sentences: list[str] = field(default_factory=list)
    agency_sentences: list[str] = field(default_factory=list)
    agency_tasks: list[list[str]] = field(default_factory=list)
    movement_sentences: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    spans: list[int] = field(default_factory=list)                  # character offsets seen
    doc_length: int = 20000


def _kind(c: dict) -> str:
    if not c.get("symbol"):
        return "none"
    scope = c.get("scope") or ""
    if scope == "national":
        return "national"
    if scope == "party-central":
        return "party"
    return "district" if "/" in scope else "province"


def load_templates(pattern: str | None = None) -> Templates:
    """Templates from the real sample plans, extracted by the real pipeline."""
    t = Templates(citation_sentences={"implements": [], "based_on": [], "cites": []})
    files = sorted(glob.glob(pattern or str(ROOT / "data" / "samples" / "*.txt")))
    if not files:
        raise SystemExit(f"no sample plans at {pattern or ROOT / 'data/samples'}")
    kinds: dict[str, int] = {}
    rels = {"cites": 0, "based_on": 0}
    for path in files:
        raw = Path(path).read_text(encoding="utf-8")
        doc = ingest_text(raw, path)
        rec, prov = doc.record, doc.provenance
        t.doc_length = max(t.doc_length, len(raw))
        t.citations_per_plan.append(len(rec["citations"]))
        for c, where in zip(rec["citations"], prov["citations"]):
            k = _kind(c)
            kinds[k] = kinds.get(k, 0) + 1
            rel = (c.get("relations") or ["cites"])[0]
            if rel in rels:
                rels[rel] += 1
            for w in where:
                t.spans.append(w["start"])
                sentence = w.get("sentence") or ""
                if c.get("symbol") and c["symbol"] in sentence and len(sentence) < 600:
                    t.citation_sentences.setdefault(rel, []).append(sentence.replace(c["symbol"], "{S}"))
            if c.get("title"):
                t.titles.append(c["title"])
        t.doc_relations_per_plan.append(len(rec["doc_relations"]))
        for r, where in zip(rec["doc_relations"], prov["doc_relations"]):
            t.relation_types.append(r["type"])
            if where.get("sentence") and len(where["sentence"]) < 600:
                t.relation_sentences.append(where["sentence"])
        t.agencies_per_plan.append(len(rec["agencies"]))
        for a, where in zip(rec["agencies"], prov["agencies"]):
            t.deadlines_per_agency.append(len(a.get("deadlines") or []))
            t.agency_names.append(a["name"])
            for ev in where.get("evidence") or []:
                if ev.get("sentence"):
                    t.agency_sentences.append(ev["sentence"][:600])
            if where.get("tasks"):
                t.agency_tasks.append(list(where["tasks"])[:6])
        t.movements_per_plan.append(len(rec["movements"]))
        t.movement_names.extend(rec["movements"])
        for where in prov["movements"]:
            for ev in where:
                if ev.get("sentence"):
                    t.movement_sentences.append(ev["sentence"][:600])
    t.kind_weights = kinds
    t.cites_share = rels["cites"] / max(1, rels["cites"] + rels["based_on"])
    t.agency_names = sorted(set(t.agency_names))
    t.movement_names = sorted(set(t.movement_names))
    for rel in ("implements", "based_on", "cites"):   # every relation needs at least one sentence form
        if not t.citation_sentences.get(rel):
            t.citation_sentences[rel] = ["Căn cứ văn bản số {S};"]
    return t


# --- the symbol universe ------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """A document that plans can cite: what a citation record says about it."""
    doc_type: str
    symbol: str
    date: str
    issuer: str
    scope: str
    title: str

    @property
    def year(self) -> int:
        return int(self.date[:4])


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _fill(form: str, n: int, year: int) -> str:
    return form.format(n=n, y=year, k=14 if year < 2021 else 15)


class Universe:
    """Documents above the generated plans (national, party, provincial party) and the plans themselves."""

    def __init__(self, rng: random.Random, templates: Templates, provinces: list[str]):
        self.rng = rng
        self.t = templates
        self.provinces = provinces
        self.national: dict[int, list[Doc]] = {}
        self.party: dict[int, list[Doc]] = {}
        self.province_party: dict[tuple[str, int], list[Doc]] = {}
        self.province_plans: dict[tuple[str, int], list[Doc]] = {}
        self.district_docs: dict[tuple[str, int], list[Doc]] = {}
        self.counters: dict[tuple, int] = {}
        self.districts = {p: [f"{DISTRICT_STEMS[(i * 7 + j) % len(DISTRICT_STEMS)]} {j + 1}" if j >= 3 else
                              DISTRICT_STEMS[(i * 7 + j) % len(DISTRICT_STEMS)]
                              for j in range(DISTRICTS_PER_PROVINCE)] for i, p in enumerate(provinces)}
        for year in YEARS:
            self.national[year] = [self._doc(NATIONAL_FORMS, "national", year) for _ in range(NATIONAL_PER_YEAR)]
            self.party[year] = [self._doc(PARTY_FORMS, "party-central", year) for _ in range(PARTY_PER_YEAR)]
        # relations between documents are facts of the world, stated again by every plan citing both ends
        # (as "23/CT-TTg implements 76/NQ-CP" is in three of the five samples): a newer document relates to
        # one older one, so the relations form short acyclic chains; a few newer ones replace older ones
        self.facts: dict[Doc, tuple[Doc, str]] = {}
        kinds = [k for k in templates.relation_types if k not in ("replaces", "repeals")] or ["implements"]
        for pool in (self.national, self.party):
            for year in YEARS[1:]:
                for doc in pool[year]:
                    r = rng.random()
                    if r < FACT_SHARE:
                        older = rng.choice(pool[rng.choice([y for y in YEARS if y < year])])
                        kind = "replaces" if r < REPLACES_SHARE else rng.choice(kinds)
                        if older not in self.facts or self.facts[older][0] is not doc:
                            self.facts[doc] = (older, kind)

    def number(self, key: tuple) -> int:
        """Numbers restart every year per issuer and place, as real registers do."""
        n = self.counters.get(key, self.rng.randint(1, 40)) + self.rng.randint(1, 9)
        self.counters[key] = n
        return n

    def _doc(self, forms, scope: str, year: int, province: str | None = None) -> Doc:
        doc_type, form, issuer = self.rng.choice(forms)
        n = self.number((form, scope, year))
        title = self.rng.choice(self.t.titles) if self.t.titles else f"về {self.rng.choice(TOPICS)}"
        return Doc(doc_type, _fill(form, n, year), _date(self.rng, year), issuer.format(p=province or ""),
                   scope, title)

    def provincial_party(self, province: str, year: int) -> list[Doc]:
        key = (province, year)
        if key not in self.province_party:
            self.province_party[key] = [self._doc(PROVINCE_PARTY_FORMS, province, year, province)
                                        for _ in range(PROVINCE_PARTY_PER_YEAR)]
        return self.province_party[key]

    def district_doc(self, province: str, district: str, year: int) -> Doc:
        key = (province, year)
        docs = self.district_docs.setdefault(key, [])
        if len(docs) < 12 or self.rng.random() < 0.2:
            form = self.rng.choice(["{n}/QĐ-UBND", "{n}/KH-UBND", "{n}-KH/BDVHU-UBND", "{n}/TTr-PNV"])
            scope = f"{province}/{district}"
            n = self.number((form, scope, year))
            docs.append(Doc("Kế hoạch" if "KH" in form else "Quyết định", _fill(form, n, year), _date(self.rng, year),
                            f"UBND huyện {district}", scope, f"về {self.rng.choice(TOPICS)}"))
        return self.rng.choice([d for d in docs if d.scope.endswith("/" + district)] or docs)

    def recent(self, pool: dict, year: int, back: int = 3) -> Doc:
        years = [y for y in YEARS if year - back <= y <= year] or [YEARS[0]]
        return self.rng.choice(pool[self.rng.choice(years)])


# --- plans ---------------------------------------------------------------------------------------


def _sentence(rng: random.Random, forms: list[str], doc: Doc) -> str:
    return rng.choice(forms).replace("{S}", doc.symbol)


def _citation(doc: Doc, relation: str) -> dict:
    return {"doc_type": doc.doc_type, "number": re.split(r"[/-]", doc.symbol)[0], "symbol": doc.symbol,
            "symbol_as_written": [doc.symbol], "date": doc.date, "year": doc.year, "issuer": doc.issuer,
            "scope": doc.scope, "title": doc.title, "relations": [relation], "mentions": 1,
            "first_mention": f"{doc.doc_type} số {doc.symbol} ngày {int(doc.date[8:])}/{int(doc.date[5:7])}/{doc.year}"}


class PlanFactory:
    def __init__(self, seed: int = 7, templates: Templates | None = None):
        self.rng = random.Random(seed)
        self.t = templates or load_templates()
        self.provinces = [row["name"] for row in read_table("provinces.csv")]
        self.u = Universe(self.rng, self.t, self.provinces)
        self.series: dict[tuple[str, int], Doc] = {}   # (province, series no) → the latest plan of the series
        kinds = self.t.kind_weights
        self.kinds, self.kind_w = list(kinds), list(kinds.values())

    def _span(self) -> tuple[int, int]:
        start = self.rng.choice(self.t.spans) if self.t.spans else self.rng.randint(0, self.t.doc_length)
        start = max(0, start + self.rng.randint(-200, 200))
        return start, start + self.rng.randint(10, 90)

    def _where(self, sentence: str, rule: str, confidence: float = 1.0) -> dict:
        start, end = self._span()
        return {"start": start, "end": end, "sentence": sentence, "rule": rule, "confidence": confidence}

    def plan(self, i: int) -> Ingested:
        rng, u, t = self.rng, self.u, self.t
        level = rng.choices([lv for lv, _ in LEVEL_SHARE], [w for _, w in LEVEL_SHARE])[0]
        province = rng.choice(self.provinces)
        year = rng.choice(YEARS)
        district = rng.choice(u.districts[province]) if level == "district" else None
        # the document implemented: a national/party directive for a province plan, the province's plan else
        implemented: list[Doc] = []
        replaced: Doc | None = None
        if level == "province":
            implemented.append(u.recent(u.national, year))
            if rng.random() < 0.4:
                implemented.append(u.recent(u.party, year))
            if rng.random() < 0.5:
                implemented.append(rng.choice(u.provincial_party(province, max(YEARS[0], year - rng.randint(0, 2)))))
            form, issuer, scope = "{n}/KH-UBND", f"UBND tỉnh {province}", province
        else:
            candidates = [d for y in (year, year - 1) for d in u.province_plans.get((province, y), [])]
            implemented.append(rng.choice(candidates) if candidates else u.recent(u.national, year))
            if level == "department":
                code, name = rng.choice(DEPARTMENTS)
                form, issuer, scope = "{n}/KH-" + code, f"{name} tỉnh {province}", province
            else:
                form, issuer, scope = "{n}/KH-UBND", f"UBND huyện {district}", f"{province}/{district}"
        n = u.number((form, scope, year))
        date = _date(rng, year)
        symbol = _fill(form, n, year)
        topic = rng.choice(TOPICS)
        me = Doc("Kế hoạch", symbol, date, issuer, scope, f"Thực hiện {topic} năm {year}")
        if level == "province":
            key = (province, rng.randrange(4))
            previous = self.series.get(key)
            if previous and previous.year < year and rng.random() < SERIES_REPLACED_SHARE:
                replaced = previous
            self.series[key] = me
            u.province_plans.setdefault((province, year), []).append(Doc(
                "Kế hoạch", symbol, date, issuer, province, me.title))

        citations: list[tuple[dict, list[dict]]] = []
        seen: set[str] = set()
        cited_docs: list[Doc] = []

        def add(doc: Doc, relation: str, rule: str):
            if doc.symbol in seen or (doc.symbol == symbol and doc.scope == scope):
                return
            seen.add(doc.symbol)
            cited_docs.append(doc)
            forms = t.citation_sentences.get(relation) or t.citation_sentences["cites"]
            where = [self._where(_sentence(rng, forms, doc), rule)]
            if rng.random() < 0.15:
                where.append(self._where(_sentence(rng, t.citation_sentences["cites"], doc), "body:cites", 0.9))
            c = _citation(doc, relation)
            c["mentions"] = len(where)
            citations.append((c, where))

        for doc in implemented:
            add(doc, "implements", "preamble:implements")
        if replaced is not None:
            add(replaced, "cites", "body:replaces")
        # an outdated citation now and then: a replaced plan of this province still cited
        old = [d for (p, _), d in self.series.items() if p == province and d is not me and d.year < year]
        if old and rng.random() < 0.3:
            add(rng.choice(old), "cites", "body:cites")
        target = rng.choice(t.citations_per_plan)
        guard = 0
        while len(citations) < target and guard < target * 4:
            guard += 1
            kind = rng.choices(self.kinds, self.kind_w)[0]
            relation = "cites" if rng.random() < t.cites_share else "based_on"
            if kind == "national":
                add(u.recent(u.national, year, 8), relation, "body:cites")
            elif kind == "party":
                add(u.recent(u.party, year, 10), relation, "body:cites")
            elif kind == "province":
                add(rng.choice(u.provincial_party(province, max(YEARS[0], year - rng.randint(0, 4)))), relation,
                    "body:cites")
            elif kind == "district":
                add(u.district_doc(province, district or rng.choice(u.districts[province]), year), relation,
                    "body:cites")
            else:   # no symbol: stays unresolved, one node per citing plan (the real model's rule)
                title = rng.choice(t.titles) if t.titles else "về công tác dân vận"
                c = {"doc_type": rng.choice(["Luật", "Nghị quyết", "Kế hoạch", "Đề án"]), "number": None,
                     "symbol": None, "symbol_as_written": [], "date": None, "year": None, "issuer": None,
                     "scope": rng.choice(["national", "party-central", province]), "title": title,
                     "relations": ["cites"], "mentions": 1, "first_mention": title}
                citations.append((c, [self._where(f"Thực hiện {title}.", "body:named")]))

        relations: list[tuple[dict, dict]] = []
        if replaced is not None:
            sentence = f"Kế hoạch này thay thế Kế hoạch số {replaced.symbol} ngày {replaced.date} của {issuer}."
            relations.append(({"from": symbol, "to": replaced.symbol, "type": "replaces", "evidence": sentence},
                              self._where(sentence, "relation:replaces")))
        # the plan states the relations (facts) of the documents it cites, as many as the samples state
        stated = [doc for doc in cited_docs if doc in u.facts]
        rng.shuffle(stated)
        for doc in stated[:rng.choice(t.doc_relations_per_plan)]:
            older, rtype = u.facts[doc]
            add(older, "cites", "body:cites")
            if older.symbol not in seen:
                continue
            sentence = (f"{doc.doc_type} số {doc.symbol} ngày {doc.date} của {doc.issuer} "
                        f"{'thay thế' if rtype == 'replaces' else 'thực hiện'} {older.doc_type} số {older.symbol}")
            relations.append(({"from": doc.symbol, "to": older.symbol, "type": rtype, "evidence": sentence},
                              self._where(sentence, f"relation:{rtype}")))

        agencies: list[tuple[dict, dict]] = []
        names = rng.sample(t.agency_names, min(len(t.agency_names), rng.choice(t.agencies_per_plan)))
        for name in names:
            k = rng.choice(t.deadlines_per_agency)
            deadlines = sorted({_date(rng, year) for _ in range(k)})
            ev = [self._where(rng.choice(t.agency_sentences), "agency.clause", 0.8)] if t.agency_sentences else []
            agencies.append(({"name": name, "scope": province, "deadlines": deadlines},
                             {"evidence": ev, "tasks": rng.choice(t.agency_tasks) if t.agency_tasks else []}))

        movements: list[tuple[str, list[dict]]] = []
        pool = t.movement_names + [f"{province} chung sức xây dựng nông thôn mới"]
        for name in rng.sample(pool, min(len(pool), rng.choice(t.movements_per_plan))):
            sentence = rng.choice(t.movement_sentences) if t.movement_sentences else f"Phong trào “{name}”."
            movements.append((name, [self._where(sentence, "movement.quoted")]))

        source = f"synthetic/{i:07d}_{slug(province)}_{year}.txt"
        record = {"source": Path(source).name,
                  "plan": {"doc_type": "Kế hoạch", "number": str(n), "symbol": symbol, "date": date,
                           "issuer": issuer, "level": level, "province": province, "district": district,
                           "year": year, "title": me.title, "signer": None},
                  "citations": [c for c, _ in citations], "doc_relations": [r for r, _ in relations],
                  "agencies": [a for a, _ in agencies], "movements": [m for m, _ in movements]}
        provenance = {"citations": [w for _, w in citations], "doc_relations": [w for _, w in relations],
                      "agencies": [w for _, w in agencies], "movements": [w for _, w in movements]}
        return Ingested(record, provenance, source, hashlib.sha256(source.encode()).hexdigest())


def generate(n: int, seed: int = 7, templates: Templates | None = None) -> Iterator[Ingested]:
    """``n`` synthetic plans, one at a time (deterministic for ``seed``)."""
    factory = PlanFactory(seed, templates)
    for i in range(n):
        yield factory.plan(i)


if __name__ == "__main__":   # a quick look: python benchmarks/synthetic.py 1000
    import sys

    from vbgraph.graph.build import build_graph, summary

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(summary(build_graph(generate(count))))
