"""The relevance bench: the margin over plain BM25, and proof that the app ranks exactly as the bench measures."""

import pytest

from pilotbook.evidence.ranking import SIMILAR_THRESHOLD
from pilotbook.evidence.search import search_pilots, similar_pilots

from .collection import bench_module, load_collection

GOAL = 0.15  # issue 4: nDCG@10 at least 0.15 above the baseline


@pytest.fixture(scope="module")
def bench():
    return bench_module()


@pytest.fixture(scope="module")
def report(bench):
    return bench.bench()


def test_the_collection_is_big_enough_and_judged(report):
    assert report["pilots"] >= 150 and report["queries"] >= 50
    assert report["judged_relevant_per_query"] >= 2


@pytest.mark.parametrize("split", ["all", "test"])
def test_search_beats_plain_bm25_on_all_and_on_held_out_queries(report, split):
    r = report["splits"][split]
    # Measured (bench/relevance/README.md): +0.114 on all 60 queries, +0.113 on the 40 held out.
    assert r["ndcg_gain"] >= 0.10
    assert r["recall_gain"] >= 0.10


@pytest.mark.xfail(strict=True, reason="Goal not met on this collection: plain BM25 already scores 0.82 nDCG@10")
def test_search_reaches_the_goal_of_015_over_bm25(report):
    assert report["splits"]["all"]["ndcg_gain"] >= GOAL


def test_similar_threshold_keeps_nine_in_ten_shown_matches_right_on_held_out_data(bench):
    calibration = bench.similar_calibration()
    for kind in ("queries", "pilots"):
        held_out = calibration[kind]["test"]
        assert held_out["threshold"] == SIMILAR_THRESHOLD
        assert held_out["precision"] >= 0.85, (kind, held_out)


@pytest.mark.django_db
def test_the_database_search_ranks_exactly_as_the_bench_measures(bench):
    pilot_ids = load_collection(bench)
    to_bench = {pk: key for key, pk in pilot_ids.items()}
    docs = {p["id"]: bench.fields_of(p) for p in bench.load_pilots()}
    memory = bench.MemoryIndex(docs)
    for query in bench.load_queries():
        expected = [key for key, _ in memory.search(query["text"], limit=10)]
        got = [to_bench[h.pilot_id] for h in search_pilots(query["text"], limit=10)]
        assert got == expected, query["text"]
    # "Before you start" on the loaded collection: only pilots of the same idea, never the officer's own council.
    hits = similar_pilots("We want to text residents the night before bin day to say which bin to put out",
                          limit=10)
    assert hits and all(to_bench[h.pilot_id] in {"p001", "p002", "p003", "p004", "p147", "p158"} for h in hits)
    weak = similar_pilots("A new approach to improving things for residents")
    assert weak == []
