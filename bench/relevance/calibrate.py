"""Choose the "before you start" closeness model (ranking.Closeness) on the dev ideas only.

    .venv/bin/python bench/relevance/calibrate.py          # prints the grid's best settings and the chosen one

Uses only ideas with split "dev" in ideas.jsonl; the held-out half is never read here. For every setting of the
grid (coverage cap, part weights, whether words no record uses count) it finds the "a related idea" threshold
that gets most ideas right on dev, among thresholds that reach both goals there:
  * a same-idea idea is right when a same-idea record is in the top 3 (goal: 90% of them);
  * an idea with nothing related to show is right when the list is empty (goal: 80%): the no-match ideas, and
    every judged idea once its judged records are taken out of the base (so 49 ideas, not 8, say how often the
    list stays empty; the no-match ideas alone must reach the goal too).
The setting with most ideas right wins (ties: higher nDCG@10 of the list shown, then the simpler setting).
"The same idea" is then the lowest threshold at which at least 90% of the dev matches labelled so are judged
the same idea.
"""

from __future__ import annotations

import itertools
import math
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402

from pilotbook.evidence import ranking  # noqa: E402

CAPS = (2.0, 3.0, 4.0, 6.0, 8.0, 1000.0)  # 1000: no cap, the plain share of the idea
WEIGHTS = (0.0, 0.25, 0.5)
THRESHOLDS = [t / 100 for t in range(10, 91)]
GOAL_SAME, GOAL_EMPTY = 0.9, 0.8


def candidate_parts(index, ideas, count_unknown: bool) -> dict:
    """Per idea: [(key, found, total, rare, title, bm25)] for search's best 50, and the same with its judged
    records taken out of the base."""
    model = ranking.Closeness(cap=1e9, count_unknown_words=count_unknown)
    out = {}
    for idea in ideas:
        pieces = ranking.Idea(idea["text"], index.thesaurus, index.params)
        ranked = [key for key, _ in index.search(idea["text"])]
        lists = {"all": ranked[:50], "left_out": [k for k in ranked if k not in idea["judgments"]][:50]}
        parts = {}
        for key in set(lists["all"]) | set(lists["left_out"]):
            # With no cap, coverage is found / total; the cap is applied below from the same two numbers.
            coverage, title, bm25 = ranking.closeness_parts(pieces, index.features[key], index.stats, model)
            parts[key] = (coverage, _idea_weight(pieces, index.stats, count_unknown), title, bm25)
        out[idea["id"]] = {name: [(key, *parts[key]) for key in keys] for name, keys in lists.items()}
    return out


def _idea_weight(idea, stats, count_unknown: bool) -> float:
    """The idea's total IDF weight in units of a word found in one record (what the cap is compared with)."""
    total = sum(stats.idf(w) for w, groups in idea.aspects.items()
                if count_unknown or stats.df.get(w) or any(stats.df.get(g) for g in groups))
    return total / math.log(1 + stats.doc_count)


def closeness(row, cap: float, wt: float, wb: float) -> float:
    _, coverage, weight, title, bm25 = row
    capped = min(coverage * weight / min(weight, cap), 1.0) if weight else 0.0
    return (1 - wt - wb) * capped + wt * title + wb * bm25


def scored(ideas, parts, cap, wt, wb) -> dict:
    """Per idea: its candidates' closeness, closest first; and the best closeness once its judged records are out."""
    out = {}
    for idea in ideas:
        rows = parts[idea["id"]]
        ranked = sorted(((closeness(r, cap, wt, wb), r[0]) for r in rows["all"]), key=lambda p: (-p[0], p[1]))
        left = max((closeness(r, cap, wt, wb) for r in rows["left_out"]), default=0.0)
        out[idea["id"]] = (ranked, left)
    return out


def evaluate(ideas, scores, related, same=2.0) -> dict:
    got = {"same": 0, "n_same": 0, "empty": 0, "n_empty": 0, "none": 0, "n_none": 0, "labelled": 0, "right": 0}
    ndcgs = []
    for idea in ideas:
        grades = idea["judgments"]
        ranked, left = scores[idea["id"]]
        shown = [(c, k) for c, k in ranked if c >= related][:5]
        if idea["kind"] == "same":
            got["n_same"] += 1
            got["same"] += any(grades.get(k) == 2 for _, k in shown[:3])
        got["n_empty"] += 1
        if idea["kind"] == "none":
            got["n_none"] += 1
            got["none"] += not shown
            got["empty"] += not shown
        else:
            got["empty"] += left < related
        for c, k in shown:
            if c >= same:
                got["labelled"] += 1
                got["right"] += grades.get(k) == 2
        if grades:
            ndcgs.append(run.ndcg([k for _, k in shown], grades))
    return {"same_right": got["same"], "empty_right": got["empty"], "same_in_top3": got["same"] / got["n_same"],
            "nothing_related_empty": got["empty"] / got["n_empty"],
            "none_empty": got["none"] / got["n_none"], "ndcg@10": sum(ndcgs) / len(ndcgs),
            "labelled_same": got["labelled"],
            "precision_same": got["right"] / got["labelled"] if got["labelled"] else 1.0}


def calibrate(verbose: bool = True) -> ranking.Closeness:
    index = run.starter_index()
    ideas = [i for i in run.load_ideas() if i["split"] == "dev"]
    results = []
    for count_unknown in (False, True):
        parts = candidate_parts(index, ideas, count_unknown)
        for cap, wt, wb in itertools.product(CAPS, WEIGHTS, WEIGHTS):
            best = None
            scores = scored(ideas, parts, cap, wt, wb)
            for t in THRESHOLDS:
                r = evaluate(ideas, scores, t)
                reached = (r["same_in_top3"] >= GOAL_SAME and r["nothing_related_empty"] >= GOAL_EMPTY
                           and r["none_empty"] >= GOAL_EMPTY)
                right = r["same_right"] + r["empty_right"]
                key = (reached, right, round(r["ndcg@10"], 9))
                if best is None or key > best[0]:
                    best = (key, t, r)
            simpler = (count_unknown, wt + wb, -cap)  # ties go to fewer parts, then to the plain share
            results.append((best[0], tuple(-x for x in simpler), cap, wt, wb, count_unknown, best[1], best[2], scores))
    results.sort(key=lambda row: (row[0], row[1]), reverse=True)
    _, _, cap, wt, wb, count_unknown, related, r, scores = results[0]
    same = next((t for t in THRESHOLDS if t >= related and
                 evaluate(ideas, scores, related, t)["precision_same"] >= 0.9), 1.0)
    model = replace(ranking.Closeness(), cap=cap, title_weight=wt, bm25_weight=wb, related=related, same=same,
                    count_unknown_words=count_unknown)
    if verbose:
        print(f"{len(ideas)} dev ideas; the 10 best settings (right: same-idea ideas with one in the top 3, plus "
              "ideas with nothing related whose list is empty)")
        print(f"{'goals':>6} {'right':>6} {'nDCG':>6} {'cap':>6} {'title':>6} {'bm25f':>6} {'unknown':>8} "
              f"{'related':>8} {'top3':>6} {'empty':>6} {'none':>6}")
        for (reached, right, nd), _, c, t, b, u, rel, m, _ in results[:10]:
            print(f"{reached!s:>6} {right:6} {nd:6.3f} {c:6g} {t:6} {b:6} {u!s:>8} {rel:8.2f} "
                  f"{m['same_in_top3']:6.2f} {m['nothing_related_empty']:6.2f} {m['none_empty']:6.2f}")
        labelled = evaluate(ideas, scores, related, same)
        print(f"\nChosen: {model}")
        print(f"'the same idea' from {same}: {labelled['labelled_same']} dev matches labelled so, "
              f"{100 * labelled['precision_same']:.0f}% judged the same idea")
    return model


if __name__ == "__main__":
    calibrate()
