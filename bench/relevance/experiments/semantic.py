"""Does an offline semantic model improve evidence search? (It did not; see ../README.md.)

    .venv/bin/pip install wordllama==0.4.0.post1     # not a Pilotbook dependency: only this experiment needs it
    .venv/bin/python bench/relevance/experiments/semantic.py

WordLlama's wheel ships its model (256-dimensional token embeddings distilled from large language models, 16 MB)
and tokenizer inside the package, so nothing is downloaded. (WordLlama.load() looks for the tokenizer in the wrong
folder and then tries Hugging Face, so the files are loaded directly here.)

Each pilot is embedded from its title (t), title, problem and change (tpc), or those and its lessons (tpcl). A
query's score is Pilotbook's BM25F score divided by its best possible score, plus w times the cosine similarity
(linear), or a reciprocal-rank fusion of the two rankings (rrf); optionally the `union` most similar pilots join
the candidates even with no word in common. The 20 dev queries choose the setting; the 40 held-out and the
40 independent queries then say whether it generalises.

Second, query expansion: each query word brings in the collection words nearest to it in the model (a few, each
weighted by its cosine), ranked by Pilotbook's BM25F.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run  # noqa: E402  (sets up Django)

from pilotbook.evidence.ranking import STOP_WORDS, best_possible, query_weights, score, stem  # noqa: E402

try:
    import wordllama
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama
except ImportError:
    sys.exit("this experiment needs WordLlama: .venv/bin/pip install wordllama==0.4.0.post1")


def load_model() -> WordLlamaInference:
    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(root / "weights" / "l2_supercat_256.safetensors", framework="np", device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


def main() -> None:
    model = load_model()
    pilots, queries, independent = run.load_pilots(), run.load_queries(), run.load_independent()
    judged = run.qrels(queries + independent, pilots)
    index = run.MemoryIndex({p["id"]: run.fields_of(p) for p in pilots})
    ids = [p["id"] for p in pilots]
    texts = {
        "t": [p["title"] for p in pilots],
        "tpc": [f"{p['title']}. {p['problem']} {p['change']}" for p in pilots],
        "tpcl": [f"{p['title']}. {p['problem']} {p['change']} {p['lessons']}" for p in pilots],
    }
    doc_vectors = {name: model.embed(t, norm=True) for name, t in texts.items()}
    query_vectors = {q["id"]: model.embed([q["text"]], norm=True)[0] for q in queries + independent}
    splits = {"dev": [q for q in queries if run.split_of(q["id"]) == "dev"],
              "held-out": [q for q in queries if run.split_of(q["id"]) == "test"],
              "independent": independent}

    def ranked(q, variant, w, union, mode):
        weights = query_weights(q["text"], index.thesaurus, index.params)
        best = best_possible(weights, index.stats) or 1.0
        lexical = {key: s / best for key, s in index.search(q["text"])}
        cos = dict(zip(ids, (doc_vectors[variant] @ query_vectors[q["id"]]).tolist(), strict=True))
        candidates = set(lexical)
        if union:
            candidates |= set(sorted(ids, key=lambda k: -cos[k])[:union])
        if mode == "linear":
            scores = {k: lexical.get(k, 0.0) + w * cos[k] for k in candidates}
        else:
            lex_rank = {k: i for i, (k, _) in enumerate(sorted(lexical.items(), key=lambda x: (-x[1], x[0])))}
            cos_rank = {k: i for i, k in enumerate(sorted(candidates, key=lambda k: -cos[k]))}
            scores = {k: 1 / (60 + lex_rank.get(k, 1000)) + w / (60 + cos_rank[k]) for k in candidates}
        return [k for k, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))][:10]

    def ndcg(split, **setting):
        return float(np.mean([run.ndcg(ranked(q, **setting), judged[q["id"]]) for q in splits[split]]))

    base = {s: ndcg(s, variant="t", w=0.0, union=0, mode="linear") for s in splits}
    print("Pilotbook's ranking alone, nDCG@10:", {s: round(v, 3) for s, v in base.items()})
    for variant, vectors in doc_vectors.items():
        alone = {s: float(np.mean([run.ndcg([ids[i] for i in np.argsort(-(vectors @ query_vectors[q["id"]]))[:10]],
                                            judged[q["id"]]) for q in qs])) for s, qs in splits.items()}
        print(f"semantic similarity alone ({variant}), nDCG@10:", {s: round(v, 3) for s, v in alone.items()})
    settings = [{"variant": v, "mode": m, "w": w, "union": u} for v in doc_vectors for m in ("linear", "rrf")
                for w in ((0.1, 0.2, 0.3, 0.5, 0.8, 1.2) if m == "linear" else (0.3, 0.5, 1.0)) for u in (0, 10, 30)]
    gains = [(s, {split: ndcg(split, **s) - base[split] for split in splits}) for s in settings]
    gains.sort(key=lambda pair: (-pair[1]["dev"], str(pair[0])))
    print(f"\n{len(settings)} hybrid settings; the 5 best on dev, nDCG@10 change against Pilotbook's ranking alone:")
    for setting, gain in gains[:5]:
        print(" ", setting, {split: f"{g:+.3f}" for split, g in gain.items()})
    for split in ("held-out", "independent"):
        best = max(g[split] for _, g in gains)
        print(f"the best of all {len(settings)} settings on {split} (chosen by looking, so optimistic): {best:+.3f}")
    expansion(model, index, splits, judged)


def expansion(model, index, splits, judged) -> None:
    vocabulary: dict[str, str] = {}
    for p in run.load_pilots():
        for name in ("title", "problem", "change", "lessons", "partners"):
            for word in re.findall(r"[a-z]+", p[name].lower()):
                if word not in STOP_WORDS and len(word) > 2:
                    vocabulary.setdefault(word, stem(word))
    words = sorted(vocabulary)
    vectors = model.embed(words, norm=True)

    def ranked(text, k, weight, at_least):
        weights = query_weights(text, index.thesaurus, index.params)
        query_words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP_WORDS and len(w) > 2]
        if k and query_words:
            similarity = model.embed(query_words, norm=True) @ vectors.T
            for i, word in enumerate(query_words):
                added = 0
                for j in np.argsort(-similarity[i]):
                    if similarity[i, j] < at_least or added == k:
                        break
                    s = vocabulary[words[j]]
                    if s != stem(word) and s not in weights:
                        weights[s] = weight * float(similarity[i, j])
                        added += 1
        scored = [(key, score(weights, index.features[key], index.stats, index.params)) for key in index.docs]
        return [key for key, s in sorted(scored, key=lambda x: (-x[1], x[0])) if s > 0][:10]

    def ndcg(split, *setting):
        return float(np.mean([run.ndcg(ranked(q["text"], *setting), judged[q["id"]]) for q in splits[split]]))

    base = {split: ndcg(split, 0, 0.0, 1.0) for split in splits}
    settings = [(k, w, c) for k in (1, 2, 3, 5) for w in (0.2, 0.4, 0.7) for c in (0.3, 0.5, 0.7)]
    gains = [(s, {split: ndcg(split, *s) - base[split] for split in splits}) for s in settings]
    gains.sort(key=lambda pair: (-pair[1]["dev"], pair[0]))
    print(f"\nquery expansion, {len(settings)} settings (words per query word, weight, least cosine); best on dev:")
    for setting, gain in gains[:3]:
        print(" ", setting, {split: f"{g:+.3f}" for split, g in gain.items()})


if __name__ == "__main__":
    main()
