"""Choose the "before you start" closeness model (evidence.closeness.Closeness) and estimate how well it does.

    .venv/bin/python bench/relevance/calibrate.py                  # k-fold figures, then the model chosen on all
    .venv/bin/python bench/relevance/calibrate.py --ideas PATH     # the same on another ideas file
    .venv/bin/python bench/relevance/calibrate.py --folds 7 --json

Every idea in the file is development data (since ADR 0016's held-out half was seen, the 98 ideas are one pool;
a sealed set the lead keeps measures the result). For every setting of the grid (coverage cap, the weights of
title coverage, BM25F and search rank) it finds the "a related idea" threshold that gets most ideas right, among
thresholds that reach both goals:
  * a same-idea idea is right when a same-idea record is in the top 3 (goal: 90% of them);
  * an idea with nothing related to show is right when the list is empty (goal: 80%): the no-match ideas, and
    every judged idea once its judged records are taken out of the base (so every idea, not only the few with no
    match, says how often the list stays empty; the no-match ideas alone must reach the goal too).
Among thresholds equally right, the middle one. "The same idea" is then the lowest threshold at which at least 90%
of the matches labelled so are judged the same idea and no near miss is labelled so. The setting with most ideas
right wins; ties go to the one that labels most same-idea ideas "the same idea" in the top 3, then to the simpler.

The honest estimate is k-fold cross-validation: the ideas are dealt into k folds by kind; each fold's ideas are
measured with the model (setting and both thresholds) chosen on the other folds only, and the figures printed
are the sum over folds. The model the app uses is the one chosen on all ideas (test_bench.py checks it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402

from pilotbook.evidence.closeness import NO_VOCABULARY, Closeness, Idea, Vocabulary, closeness_parts  # noqa: E402

CAPS = (2.0, 3.0, 4.0, 6.0, 1000.0)  # 1000: no cap, the plain share of the idea
WEIGHTS = (0.0, 0.25)
RANK_WEIGHTS = (0.0, 0.1, 0.2, 0.3)
THRESHOLDS = [t / 100 for t in range(10, 91)]
GOAL_SAME, GOAL_EMPTY, GOAL_PRECISION = 0.9, 0.8, 0.9
FOLDS = 7
LABELLED_WORTH = 0.5  # a same-idea idea labelled "the same idea" in the top 3 counts half an idea right


def candidate_parts(index, ideas, vocabulary: Vocabulary | None = None) -> dict:
    """Per idea: [(key, coverage, idea weight, title, bm25, relative score)] for search's best 50, and the same
    with its judged records taken out of the base."""
    model = Closeness(cap=1e9)
    out = {}
    for idea in ideas:
        pieces = Idea(idea["text"], index.thesaurus, index.params, vocabulary)
        weight = _idea_weight(pieces, index.stats)
        ranked = index.search(idea["text"])
        lists = {"all": ranked[:50], "left_out": [row for row in ranked if row[0] not in idea["judgments"]][:50]}
        out[idea["id"]] = {}
        for name, rows in lists.items():
            top = rows[0][1] if rows else 0.0
            parts = []
            for key, found in rows:
                # With no cap, coverage is found / total; the cap is applied below from the same two numbers.
                coverage, title, bm25 = closeness_parts(pieces, index.features[key], index.stats, model)
                parts.append((key, coverage, weight, title, bm25, found / top if top > 0 else 0.0))
            out[idea["id"]][name] = parts
    return out


def _idea_weight(idea, stats) -> float:
    """The idea's total IDF weight in units of a word found in one record (what the cap is compared with)."""
    return sum(stats.idf(w) for w in idea.aspects) / math.log(1 + stats.doc_count)


def closeness(row, cap: float, wt: float, wb: float, wr: float) -> float:
    _, coverage, weight, title, bm25, relative = row
    capped = min(coverage * weight / min(weight, cap), 1.0) if weight else 0.0
    return (1 - wt - wb - wr) * capped + wt * title + wb * bm25 + wr * relative


def scored(ideas, parts, setting) -> dict:
    """Per idea: [(closeness, key, grade)] closest first; and the best closeness once its judged records are out."""
    out = {}
    for idea in ideas:
        rows, grades = parts[idea["id"]], idea["judgments"]
        ranked = sorted(((closeness(r, *setting), r[0]) for r in rows["all"]), key=lambda p: (-p[0], p[1]))
        left = max((closeness(r, *setting) for r in rows["left_out"]), default=0.0)
        out[idea["id"]] = ([(c, k, grades.get(k, 0)) for c, k in ranked], left)
    return out


def evaluate(ideas, scores, related, same=2.0) -> dict:
    """Counts of what "before you start" gets right for `ideas` with these thresholds."""
    n = dict.fromkeys(("same", "same_top3", "same_top3_labelled", "none", "none_empty", "empty", "empty_right",
                       "near_miss", "near_miss_shown", "near_miss_same", "labelled", "labelled_right"), 0)
    for idea in ideas:
        ranked, left = scores[idea["id"]]
        shown = [row for row in ranked if row[0] >= related][:5]
        kind = idea["kind"]
        if kind == "same":
            n["same"] += 1
            n["same_top3"] += any(g == 2 for _, _, g in shown[:3])
            n["same_top3_labelled"] += any(g == 2 and c >= same for c, _, g in shown[:3])
        n["empty"] += 1
        if kind == "none":
            n["none"] += 1
            n["none_empty"] += not shown
            n["empty_right"] += not shown
        else:
            n["empty_right"] += left < related
        if kind == "near_miss":
            n["near_miss"] += 1
            n["near_miss_shown"] += bool(shown)
            n["near_miss_same"] += any(c >= same for c, _, _ in shown)
        for c, _, g in shown:
            if c >= same:
                n["labelled"] += 1
                n["labelled_right"] += g == 2
    return n


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def reaches_goals(n: dict) -> bool:
    return (_share(n["same_top3"], n["same"]) >= GOAL_SAME and _share(n["empty_right"], n["empty"]) >= GOAL_EMPTY
            and _share(n["none_empty"], n["none"]) >= GOAL_EMPTY)


def choose(ideas, scores_by_setting) -> tuple[Closeness, list]:
    """The model chosen on `ideas` (module docstring): per setting, the "a related idea" threshold with most ideas
    right and "the same idea" above it; the setting with most right wins, then most same-idea ideas labelled so,
    then the simpler setting."""
    results = []
    for setting, scores in scores_by_setting.items():
        keyed = []
        for t in THRESHOLDS:
            n = evaluate(ideas, scores, t)
            keyed.append(((reaches_goals(n), n["same_top3"] + n["empty_right"]), t))
        best = max(key for key, _ in keyed)
        tied = [t for key, t in keyed if key == best]
        related = tied[len(tied) // 2]
        same = next((t for t in THRESHOLDS if t >= related and _labels_right(evaluate(ideas, scores, related, t))),
                    1.0)
        labelled = evaluate(ideas, scores, related, same)["same_top3_labelled"]
        cap, wt, wb, wr = setting
        simpler = ((wt > 0) + (wb > 0) + (wr > 0), wr, cap < 1000, -cap)
        reached, right = best
        results.append(((reached, right + LABELLED_WORTH * labelled), tuple(-x for x in simpler), setting, related,
                        same, right, labelled))
    results.sort(key=lambda row: (row[0], row[1]), reverse=True)
    _, _, (cap, wt, wb, wr), related, same, _, _ = results[0]
    model = replace(Closeness(), cap=cap, title_weight=wt, bm25_weight=wb, rank_weight=wr,
                    related=related, same=same)
    return model, results


def _labels_right(n: dict) -> bool:
    """At least 90% of the matches labelled "the same idea" are judged so, and no near miss is labelled so."""
    return _share(n["labelled_right"], n["labelled"]) >= GOAL_PRECISION and not n["near_miss_same"]


def folds_of(ideas, k: int) -> dict[str, int]:
    """Ideas dealt into k folds by kind, in id order: every fold holds the same mix of kinds."""
    fold, dealt = {}, {}
    for idea in sorted(ideas, key=lambda i: i["id"]):
        fold[idea["id"]] = dealt.get(idea["kind"], 0) % k
        dealt[idea["kind"]] = dealt.get(idea["kind"], 0) + 1
    return fold


def grid() -> list[tuple]:
    return list(itertools.product(CAPS, WEIGHTS, WEIGHTS, RANK_WEIGHTS))


def cross_validate(ideas, scores_by_setting, k: int = FOLDS) -> tuple[dict, list]:
    """Counts summed over k folds, each fold measured with the model chosen on the others; and the models."""
    fold = folds_of(ideas, k)
    total: dict = {}
    models = []
    for f in range(k):
        train = [i for i in ideas if fold[i["id"]] != f]
        test = [i for i in ideas if fold[i["id"]] == f]
        if not test:
            continue
        model, _ = choose(train, scores_by_setting)
        setting = (model.cap, model.title_weight, model.bm25_weight, model.rank_weight)
        n = evaluate(test, scores_by_setting[setting], model.related, model.same)
        total = {key: total.get(key, 0) + value for key, value in n.items()}
        models.append(model)
    return total, models


def figures(n: dict) -> dict:
    return {
        "same_in_top3": [n["same_top3"], n["same"]],
        "same_in_top3_labelled_same": [n["same_top3_labelled"], n["same"]],
        "none_empty": [n["none_empty"], n["none"]],
        "nothing_related_empty": [n["empty_right"], n["empty"]],
        "near_miss_shown": [n["near_miss_shown"], n["near_miss"]],
        "near_miss_labelled_same": [n["near_miss_same"], n["near_miss"]],
        "precision_same": [n["labelled_right"], n["labelled"]],
    }


def calibrate(ideas_path: Path | None = None, k: int = FOLDS, verbose: bool | str = True,
              vocabulary: Vocabulary | None = None) -> Closeness:
    index = run.starter_index()
    ideas = run.load_ideas(ideas_path) if ideas_path else run.load_ideas()
    parts = candidate_parts(index, ideas, vocabulary)
    scores_by_setting = {setting: scored(ideas, parts, setting) for setting in grid()}
    model, results = choose(ideas, scores_by_setting)
    if not verbose:
        return model
    cv, fold_models = cross_validate(ideas, scores_by_setting, k)
    report = {"ideas": len(ideas), "folds": k, "cross_validated": figures(cv),
              "fold_models": [asdict(m) for m in fold_models], "chosen": asdict(model),
              "chosen_on_all": figures(evaluate(ideas, scores_by_setting[
                  (model.cap, model.title_weight, model.bm25_weight, model.rank_weight)], model.related, model.same))}
    if verbose == "json":
        print(json.dumps(report, indent=2))
    else:
        print(f"{len(ideas)} ideas; {len(scores_by_setting)} settings x {len(THRESHOLDS)} thresholds")
        print(f"\n{k}-fold cross-validation (each fold measured with the model chosen on the other folds):")
        for m in fold_models:
            print(f"  cap {m.cap:g}, title {m.title_weight}, bm25f {m.bm25_weight}, rank {m.rank_weight}; "
                  f"related from {m.related}, same from {m.same}")
        names = {"same_in_top3": "same-idea record in the top 3 (goal 90%)",
                 "same_in_top3_labelled_same": "  ... and labelled 'the same idea'",
                 "none_empty": "no-match ideas: empty list (goal 80%)",
                 "nothing_related_empty": "judged records taken out: empty list",
                 "near_miss_shown": "near misses: something shown",
                 "near_miss_labelled_same": "near misses labelled 'the same idea'",
                 "precision_same": "'the same idea' labels judged same"}
        for key, (hits, total) in report["cross_validated"].items():
            print(f"  {names[key]:43} {100 * _share(hits, total):4.0f}% ({hits}/{total})")
        print("\nThe 10 best settings on all ideas (right: same-idea ideas with one in the top 3, plus ideas with "
              "nothing related whose list is empty)")
        print(f"{'goals':>6} {'right':>6} {'as same':>8} {'cap':>6} {'title':>6} {'bm25f':>6} {'rank':>6} "
              f"{'related':>8} {'same':>6}")
        for (reached, _), _, (c, t, b, r), rel, same, right, labelled in results[:10]:
            print(f"{reached!s:>6} {right:6} {labelled:8} {c:6g} {t:6} {b:6} {r:6} {rel:8.2f} {same:6.2f}")
        print(f"\nChosen on all {len(ideas)} ideas: {model}")
        on_all = report["chosen_on_all"]
        print("  on the ideas it was chosen on (optimistic): "
              + "; ".join(f"{key} {hits}/{total}" for key, (hits, total) in on_all.items()))
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=Path, help="an ideas file (JSON Lines, as ideas.jsonl)")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--without-vocabulary", action="store_true",
                        help="compare: ideas without data/idea_vocabulary.txt (its groups and context words)")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    calibrate(args.ideas, args.folds, "json" if args.json else True,
              NO_VOCABULARY if args.without_vocabulary else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
