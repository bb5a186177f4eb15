"""Relevance bench: "before you start" and evidence search on the starter base, and search on the fictional pilots.

    .venv/bin/python bench/relevance/run.py                        # both collections, dev and held-out
    .venv/bin/python bench/relevance/run.py --collection starter   # the 452 real case studies and 98 ideas
    .venv/bin/python bench/relevance/run.py --collection fictional # the 158 fictional pilots (figures before 0016)
    .venv/bin/python bench/relevance/run.py --collection starter --ideas PATH   # another ideas file (any splits)
    .venv/bin/python bench/relevance/run.py --json

The collections are described in README.md. Pilotbook's ranking here is pilotbook.evidence.ranking.MemoryIndex,
the same core that re-ranks database candidates in the app; "before you start" is MemoryIndex.similar, the same
closeness model (pilotbook.evidence.closeness) as pilotbook.evidence.search.similar_pilots.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE.parent))  # bench/_common.py
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")

import django  # noqa: E402
from _common import header, load_line  # noqa: E402

django.setup()

from pilotbook.evidence import ranking  # noqa: E402
from pilotbook.evidence.closeness import CLOSENESS, SAME, Closeness, Idea, closeness_of_candidates  # noqa: E402
from pilotbook.evidence.documents import search_fields  # noqa: E402
from pilotbook.evidence.ranking import STOP_WORDS, MemoryIndex  # noqa: E402

STARTER = ROOT / "pilotbook" / "evidence" / "data" / "starter" / "case-studies.jsonl"
COUNCILS = ROOT / "pilotbook" / "councils" / "data" / "uk_local_authorities.csv"


def load_pilots(path: Path = HERE / "pilots.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_queries(path: Path = HERE / "queries.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_independent(path: Path = HERE / "queries_independent.jsonl") -> list[dict]:
    """40 queries written and judged afterwards by someone who had not seen the synonyms or the ranking code."""
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "text": r["query"], "relevant": r["relevant"]} for r in rows]


def split_of(query_id: str) -> str:
    """Fixed before any tuning: every third query (q01, q04, ...) is for tuning, the rest are held out."""
    return "dev" if int(query_id[1:]) % 3 == 1 else "test"


def qrels(queries: list[dict], pilots: list[dict]) -> dict[str, dict[str, int]]:
    """Judgments name either an idea (every pilot of that idea) or a pilot id (which wins over its idea)."""
    by_idea: dict[str, list[str]] = {}
    for p in pilots:
        by_idea.setdefault(p["idea"], []).append(p["id"])
    out = {}
    for q in queries:
        grades: dict[str, int] = {}
        for key, grade in q["relevant"].items():
            for pid in by_idea.get(key, []):
                grades.setdefault(pid, grade)
        grades.update({k: g for k, g in q["relevant"].items() if k not in by_idea})
        out[q["id"]] = {k: g for k, g in grades.items() if g > 0}
    return out


def fields_of(p: dict) -> dict[str, str]:
    return search_fields(title=p["title"], problem=p["problem"], change=p["change"], lessons=p["lessons"],
                         partners=p["partners"], council=p["council"], service_area=p["service_area"],
                         intervention_type=p["intervention_type"])


# The baseline ----------------------------------------------------------------------------------------------

class PlainBM25:
    """Textbook BM25 (k1=1.2, b=0.75) over all fields as one text: lower-cased words, the same stop words as
    Pilotbook's ranking (which only makes the baseline stronger), no stemming, no synonyms, no field weights."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.docs = {key: Counter(self.tokens(text)) for key, text in docs.items()}
        self.lengths = {key: sum(c.values()) for key, c in self.docs.items()}
        self.avg = sum(self.lengths.values()) / len(self.docs)
        self.df = Counter(t for c in self.docs.values() for t in c)
        self.n = len(self.docs)

    @staticmethod
    def tokens(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS]

    def search(self, text: str, limit: int | None = None) -> list[tuple[str, float]]:
        terms = set(self.tokens(text))
        scored = []
        for key, counts in self.docs.items():
            s = 0.0
            for t in terms:
                tf = counts.get(t, 0)
                if tf:
                    idf = math.log(1 + (self.n - self.df[t] + 0.5) / (self.df[t] + 0.5))
                    norm = 1 - self.b + self.b * self.lengths[key] / self.avg
                    s += idf * tf * (self.k1 + 1) / (tf + self.k1 * norm)
            if s > 0:
                scored.append((key, s))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:limit] if limit else scored


# Metrics ---------------------------------------------------------------------------------------------------

def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gain (as trec_eval) and log2 discount."""
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def evaluate(system, queries: list[dict], judged: dict[str, dict[str, int]]) -> dict:
    rows, started = [], time.perf_counter()
    for q in queries:
        ranked = [key for key, _ in system.search(q["text"], limit=10)]
        rows.append((ndcg(ranked, judged[q["id"]]), recall(ranked, judged[q["id"]])))
    elapsed = time.perf_counter() - started
    n = len(rows) or 1
    return {"queries": len(rows), "ndcg@10": sum(r[0] for r in rows) / n, "recall@5": sum(r[1] for r in rows) / n,
            "ms_per_query": 1000 * elapsed / n}


def bench() -> dict:
    pilots, queries, independent = load_pilots(), load_queries(), load_independent()
    judged = qrels(queries + independent, pilots)
    docs = {p["id"]: fields_of(p) for p in pilots}
    started = time.perf_counter()
    ours = MemoryIndex(docs)
    index_ms = 1000 * (time.perf_counter() - started)
    baseline = PlainBM25({key: " ".join(fields.values()) for key, fields in docs.items()})
    report = {"pilots": len(pilots), "queries": len(queries),
              "independent_queries": len(independent),
              "judged_relevant_per_query": sum(len(judged[q["id"]]) for q in queries) / len(queries),
              "index_ms": index_ms, "splits": {}}
    for split in ("all", "dev", "test", "independent"):
        if split == "independent":
            chosen = independent
            if not chosen:
                continue
        else:
            chosen = [q for q in queries if split == "all" or split_of(q["id"]) == split]
        a, b = evaluate(ours, chosen, judged), evaluate(baseline, chosen, judged)
        report["splits"][split] = {"pilotbook": a, "bm25": b, "ndcg_gain": a["ndcg@10"] - b["ndcg@10"],
                                   "recall_gain": a["recall@5"] - b["recall@5"]}
    return report


# The starter base: real case studies and officers' ideas -------------------------------------------------

def load_records(path: Path = STARTER) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_ideas(path: Path = HERE / "ideas.jsonl") -> list[dict]:
    """98 ideas worded as officers write them, judged against the starter base before any system ranked them."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def council_names(path: Path = COUNCILS) -> dict[str, str]:
    """Council code -> the name the app gives the council (pilotbook.councils.services loads the same file)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["local-authority-code"]: row["nice-name"] or row["official-name"] for row in csv.DictReader(fh)}


def record_fields(record: dict, names: dict[str, str]) -> dict[str, str]:
    """What the app indexes for an imported case study: the title; the summary, stored as the change tried
    (pilotbook import); the reported effect, kept in the result's summary (indexed as lessons); its councils'
    names (or the organisation that ran it) and its service area and type of change."""
    council = ", ".join(names.get(code, code) for code in record.get("council_codes") or ())
    return search_fields(title=record["title"], change=record.get("summary") or "",
                         lessons=record.get("effect") or "", council=council or record.get("organisation") or "",
                         service_area=record.get("service_area") or "",
                         intervention_type=record.get("intervention_type") or "")


def starter_index(records: list[dict] | None = None) -> MemoryIndex:
    names = council_names()
    return MemoryIndex({r["external_id"]: record_fields(r, names) for r in records or load_records()})


class OldCosine:
    """The "before you start" model before ADR 0016 (the baseline): cosine similarity of field-weighted, log-scaled
    tf-idf vectors of the idea and the whole record, shown from 0.35, among search's best 50."""

    threshold = 0.35

    def __init__(self, index: MemoryIndex):
        self.index = index

    def _vector(self, counts: dict[str, Counter]) -> dict[str, float]:
        tf: Counter = Counter()
        for name, c in counts.items():
            for feature, n in c.items():
                tf[feature] += self.index.params.weight(name) * n
        return {f: (1 + math.log(x)) * self.index.stats.idf(f) for f, x in tf.items() if x >= 1}

    def similar(self, text: str, limit: int = 5, exclude=()) -> list[tuple[str, float, str]]:
        idea = self._vector({"text": Counter(ranking.features(text, self.index.thesaurus))})
        found = []
        for key in [k for k, _ in self.index.search(text) if k not in set(exclude)][:50]:
            doc = self._vector(self.index.docs[key])
            dot = sum(w * doc.get(f, 0.0) for f, w in idea.items())
            norm = math.sqrt(sum(w * w for w in idea.values()) * sum(w * w for w in doc.values()))
            if norm and dot / norm >= self.threshold:
                found.append((key, dot / norm, SAME))
        found.sort(key=lambda row: (-row[1], row[0]))
        return found[:limit]


def _share(hits: int, n: int) -> float | None:
    return hits / n if n else None


def before_you_start(similar, ideas: list[dict]) -> dict:
    """What "before you start" shows for each idea (`similar(text, exclude=...)` -> [(key, closeness, label)]),
    against the judgments: 2 the same idea, 1 a related idea."""
    n = Counter()
    got = Counter()
    ndcgs = []
    for idea in ideas:
        grades, kind = idea["judgments"], idea["kind"]
        shown = similar(idea["text"])
        n[kind] += 1
        if kind == "same":
            got["same_top3"] += any(grades.get(key) == 2 for key, _, _ in shown[:3])
            got["same_top3_labelled"] += any(grades.get(key) == 2 and label == SAME for key, _, label in shown[:3])
        elif kind == "none":
            got["none_empty"] += not shown
        else:
            got["near_miss_shown"] += bool(shown)
            got["near_miss_labelled_same"] += any(label == SAME for _, _, label in shown)
        for key, _, label in shown:
            n[f"shown_{label}"] += 1
            got[f"right_{label}"] += grades.get(key, 0) >= (2 if label == SAME else 1)
        if grades:
            ndcgs.append(ndcg([key for key, _, _ in shown], grades))
            # The same idea with every judged record taken out of the base: nothing related is left to show.
            n["left_out"] += 1
            got["left_out_empty"] += not similar(idea["text"], exclude=grades)
    return {
        "ideas": len(ideas), "same_ideas": n["same"], "none_ideas": n["none"], "near_miss_ideas": n["near_miss"],
        "same_in_top3": _share(got["same_top3"], n["same"]),
        "same_in_top3_labelled_same": _share(got["same_top3_labelled"], n["same"]),
        "none_empty": _share(got["none_empty"], n["none"]),
        "left_out_empty": _share(got["left_out_empty"], n["left_out"]),
        "near_miss_shown": _share(got["near_miss_shown"], n["near_miss"]),
        "near_miss_labelled_same": _share(got["near_miss_labelled_same"], n["near_miss"]),
        "shown_same": n["shown_same"], "precision_same": _share(got["right_same"], n["shown_same"]),
        "shown_related": n["shown_related"], "precision_related": _share(got["right_related"], n["shown_related"]),
        "ndcg@10": sum(ndcgs) / len(ndcgs) if ndcgs else None,
        "counts": {"same_in_top3": got["same_top3"], "none_empty": got["none_empty"],
                   "near_miss_labelled_same": got["near_miss_labelled_same"], "left_out_empty": got["left_out_empty"],
                   "left_out": n["left_out"]},
    }


# What officers add about their own situation, which says nothing about the idea: appended to every idea, the
# same-idea and no-match figures should not move.
CONTEXT_ADDED = (" We want to try this in our district since covid.",
                 " Members are keen to pilot it in our borough after the pandemic.",
                 " Thinking of trialling it locally next year, as our budget is under pressure.",
                 " (idea from the area team, 2024)")


def with_context(similar, ideas: list[dict]) -> list[dict]:
    """Same-idea records in the top 3 and empty lists for no-match ideas, with each of CONTEXT_ADDED appended."""
    out = []
    for context in CONTEXT_ADDED:
        same = [i for i in ideas if i["kind"] == "same"]
        none = [i for i in ideas if i["kind"] == "none"]
        top3 = sum(any(i["judgments"].get(key) == 2 for key, _, _ in similar(i["text"] + context)[:3]) for i in same)
        empty = sum(not similar(i["text"] + context) for i in none)
        out.append({"context": context, "same_in_top3": [top3, len(same)], "none_empty": [empty, len(none)]})
    return out


def _similar_of(system, **kwargs):
    return lambda text, exclude=(): system.similar(text, exclude=exclude, **kwargs)


def by_record_length(index: MemoryIndex, records: list[dict], ideas: list[dict], model: Closeness = CLOSENESS) -> list:
    """Calibration across record lengths: each judged (idea, record) pair's label, by the record's summary length
    in words (thirds of the base). A length-dependent model would label long records' pairs lower."""
    lengths = {r["external_id"]: len((r.get("summary") or "").split()) for r in records}
    cuts = sorted(lengths.values())
    bounds = [cuts[len(cuts) // 3], cuts[2 * len(cuts) // 3]]
    bins = [{"words": f"up to {bounds[0] - 1}"}, {"words": f"{bounds[0]} to {bounds[1] - 1}"},
            {"words": f"{bounds[1]} or more"}]
    for b in bins:
        b.update(same_pairs=0, same_labelled_same=0, same_shown=0, related_pairs=0, related_shown=0,
                 unjudged_shown=0, unjudged_pairs=0)
    for idea in ideas:
        pieces = Idea(idea["text"], index.thesaurus, index.params)
        close = closeness_of_candidates(pieces, ((key, found, index.features[key]) for key, found
                                                 in index.search(idea["text"], limit=50)), index.stats, model)
        for key, c in close.items():
            b = bins[sum(lengths[key] >= cut for cut in bounds)]
            label = model.label(c)
            grade = idea["judgments"].get(key, 0)
            kind = {2: "same", 1: "related", 0: "unjudged"}[grade]
            b[f"{kind}_pairs"] += 1
            b[f"{kind}_shown"] += label is not None
            if grade == 2:
                b["same_labelled_same"] += label == SAME
    return bins


def idea_search(index: MemoryIndex, baseline, ideas: list[dict]) -> dict:
    judged = [i for i in ideas if i["judgments"]]
    if not judged:
        return {}
    out = {}
    for name, system in (("pilotbook", index), ("bm25", baseline)):
        scores, started = [], time.perf_counter()
        for idea in judged:
            scores.append(ndcg([k for k, _ in system.search(idea["text"], limit=10)], idea["judgments"]))
        out[name] = {"queries": len(judged), "ndcg@10": sum(scores) / len(scores),
                     "ms_per_query": 1000 * (time.perf_counter() - started) / len(judged)}
    out["ndcg_gain"] = out["pilotbook"]["ndcg@10"] - out["bm25"]["ndcg@10"]
    return out


def splits_of(ideas: list[dict]) -> list[str]:
    """The groups figures are given for: each split the ideas name (a split this bench does not know is one group
    like any other), and "all" when there are several."""
    names = list(dict.fromkeys(idea.get("split") or "all" for idea in ideas))
    return names + ["all"] if len(names) > 1 else names


def starter_bench(model: Closeness = CLOSENESS, ideas_path: Path | None = None) -> dict:
    records = load_records()
    ideas = load_ideas(ideas_path) if ideas_path else load_ideas()
    for idea in ideas:
        missing = {"id", "text", "kind", "judgments"} - set(idea)
        if missing or idea["kind"] not in ("same", "near_miss", "none"):
            raise SystemExit(f"{ideas_path}: idea {idea.get('id', '?')} needs id, text, judgments and kind "
                             f"(same, near_miss or none); it has {sorted(idea)}")
    started = time.perf_counter()
    index = starter_index(records)
    index_ms = 1000 * (time.perf_counter() - started)
    baseline = PlainBM25({key: " ".join(fields.values()) for key, fields in
                          ((r["external_id"], record_fields(r, council_names())) for r in records)})
    old = OldCosine(index)
    report = {"records": len(records), "ideas": len(ideas), "index_ms": index_ms,
              "model": {k: getattr(model, k) for k in model.__dataclass_fields__}, "splits": {}}
    report_splits = splits_of(ideas)
    for split in report_splits:
        chosen = [i for i in ideas if split == "all" or (i.get("split") or "all") == split]
        started = time.perf_counter()
        ours = before_you_start(_similar_of(index, model=model), chosen)
        ours["ms_per_idea"] = 1000 * (time.perf_counter() - started) / (len(chosen) + ours["same_ideas"]
                                                                           + ours["near_miss_ideas"])
        report["splits"][split] = {"before_you_start": ours, "before_you_start_old": before_you_start(
            _similar_of(old), chosen), "search": idea_search(index, baseline, chosen),
            "with_context": with_context(_similar_of(index, model=model), chosen) if split == "all" or len(
                report_splits) == 1 else None,
            "with_context_old": with_context(_similar_of(old), chosen) if split == "all" or len(
                report_splits) == 1 else None,
            "by_record_length": by_record_length(index, records, chosen, model)}
    return report


def fictional_similar(model: Closeness = CLOSENESS) -> dict:
    """"Before you start" on the fictional collection: how often a shown match is right, per label."""
    pilots, queries = load_pilots(), load_queries()
    judged = qrels(queries, pilots)
    index = MemoryIndex({p["id"]: fields_of(p) for p in pilots})
    out = {}
    for split in ("dev", "test"):
        shown = Counter()
        right = Counter()
        for q in (q for q in queries if split_of(q["id"]) == split):
            for key, _, label in index.similar(q["text"], model=model):
                shown[label] += 1
                right[label] += judged[q["id"]].get(key, 0) >= (2 if label == SAME else 1)
        out[split] = {label: {"shown": shown[label], "precision": _share(right[label], shown[label])}
                      for label in ("same", "related")}
    return out


# Printing ----------------------------------------------------------------------------------------------------

def _pct(x) -> str:
    return "   -" if x is None else f"{100 * x:3.0f}%"


def print_starter(report: dict) -> None:
    m = report["model"]
    print(f"Starter base: {report['records']} real case studies, {report['ideas']} officers' ideas "
          f"(indexed in {report['index_ms']:.0f} ms)")
    print(f"Closeness model: cap {m['cap']}, title weight {m['title_weight']}, BM25F weight {m['bm25_weight']}, "
          f"rank weight {m['rank_weight']}; 'a related idea' from {m['related']}, 'the same idea' from {m['same']}")
    splits = list(report["splits"])
    print("\nBefore you start (up to 5 shown)           " + "  ".join(f"{s:>17}" for s in splits))
    print(f"{'':43}" + "  ".join(f"{'ours':>8} {'old':>8}" for _ in splits))
    rows = [
        ("same-idea record in the top 3 (goal 90%)", "same_in_top3"),
        ("  ... and labelled 'the same idea'", "same_in_top3_labelled_same"),
        ("no-match ideas: empty list (goal 80%)", "none_empty"),
        ("judged records taken out: empty list", "left_out_empty"),
        ("near misses: something shown", "near_miss_shown"),
        ("near misses labelled 'the same idea'", "near_miss_labelled_same"),
        ("'the same idea' labels judged same", "precision_same"),
        ("'a related idea' labels judged related", "precision_related"),
    ]
    for text, key in rows:
        cells = []
        for split in splits:
            r = report["splits"][split]
            cells.append(f"{_pct(r['before_you_start'][key]):>8} {_pct(r['before_you_start_old'][key]):>8}")
        print(f"{text:43}" + "  ".join(cells))
    cells = [f"{r['before_you_start']['ndcg@10']:8.3f} {r['before_you_start_old']['ndcg@10']:8.3f}"
             for r in report["splits"].values()]
    print(f"{'nDCG@10 of the list shown':43}" + "  ".join(cells))
    cells = [f"{r['before_you_start']['shown_same']:>4}/{r['before_you_start']['shown_related']:<3} "
             f"{r['before_you_start_old']['shown_same']:>8}" for r in report["splits"].values()]
    print(f"{'labels shown (same/related)':43}" + "  ".join(cells))
    n = {s: report["splits"][s]["before_you_start"] for s in splits}
    print("  ideas: " + "; ".join(f"{s} {n[s]['same_ideas']} same, {n[s]['near_miss_ideas']} near misses, "
                                  f"{n[s]['none_ideas']} with no match" for s in splits))
    for s in splits:
        c = n[s]["counts"]
        print(f"  {s}: same-idea record in the top 3 for {c['same_in_top3']} of {n[s]['same_ideas']}; empty list for "
              f"{c['none_empty']} of {n[s]['none_ideas']} no-match ideas and {c['left_out_empty']} of {c['left_out']} "
              f"with their judged records out; {c['near_miss_labelled_same']} of {n[s]['near_miss_ideas']} near misses "
              "labelled 'the same idea'")
    for split in splits:
        rows = report["splits"][split].get("with_context")
        if not rows:
            continue
        old = report["splits"][split]["with_context_old"]
        print(f"\nWith context officers add, {split} ideas: same-idea record in the top 3 / empty list (ours; old)")
        for row, was in zip(rows, old, strict=True):
            print(f"  {row['context']!r:80} {row['same_in_top3'][0]:3}/{row['same_in_top3'][1]} "
                  f"{row['none_empty'][0]:3}/{row['none_empty'][1]};  {was['same_in_top3'][0]:3}/"
                  f"{was['same_in_top3'][1]} {was['none_empty'][0]:3}/{was['none_empty'][1]}")
    print("\nEvidence search with the ideas as queries (ideas with a judged record)")
    print(f"{'split':10} {'system':10} {'nDCG@10':>8} {'ms/query':>9}")
    for split in splits:
        r = report["splits"][split]["search"]
        if not r:
            continue
        for name in ("bm25", "pilotbook"):
            print(f"{split:10} {name:10} {r[name]['ndcg@10']:8.3f} {r[name]['ms_per_query']:9.2f}")
        print(f"{'':10} {'gain':10} {r['ndcg_gain']:+8.3f}")
    print("\nLabels by record length (summary words), judged pairs among search's best 50 per idea")
    print(f"{'split':9} {'summary':14} {'same pairs':>10} {'-> same':>8} {'-> shown':>8} "
          f"{'related':>8} {'-> shown':>8} {'unjudged':>8} {'-> shown':>8}")
    for split in splits:
        for b in report["splits"][split]["by_record_length"]:
            same = _pct(_share(b["same_labelled_same"], b["same_pairs"]))
            print(f"{split:9} {b['words']:14} {b['same_pairs']:10} {same:>8} "
                  f"{_pct(_share(b['same_shown'], b['same_pairs'])):>8} {b['related_pairs']:8} "
                  f"{_pct(_share(b['related_shown'], b['related_pairs'])):>8} {b['unjudged_pairs']:8} "
                  f"{_pct(_share(b['unjudged_shown'], b['unjudged_pairs'])):>8}")


def print_fictional(report: dict, similar: dict) -> None:
    print(f"Fictional collection: {report['pilots']} pilots, {report['queries']} queries "
          f"({report['judged_relevant_per_query']:.1f} judged relevant pilots per query) and "
          f"{report['independent_queries']} independently written queries")
    print(f"{'split':6} {'system':10} {'nDCG@10':>8} {'recall@5':>9} {'ms/query':>9}")
    for split, r in report["splits"].items():
        for name in ("bm25", "pilotbook"):
            m = r[name]
            print(f"{split + ' (' + str(m['queries']) + ')':6} {name:10} {m['ndcg@10']:8.3f} {m['recall@5']:9.3f} "
                  f"{m['ms_per_query']:9.2f}")
        print(f"{'':6} {'gain':10} {r['ndcg_gain']:+8.3f} {r['recall_gain']:+9.3f}")
    print("\nBefore you start on the fictional queries: shown matches judged right, per label")
    for split, labels in similar.items():
        print("  " + f"{split:5}" + "  ".join(f"'{label}' shown {m['shown']:3} right {_pct(m['precision'])}"
                                           for label, m in labels.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", choices=("both", "starter", "fictional"), default="both")
    parser.add_argument("--ideas", type=Path, help="ideas to measure on the starter base (JSON Lines as ideas.jsonl: "
                        "id, text, kind, judgments, split); default ideas.jsonl")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.ideas and not args.ideas.is_file():
        parser.error(f"--ideas {args.ideas}: no such file")
    if not args.json:
        header("Relevance bench: before you start and evidence search",
               "plain BM25 for search (PlainBM25); the model before ADR 0016 (OldCosine) for before you start")
    out = {}
    if args.collection in ("both", "starter"):
        out["starter"] = starter_bench(ideas_path=args.ideas)
    if args.collection in ("both", "fictional"):
        out["fictional"] = bench()
        out["fictional_similar"] = fictional_similar()
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"after measuring: {load_line()}\n")
    if "starter" in out:
        print_starter(out["starter"])
    if "fictional" in out:
        if "starter" in out:
            print()
        print_fictional(out["fictional"], out["fictional_similar"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
