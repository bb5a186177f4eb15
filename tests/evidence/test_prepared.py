"""The prepared scorers (ranking.Scorer, closeness.Measure) give the straightforward formulas' figures to the last bit.

"Before you start" and search work out BM25F and closeness once per query (IDFs, field weights, the idea's share)
instead of once per candidate. Which pilots are shown, in which order and with which label depends on exact
floats (ties broken by id, thresholds), so the figures must not move at all: each is compared with ==, not
approximately, against the formulas written out plainly here (as they were before they were prepared), on the
starter case studies and the relevance bench's ideas. No database.
"""

import math
from dataclasses import replace

import pytest

from pilotbook.evidence import closeness, ranking
from pilotbook.evidence.closeness import CLOSENESS, UNNORMALISED, Closeness
from pilotbook.evidence.ranking import DEFAULT_PARAMS, MemoryIndex, Params

from .collection import bench_module


def plain_score(weights, doc, stats, params=DEFAULT_PARAMS) -> float:
    """BM25F as ranking.score wrote it before Scorer: every query feature counted in every field."""
    tf = dict.fromkeys(weights, 0.0)
    for name, feats in doc.items():
        if not feats:
            continue
        avg = stats.avg_length.get(name) or 1.0
        norm = 1 - params.b + params.b * len(feats) / avg
        for feature in weights:
            n = feats.count(feature)
            if n:
                tf[feature] += params.weight(name) * n / norm
    total = 0.0
    for feature, qw in weights.items():
        if tf[feature]:
            total += qw * stats.idf(feature) * tf[feature] / (params.k1 + tf[feature])
    return total


def plain_parts(idea, doc, stats, model=CLOSENESS) -> tuple[float, float, float]:
    """closeness_parts as it was before Measure: everything about the idea worked out again for each record."""
    present = idea.present(doc)
    total = found = 0.0
    for word, groups in idea.aspects.items():
        if not model.count_unknown_words and not stats.df.get(word) and not any(stats.df.get(g) for g in groups):
            continue
        weight = stats.idf(word)
        total += weight
        if word in present or not groups.isdisjoint(present):
            found += weight
    rare = math.log(1 + stats.doc_count)
    coverage = min(found / min(total, model.cap * rare), 1.0) if total else 0.0
    title = idea.title_words(doc)
    title_total = sum(stats.idf(word) for word, _ in title)
    title_found = sum(stats.idf(word) for word, groups in title
                      if word in idea.features or not groups.isdisjoint(idea.features))
    best = ranking.best_possible(idea.weights, stats)
    bm25 = plain_score(idea.weights, doc, stats, UNNORMALISED) / best if best else 0.0
    return coverage, (title_found / title_total if title_total else 0.0), min(bm25, 1.0)


@pytest.fixture(scope="module")
def bench():
    return bench_module()


@pytest.fixture(scope="module")
def index(bench):
    names = bench.council_names()
    return MemoryIndex({r["external_id"]: bench.record_fields(r, names) for r in bench.load_records()})


@pytest.fixture(scope="module")
def ideas(bench):
    return [i["text"] for i in bench.load_ideas()]


@pytest.mark.parametrize("params", [DEFAULT_PARAMS, UNNORMALISED, Params(k1=2.0, b=0.9, concept_weight=1.0)])
def test_a_prepared_scorer_gives_bm25f_exactly_for_every_record_an_idea_matches(index, ideas, params):
    differ, compared = [], 0
    for text in ideas[::3]:
        weights = ranking.query_weights(text, index.thesaurus, params)
        score = ranking.Scorer(weights, index.stats, params)
        for key, doc in index.features.items():
            if any(feature in doc[name] for name in doc for feature in weights):  # a candidate: it holds a feature
                compared += 1
                if score(doc) != plain_score(weights, doc, index.stats, params):
                    differ.append((text, key))
        assert ranking.score(weights, doc, index.stats, params) == plain_score(weights, doc, index.stats, params)
    assert not differ
    assert compared > 1000  # the check is not vacuous


def test_a_field_the_parameters_do_not_name_and_an_empty_record_score_as_before(index):
    weights = ranking.query_weights("bin collection reminders by text")
    doc = {"title": ["bin", "remind"], "notes": ["bin", "bin", "text"], "problem": []}
    assert ranking.Scorer(weights, index.stats)(doc) == plain_score(weights, doc, index.stats) > 0
    assert ranking.Scorer(weights, index.stats)({}) == plain_score(weights, {}, index.stats) == 0.0
    assert ranking.Scorer({}, index.stats)(doc) == 0.0


@pytest.mark.parametrize("model", [CLOSENESS, Closeness(count_unknown_words=False, rank_weight=0.2, cap=2.0)])
def test_a_measure_gives_closeness_exactly_for_every_candidate_of_every_idea(index, ideas, model):
    differ, compared = [], 0
    for text in ideas[::2]:
        idea = closeness.Idea(text, index.thesaurus, index.params)
        candidates = index.search(text, limit=50)
        stats = replace(index.stats)  # as similar_pilots' stats: the idea's and the candidates' title words known
        measure = closeness.Measure(idea, stats, model)
        for key, _ in candidates:
            compared += 1
            if measure.parts(index.features[key]) != plain_parts(idea, index.features[key], stats, model):
                differ.append((text, key))
        if candidates:
            top = candidates[0][1]
            expected = {}
            rest = 1.0 - model.title_weight - model.bm25_weight - model.rank_weight
            for key, found in candidates:
                coverage, title, bm25 = plain_parts(idea, index.features[key], stats, model)
                expected[key] = (rest * coverage + model.title_weight * title + model.bm25_weight * bm25
                                 + model.rank_weight * min(max(found / top, 0.0), 1.0))
            assert closeness.closeness_of_candidates(
                idea, ((key, found, index.features[key]) for key, found in candidates), stats, model) == expected
    assert not differ
    assert compared > 1000
