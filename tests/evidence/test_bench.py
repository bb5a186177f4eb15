"""The relevance bench: the margin over plain BM25, "before you start" on the starter base, and proof that the app
ranks and suggests exactly as the bench measures."""

import json

import pytest

from pilotbook.evidence.closeness import CLOSENESS, SAME
from pilotbook.evidence.search import search_pilots, similar_pilots

from .collection import bench_module, load_collection


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


@pytest.fixture(scope="module")
def starter(bench):
    return bench.starter_bench()


def test_the_starter_bench_has_real_records_and_ideas_of_every_kind_in_both_halves(starter):
    assert starter["records"] == 452 and starter["ideas"] >= 80
    for split in ("dev", "held_out"):
        r = starter["splits"][split]["before_you_start"]
        assert r["same_ideas"] >= 20 and r["none_ideas"] >= 5 and r["near_miss_ideas"] >= 5


def test_before_you_start_reaches_its_goals_on_the_ideas_it_was_calibrated_on(starter):
    # Since the held-out half was seen, all 98 ideas are development data (calibrate.py chooses on all of them; its
    # k-fold figures are the honest estimate, bench/relevance/README.md). Measured on all: 60 of 60, 16 of 16.
    every = starter["splits"]["all"]["before_you_start"]
    assert every["same_in_top3"] >= 0.95 and every["none_empty"] >= 0.9 and every["left_out_empty"] >= 0.85
    assert every["near_miss_labelled_same"] <= 0.05 and every["precision_same"] >= 0.9


def test_before_you_start_on_each_half_is_no_worse_than_measured(starter):
    # Measured (bench/relevance/README.md): 30 of 30 same-idea ideas with one in the top 3 in each half, 8 of 8
    # no-match ideas with an empty list; the model before ADR 0016 had 10 and 5 of 30, and 8 of 8.
    for split in ("dev", "held_out"):
        ours, old = (starter["splits"][split][key] for key in ("before_you_start", "before_you_start_old"))
        assert ours["same_in_top3"] >= 0.9 and ours["none_empty"] >= 0.8 and ours["left_out_empty"] >= 0.8
        assert ours["same_in_top3"] >= old["same_in_top3"] + 0.5
        assert ours["precision_same"] >= 0.9 and ours["ndcg@10"] > 2 * old["ndcg@10"]


def test_the_bench_measures_an_ideas_file_with_splits_it_does_not_know(bench, tmp_path):
    ideas = bench.load_ideas()
    chosen = [next(i for i in ideas if i["kind"] == kind) for kind in ("same", "near_miss", "none")]
    path = tmp_path / "sealed.jsonl"
    path.write_text("".join(json.dumps({**idea, "split": "sealed"}) + "\n" for idea in chosen), encoding="utf-8")
    report = bench.starter_bench(ideas_path=path)
    assert list(report["splits"]) == ["sealed"] and report["ideas"] == 3
    sealed = report["splits"]["sealed"]
    assert sealed["before_you_start"]["same_ideas"] == 1 and sealed["before_you_start"]["none_ideas"] == 1
    assert sealed["before_you_start"]["counts"]["same_in_top3"] in (0, 1) and sealed["search"]["bm25"]["queries"] == 2


def test_search_with_the_ideas_as_queries_beats_plain_bm25(starter):
    for split in ("dev", "held_out"):
        assert starter["splits"][split]["search"]["ndcg_gain"] > 0


def test_the_calibration_script_chooses_the_model_the_app_uses(bench):
    import importlib.util

    spec = importlib.util.spec_from_file_location("relevance_calibrate", bench.HERE / "calibrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.calibrate(verbose=False) == CLOSENESS


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
    idea = "We want to text residents the night before bin day to say which bin to put out"
    hits = similar_pilots(idea, limit=10)
    assert [(to_bench[h.pilot_id], h.closeness, h.label) for h in hits] == [
        (key, round(c, 4), label) for key, c, label in memory.similar(idea, limit=10)]
    assert hits[0].label == SAME and to_bench[hits[0].pilot_id] in {"p001", "p002", "p003", "p004", "p147", "p158"}
    weak = similar_pilots("A new approach to improving things for residents")
    assert weak == []
