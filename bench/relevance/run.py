"""Relevance bench for evidence search: nDCG@10 and recall@5 for Pilotbook's ranking and a plain BM25 baseline.

    .venv/bin/python bench/relevance/run.py            # all, dev and held-out (test) queries
    .venv/bin/python bench/relevance/run.py --json

The collection (pilots.jsonl, queries.jsonl) is described in README.md. Pilotbook's ranking here is
pilotbook.evidence.ranking.MemoryIndex, the same core that re-ranks database candidates in the app.
"""

from __future__ import annotations

import argparse
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")

import django  # noqa: E402

django.setup()

from pilotbook.evidence.documents import search_fields  # noqa: E402
from pilotbook.evidence.ranking import SIMILAR_THRESHOLD, STOP_WORDS, MemoryIndex  # noqa: E402


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


def _precision_recall(pairs: list[tuple[float, bool]], threshold: float, positives: int) -> dict:
    shown = [good for sim, good in pairs if sim >= threshold]
    return {"threshold": threshold, "shown": len(shown), "precision": sum(shown) / len(shown) if shown else 1.0,
            "recall": sum(shown) / positives if positives else 0.0}


def similar_calibration(threshold: float = SIMILAR_THRESHOLD) -> dict:
    """How often a "before you start" match shown at `threshold` is right, on dev and held-out data.

    Two kinds of idea text: each query (right = judged highly relevant), and each pilot's title, problem and
    change (right = a pilot of the same idea at another council; pilots with odd numbers are dev).
    Candidates are the top ten the search ranks; similarity is the cosine the app uses.
    """
    pilots, queries = load_pilots(), load_queries()
    judged = qrels(queries, pilots)
    by_id = {p["id"]: p for p in pilots}
    index = MemoryIndex({p["id"]: fields_of(p) for p in pilots})
    out: dict = {"queries": {}, "pilots": {}}
    for split in ("dev", "test"):
        pairs, positives = [], 0
        for q in (q for q in queries if split_of(q["id"]) == split):
            found = dict(index.similar(q["text"], threshold=0.0))
            top = [key for key, _ in index.search(q["text"], limit=10)]
            pairs += [(found.get(key, 0.0), judged[q["id"]].get(key, 0) == 2) for key in top]
            positives += sum(1 for key in top if judged[q["id"]].get(key, 0) == 2)
        out["queries"][split] = _precision_recall(pairs, threshold, positives)
        pairs, positives = [], 0
        for p in (p for p in pilots if (int(p["id"][1:]) % 2 == 1) == (split == "dev")):
            text = f"{p['title']}. {p['problem']} {p['change']}"
            found = dict(index.similar(text, threshold=0.0))
            top = [key for key, _ in index.search(text) if by_id[key]["council"] != p["council"]][:10]
            same = [by_id[key]["idea"] == p["idea"] for key in top]
            pairs += [(found.get(key, 0.0), good) for key, good in zip(top, same, strict=True)]
            positives += sum(same)
        out["pilots"][split] = _precision_recall(pairs, threshold, positives)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = bench()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['pilots']} pilots, {report['queries']} queries "
          f"({report['judged_relevant_per_query']:.1f} judged relevant pilots per query) and "
          f"{report['independent_queries']} independently written queries")
    print(f"{'split':6} {'system':10} {'nDCG@10':>8} {'recall@5':>9} {'ms/query':>9}")
    for split, r in report["splits"].items():
        for name in ("bm25", "pilotbook"):
            m = r[name]
            print(f"{split + ' (' + str(m['queries']) + ')':6} {name:10} {m['ndcg@10']:8.3f} {m['recall@5']:9.3f} "
                  f"{m['ms_per_query']:9.2f}")
        print(f"{'':6} {'gain':10} {r['ndcg_gain']:+8.3f} {r['recall_gain']:+9.3f}")
    print(f"\nBefore you start (similar_pilots), threshold {SIMILAR_THRESHOLD}: share of shown matches that are right")
    for kind, splits in similar_calibration().items():
        for split, m in splits.items():
            print(f"  {kind:8} {split:5} shown {m['shown']:4}  precision {m['precision']:.2f}  "
                  f"recall {m['recall']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
