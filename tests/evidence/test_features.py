"""The quicker ways indexing finds a document's features give what the plain ones give: a thesaurus's concepts
(Thesaurus.concepts) are those of its phrase matches, in order, and an import's documents (NewDocuments) have the
features ranking.document_features gives, with the texts many share worked out once."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pilotbook.evidence import ranking
from pilotbook.evidence.index import NewDocuments

THESAURUS = ranking.default_thesaurus()
PHRASE_STEMS = sorted({stem for phrase in THESAURUS.phrases for stem in phrase})
BENCH = Path(__file__).resolve().parents[2] / "bench" / "relevance" / "pilots.jsonl"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_STEMS) | st.sampled_from(["bin", "council", "the", "x"]), max_size=30))
def test_the_concepts_are_those_of_the_phrase_matches_in_order(stems):
    assert THESAURUS.concepts(stems) == [match.concept for match in THESAURUS.matches(stems)]


def test_the_concepts_of_real_descriptions_are_those_of_the_phrase_matches():
    texts = [text for line in BENCH.read_text().splitlines() if line
             for text in json.loads(line).values() if isinstance(text, str)]
    found = 0
    for text in texts:
        stems = ranking.stems(text)
        concepts = THESAURUS.concepts(stems)
        assert concepts == [match.concept for match in THESAURUS.matches(stems)]
        found += len(concepts)
    assert found > 100  # the descriptions do use the thesaurus's phrases


def test_documents_have_the_features_document_features_gives_with_shared_texts_worked_out_once():
    documents = NewDocuments.__new__(NewDocuments)  # its features only: no database table
    documents.thesaurus, documents._known = THESAURUS, {}
    fields = [{"title": f"Bin crews {n}", "problem": "Missed bins and fly-tipping", "change": "", "lessons": "",
               "partners": "", "council": council, "facets": facets}
              for n in range(3) for council in ("Leeds City Council", "Leeds and Bradford", "")
              for facets in ("Waste Nudge", "Housing", "")]
    for each in fields:
        assert documents._features(each) == ranking.document_features(each, THESAURUS)
    assert set(documents._known) == {"Leeds City Council", "Leeds and Bradford", "", "Waste Nudge", "Housing"}
