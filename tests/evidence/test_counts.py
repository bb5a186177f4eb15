"""Counts, paging and exports tell the truth however many match: the database counts every match (not just the
CANDIDATES the core re-ranks), the pages reach each once in order, and the export holds them all."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from pilotbook.evidence import facetcells, search, selectors, views
from pilotbook.evidence.search import Matches
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from .test_search import ARREARS, BIN_TEXTS, CREWS, publish

pytestmark = pytest.mark.django_db

def said(page: str) -> int:
    return int(re.search(r"(\d+) published pilots?", page).group(1))


WORDS = ("one", "two", "three", "four", "five", "six", "seven")


@pytest.fixture
def arrears(home_council, officer):
    """Seven public arrears pilots, one for councils only, one not matching: more than CANDIDATES (set to 3)."""
    shown = [publish(home_council, officer, Status.PUBLISHED, visibility="public",
                     **{**ARREARS, "title": f"{ARREARS['title']} {word}",
                        "problem": ARREARS["problem"] + " arrears" * i})
             for i, word in enumerate(WORDS)]
    private = publish(home_council, officer, Status.PUBLISHED, visibility="councils", **ARREARS)
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    return shown, private


@pytest.fixture
def few_candidates(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def test_every_match_is_counted_and_paged_once_in_order(arrears, few_candidates):
    shown, private = arrears
    matches = Matches("rent arrears", queryset=Pilot.objects.visible_to(AnonymousUser()))
    assert len(matches.head) == 3 and matches.count() == 7
    ids = [hit.pilot_id for start in range(0, 8, 2) for hit, _ in matches[start:start + 2]]
    assert ids == [hit.pilot_id for hit, _ in matches[0:7]] == list(matches.pilot_ids())
    assert sorted(ids) == sorted(p.pk for p in shown) and private.pk not in ids
    assert ids[:3] == [found.pilot_id for _, found in matches.head]  # the core's order first, then the database's
    assert matches[7:9] == [] and Matches("the of", queryset=Pilot.objects.all()).count() == 0


def test_the_page_says_how_many_match_and_its_pages_and_export_reach_them_all(client, arrears, few_candidates):
    shown, private = arrears
    first = client.get(reverse("evidence-search"), {"q": "rent arrears"}).content.decode()
    assert "7 published pilots" in first and "Housing and homelessness</a> (7)" in first  # every match counted
    found = set()
    for number in range(1, 5):
        page = client.get(reverse("evidence-search"), {"q": "rent arrears", "page": number}).content.decode()
        found |= {p.pk for p in shown if f'href="{p.get_absolute_url()}"' in page}
        assert private.get_absolute_url() not in page
    assert found == {p.pk for p in shown}
    rows = list(csv.DictReader(io.StringIO(client.get("/export/evidence.csv", {"q": "rent arrears"})
                                           .content.decode())))
    assert len(rows) == 7 and "Clearer rent arrears letter" not in {row["title"] for row in rows}  # the private one
    housing = client.get(reverse("evidence-search"), {"q": "rent arrears", "service_area": "housing"}).content.decode()
    assert "7 published pilots" in housing


def test_the_unfiltered_page_counts_and_pages_every_released_pilot(client, home_council, officer, arrears):
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **BIN_TEXTS)
    page = client.get(reverse("evidence-search")).content.decode()
    assert "9 published pilots" in page  # seven, the crews and the texts; not the councils-only one
    rows = list(csv.DictReader(io.StringIO(client.get("/export/evidence.csv").content.decode())))
    assert len(rows) == 9
    client.force_login(officer)
    assert "10 published pilots" in client.get(reverse("evidence-search")).content.decode()


def test_kept_counts_follow_every_change_at_once(client, home_council, officer, arrears):
    """Counts are kept between pages, never past a change: publishing, a verdict, an import, an embargo ending."""
    from pilotbook.api.importing import import_records
    from pilotbook.evidence.models import KeptCounts

    assert "8 published pilots" in client.get(reverse("evidence-search")).content.decode()
    assert KeptCounts.objects.exists()
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **BIN_TEXTS)
    assert "9 published pilots" in client.get(reverse("evidence-search")).content.decode()
    worked = client.get(reverse("evidence-search"), {"verdict": "worked"}).content.decode()
    changed = Pilot.objects.filter(visibility="public", result__verdict="worked").first()
    changed.result.verdict = "made_worse"
    changed.result.save()
    after = client.get(reverse("evidence-search"), {"verdict": "worked"}).content.decode()
    assert said(after) == said(worked) - 1
    import_records([("line 1", {"title": "Arrears phone calls", "summary": "Phoned tenants in arrears.",
                                "council_code": home_council.code, "verdict": "worked"})])
    assert "10 published pilots" in client.get(reverse("evidence-search")).content.decode()


def test_facet_counts_leave_out_a_withheld_council_from_those_who_may_not_know_it(client, home_council, officer,
                                                                                     other_officer):
    """The identifying facets (nation, council type, organisation, country) do not count a pilot whose council's
    name is withheld from the reader; the others, and the total, do. Its own council's members count it."""
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    publish(home_council, officer, Status.PUBLISHED, visibility="public_anonymous", **ARREARS)
    nation = f"{home_council.nation}</a> (%d)"
    for reader, known in ((None, 1), (other_officer, 1), (officer, 2)):
        if reader:
            client.force_login(reader)
        page = client.get(reverse("evidence-search")).content.decode()
        assert "2 published pilots" in page and nation % known in page
        assert "Waste and recycling</a> (1)" in page and "Housing and homelessness</a> (1)" in page


def test_the_api_counts_and_pages_every_match_of_a_search(client, arrears, few_candidates):
    shown, private = arrears
    first = client.get("/api/pilots/", {"q": "rent arrears", "page_size": 4}).json()
    second = client.get("/api/pilots/", {"q": "rent arrears", "page_size": 4, "page": 2}).json()
    assert first["count"] == 7 and first["pages"] == 2
    ids = [record["id"] for record in first["results"] + second["results"]]
    assert sorted(ids) == sorted(p.pk for p in shown)
    rows = list(csv.DictReader(io.StringIO(client.get("/export/pilots.csv", {"q": "rent arrears"}).content.decode())))
    assert len(rows) == 7


def test_a_large_export_streams_the_same_file_piece_by_piece(client, arrears, few_candidates, monkeypatch):
    """Over STREAM_OVER matches the CSV and JSON exports stream (the pilots read EXPORT_CHUNK at a time, a few
    records written at a time) and hold the same as the file answered whole."""
    import json

    from pilotbook.api import exports
    from pilotbook.api import views as api_views
    from pilotbook.evidence import selectors

    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    monkeypatch.setattr(exports, "STREAM_ROWS", 3)
    whole = {fmt: client.get(f"/export/evidence.{fmt}", {"q": "rent arrears"}) for fmt in ("csv", "json")}
    monkeypatch.setattr(api_views, "STREAM_OVER", 6)
    streamed = {fmt: client.get(f"/export/evidence.{fmt}", {"q": "rent arrears"}) for fmt in ("csv", "json")}
    assert not whole["csv"].streaming and streamed["csv"].streaming and streamed["json"].streaming
    pieces = list(streamed["csv"].streaming_content)
    assert len(pieces) == 3 and b"".join(pieces) == whole["csv"].content  # 7 rows: 3, 3, then 1
    assert len(list(csv.DictReader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))) == 7
    assert streamed["csv"]["Link"] == whole["csv"]["Link"] and streamed["csv"]["Content-Disposition"]
    document = json.loads(b"".join(streamed["json"].streaming_content))
    expected = json.loads(whole["json"].content)
    document.pop("generated"), expected.pop("generated")
    assert document == expected and document["count"] == len(document["pilots"]) == 7
    unfiltered = client.get("/export/evidence.csv")  # newest first, the ids read 2 at a time as pilots load
    rows = list(csv.DictReader(io.StringIO(b"".join(unfiltered.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 8 and len({row["id"] for row in rows}) == 8
    monkeypatch.setattr(api_views, "STREAM_OVER", 7)  # seven matches: not over it, answered whole
    assert not client.get("/export/evidence.csv", {"q": "rent arrears"}).streaming


def test_json_pieces_are_laid_out_as_the_whole_file():
    from pilotbook.api import exports

    records = [{"a": [1, {"b": "x\ny"}], "c": "é"}, {"d": []}, {}]
    for n in range(4):
        pieces = exports.json_chunks(records[:n], n, "s", "g", "u")
        assert b"".join(pieces) == exports.to_json(records[:n], "s", "g", "u")


def _postgres_match_table_agrees(words: str) -> None:
    """On PostgreSQL the count reads evidence_searchmatch (migration 0010), kept in step with the search documents by
    triggers: it must hold one row per document, matching exactly the documents the weighted vectors match."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tsquery = " | ".join(sorted(search.ranking.query_weights(words)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM evidence_searchmatch), (SELECT count(*) FROM "
                       "evidence_searchdocument), (SELECT array_agg(pilot_id ORDER BY pilot_id) FROM "
                       "evidence_searchmatch WHERE vector @@ to_tsquery('simple', %s)), (SELECT array_agg(pilot_id "
                       "ORDER BY pilot_id) FROM evidence_searchdocument WHERE vector @@ to_tsquery('simple', %s))",
                       [tsquery, tsquery])
        matches, documents, matched, found = cursor.fetchone()
    assert matches == documents and matched == found


def test_the_count_follows_every_change_of_the_index(home_council, officer, arrears, few_candidates):
    """A pilot edited so it no longer matches, one unpublished, a whole reindex: the count is always every match the
    pages and the export reach, on both databases (on PostgreSQL it is counted from a table of its own)."""
    from pilotbook.evidence.index import search_reindex_all

    shown, _private = arrears
    anyone = Pilot.objects.visible_to(AnonymousUser())

    def counted() -> int:
        matches = Matches("rent arrears", queryset=anyone)
        assert matches.count() == len(list(matches.pilot_ids())) == len(matches[0:100])
        _postgres_match_table_agrees("rent arrears")
        return matches.count()

    assert counted() == 7
    edited = shown[0]
    edited.title, edited.problem = "Bulky waste collections", "Residents book collections late."
    edited.save()
    assert counted() == 6
    shown[1].status = Status.STOPPED_EARLY
    shown[1].save()
    assert counted() == 5
    search_reindex_all()
    assert counted() == 5
    edited.title = "Rent arrears in bulky waste"
    edited.save()
    assert counted() == 6


def test_an_import_is_counted_at_once(home_council, arrears, few_candidates):
    """The import writes its search documents in COPY batches on its own cursor; on PostgreSQL the match table is
    filled in the same statements, so the count includes the imported pilots at once."""
    from pilotbook.api.importing import import_records

    anyone = Pilot.objects.visible_to(AnonymousUser())
    assert Matches("rent arrears", queryset=anyone).count() == 7
    import_records([(f"line {n}", {"title": f"Arrears phone calls {n}", "summary": "Phoned tenants in arrears.",
                                   "council_code": home_council.code, "verdict": "worked"}) for n in (1, 2)])
    matches = Matches("rent arrears", queryset=anyone)
    assert matches.count() == 9 == len(list(matches.pilot_ids()))
    _postgres_match_table_agrees("rent arrears")


def test_postgres_candidates_found_by_the_documents_index_are_those_the_match_table_finds(arrears, monkeypatch):
    """On PostgreSQL the candidates are found by the documents' own GIN index (migration 0011) and ranked there: the
    same documents in the same order as found through the match table and fetched by pilot, visible ones only."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the documents' GIN index is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'evidence_searchdocument_vector_gin'")
        assert "USING gin (vector)" in cursor.fetchone()[0]
    shown, private = arrears
    anyone = search._published(Pilot.objects.visible_to(AnonymousUser()))
    # Every match among the best ranked, then (RANKED 4) too few of the best visible: ranked again among them.
    for ranked in (search.RANKED, 4):
        monkeypatch.setattr(search, "RANKED", ranked)
        for words in ("rent arrears", "bin crews", "arrears text"):
            features = sorted(search.ranking.query_weights(words))
            df = search._stats(features).df
            found = [c.pilot_id for c in search._candidates_postgres(features, df, anyone)]
            with monkeypatch.context() as patch:
                patch.setattr(search, "_ranked_documents_postgres", search._matching_documents_postgres)
                assert found == [c.pilot_id for c in search._candidates_postgres(features, df, anyone)]
            assert private.pk not in found
            if words == "rent arrears":
                assert sorted(found) == sorted(p.pk for p in shown)


def test_the_matches_after_a_short_head_are_the_same_whether_counting_handed_over_their_pilots(arrears, monkeypatch):
    """A head shorter than CANDIDATES (here the rarest word's one match) is followed by every other match. On
    PostgreSQL counting them with the facets hands their pilots to Matches (known_count), and the rest are ranked
    among those alone: the same rows in the same order as found again, and none that is not visible. Counts kept
    from before, a page within the head and more matches than IDS_AT_MOST hand over nothing; the rows are the same."""
    shown, _private = arrears
    crews = Pilot.objects.get(title=CREWS["title"])
    monkeypatch.setattr(search, "MATCH_BUDGET", 0)  # the candidates: the rarest word's matches only
    anyone = AnonymousUser()
    again = Matches("rent arrears safeguarding", queryset=Pilot.objects.visible_to(anyone))
    expected = [hit.pilot_id for hit, _ in again[0:9]]
    assert sorted(expected) == sorted([crews.pk, *(p.pk for p in shown)]) and again._ids is None
    assert len(again.head) == (1 if connection.vendor == "postgresql" else 8)  # SQLite: FTS5 finds every match
    postgresql = connection.vendor == "postgresql"
    # (rows shown until, ids handed over at most, counts kept from the time before, whether ids are handed over)
    for until, at_most, kept, handed_over in ((3, 20_000, False, postgresql), (3, 20_000, True, False),
                                              (1, 20_000, False, False), (3, 7, False, False)):
        if not kept:
            selectors.counts_changed()
        monkeypatch.setattr(facetcells, "IDS_AT_MOST", at_most)
        results = selectors.evidence_results(QueryDict("q=rent+arrears+safeguarding"), anyone, until=until)
        matches = results.rows.matches
        assert (matches._ids is not None) == handed_over
        assert results.rows.count() == 8
        assert [row["pilot"].pk for start in range(0, 9, 3) for row in results.rows[start:start + 3]] == expected
        assert list(results.rows.pilot_ids()) == expected
