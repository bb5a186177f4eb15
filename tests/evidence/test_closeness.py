"""The "before you start" closeness model (pilotbook.evidence.closeness): labels, thresholds and independence of length.

Uses the real starter case studies (pilotbook/evidence/data/starter/case-studies.jsonl) in memory, as the bench
does; no database.
"""

import math
from collections import Counter

import pytest

from pilotbook.evidence import closeness, ranking
from pilotbook.evidence.closeness import CLOSENESS, RELATED, SAME, Closeness
from pilotbook.evidence.ranking import MemoryIndex

from .collection import bench_module

# Sentences about nothing any idea below is about, to pad a record with.
PADDING = ("The report was presented to the cabinet member in the autumn. Officers from finance and legal services "
           "attended the steering group, which met monthly in the town hall. Minutes were circulated by email. ")

# (idea as an officer wrote it, a record of the same idea)
SAME_IDEAS = [
    ("Incentive scheme for pregnant smokers - shopping vouchers if they quit and it's confirmed by CO test.",
     "r1-glasgow-pregnancy-smoking-voucher-incentives-rct"),
    ("Link workers in GP surgeries referring lonely/isolated patients to gardening groups, art classes etc "
     "(social prescribing).", "r1-city-hackney-social-prescribing-evaluation"),
    ("Docking-station bike hire for the town centre and the station.", "r1-liverpool-city-bike-closed"),
]


@pytest.fixture(scope="module")
def bench():
    return bench_module()


@pytest.fixture(scope="module")
def records(bench):
    return {r["external_id"]: r for r in bench.load_records()}


def index_of(bench, records, padded: str | None = None, times: int = 0) -> MemoryIndex:
    names = bench.council_names()
    docs = {}
    for key, record in records.items():
        if key == padded:
            record = {**record, "summary": record["summary"] + " " + PADDING * times}
        docs[key] = bench.record_fields(record, names)
    return MemoryIndex(docs)


def close(index: MemoryIndex, text: str, key: str) -> float:
    return closeness.closeness(closeness.Idea(text), index.features[key], index.stats)


@pytest.mark.parametrize(("idea", "key"), SAME_IDEAS)
def test_a_same_idea_record_is_labelled_the_same_idea_among_the_closest_three(bench, records, idea, key):
    assert key in records
    shown = index_of(bench, records).similar(idea)
    assert key in [k for k, _, _ in shown[:3]]
    assert {k: label for k, _, label in shown}[key] == SAME


@pytest.mark.parametrize("times", [1, 3, 10])
@pytest.mark.parametrize(("idea", "key"), SAME_IDEAS)
def test_padding_a_record_with_unrelated_sentences_never_lowers_its_closeness_or_label(bench, records, idea, key,
                                                                                      times):
    plain = index_of(bench, records)
    padded = index_of(bench, records, padded=key, times=times)
    before, after = close(plain, idea, key), close(padded, idea, key)
    assert after >= before - 1e-9
    assert CLOSENESS.label(after) == CLOSENESS.label(before) == SAME
    assert key in [k for k, _, label in padded.similar(idea)[:3] if label == SAME]


def test_the_cosine_it_replaced_fell_as_a_record_grew(bench, records):
    """Why the model changed: the old confidence divided by the whole record's length, so padding sank it."""
    idea, key = SAME_IDEAS[0]

    def cosine(index):
        old = bench.OldCosine(index)
        a = old._vector({"text": Counter(ranking.features(idea))})
        b = old._vector(index.docs[key])
        return sum(w * b.get(f, 0.0) for f, w in a.items()) / math.sqrt(
            sum(w * w for w in a.values()) * sum(w * w for w in b.values()))

    assert cosine(index_of(bench, records, padded=key, times=10)) < 0.7 * cosine(index_of(bench, records))


def test_an_idea_nobody_has_tried_gets_an_empty_list(bench, records):
    index = index_of(bench, records)
    assert index.similar("Community toilet scheme: pay cafes and pubs to let the public use their loos") == []
    assert index.similar("the and of") == []


def test_labels_follow_the_two_thresholds():
    model = Closeness(related=0.4, same=0.6)
    assert model.label(0.39) is None and model.label(0.4) == RELATED and model.label(0.59) == RELATED
    assert model.label(0.6) == SAME and model.label(1.0) == SAME
    assert 0 < CLOSENESS.related < CLOSENESS.same < 1


def test_closeness_is_between_0_and_1_and_near_1_for_a_record_that_is_the_idea(bench, records):
    index = index_of(bench, records)
    record = records[SAME_IDEAS[0][1]]
    text = f"{record['title']}. {record['summary']}"
    assert 0.9 <= close(index, text, record["external_id"]) <= 1.0
    for key, _ in index.search(SAME_IDEAS[1][0], limit=20):
        assert 0.0 <= close(index, SAME_IDEAS[1][0], key) <= 1.0


def test_at_most_five_are_shown_closest_first(bench, records):
    shown = index_of(bench, records).similar("Charge for garden waste collections with an annual subscription")
    assert 0 < len(shown) <= 5
    assert [c for _, c, _ in shown] == sorted((c for _, c, _ in shown), reverse=True)


# Officers' acronyms and other words for what a record spells out (data/idea_vocabulary.txt): (idea, record).
ACRONYM_IDEAS = [
    ("TAs delivering daily one-to-one reading catch-up for Year 7 pupils who are behind",
     "r2-eef-switch-on-reading-efficacy"),  # the record says "teaching assistants"
    ("Auto-enrol kids on FSM using the HB data we hold", "r1-middlesbrough-fsm-auto-enrolment-pilot"),
    ("Livestream cabinet meetings", "r1-midlothian-cabinet-webcasts-replaced-by-planning"),  # "webcast"
]


@pytest.mark.parametrize(("idea", "key"), ACRONYM_IDEAS)
def test_an_idea_in_officers_acronyms_finds_the_record_that_spells_them_out(bench, records, idea, key):
    shown = index_of(bench, records).similar(idea)
    assert shown[0][0] == key and shown[0][2] == SAME


def test_an_acronym_and_its_plural_match_the_words_they_stand_for():
    doc = {name: ranking.features(text) for name, text in (
        ("title", "Reading catch-up"), ("change", "Trained teaching assistants delivered the sessions"))}
    for text in ("TA reading sessions", "TAs doing reading sessions", "teaching assistant reading sessions"):
        idea = closeness.Idea(text)
        found = idea.present(doc)
        assert all(word in found or not groups.isdisjoint(found) for word, groups in idea.aspects.items()), text


def test_the_vocabulary_file_parses_and_its_context_words_name_no_group():
    vocabulary = closeness.default_vocabulary()
    assert len(vocabulary.groups.groups) >= 50 and {"tri", "want", "covid", "district"} <= vocabulary.context
    single_words = {key[0] for key in vocabulary.groups.phrases if len(key) == 1}
    assert not vocabulary.context & single_words
    assert all(cid.startswith("xv") for cids in vocabulary.groups.phrases.values() for cid in cids)


# What officers add about their own situation, which says nothing about the idea.
CONTEXT = [" We want to try this in our district since covid.", " Members are keen, our borough is thinking of it.",
           " Idea: something like this, post-covid, in our county."]


@pytest.mark.parametrize("context", CONTEXT)
@pytest.mark.parametrize(("idea", "key"), SAME_IDEAS + ACRONYM_IDEAS)
def test_context_officers_add_changes_neither_closeness_nor_what_is_shown(bench, records, idea, key, context):
    index = index_of(bench, records)
    assert close(index, idea + context, key) == pytest.approx(close(index, idea, key), abs=1e-9)
    assert index.similar(idea + context) == index.similar(idea)


def test_closeness_of_candidates_measures_each_against_the_best_candidates_score(bench, records):
    index = index_of(bench, records)
    idea_text, key = SAME_IDEAS[0]
    idea = closeness.Idea(idea_text)
    ranked = index.search(idea_text, limit=5)
    plain = closeness.closeness_of_candidates(idea, ((k, s, index.features[k]) for k, s in ranked), index.stats)
    assert plain[key] == pytest.approx(close(index, idea_text, key))  # the app's model has no rank part
    model = Closeness(rank_weight=0.2)
    ranked_parts = closeness.closeness_of_candidates(idea, ((k, s, index.features[k]) for k, s in ranked), index.stats,
                                                   model)
    best, last = ranked[0][0], ranked[-1][0]
    assert ranked_parts[best] == pytest.approx(
        closeness.closeness(idea, index.features[best], index.stats, model, relative=0.0) + 0.2)
    assert ranked_parts[last] == pytest.approx(closeness.closeness(
        idea, index.features[last], index.stats, model, relative=ranked[-1][1] / ranked[0][1]))
    assert ranked_parts[last] < closeness.closeness(idea, index.features[last], index.stats, model, relative=1.0)
