"""Facets counted by cell (pilotbook.evidence.facetcells, PostgreSQL) give the same counts as counting each facet
from the pilots themselves, for every kind of reader and filter, and follow every change: a verdict, a council's
nation, a joint council, a pilot without a cell yet."""

import functools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from pilotbook.evidence import facetcells, selectors
from pilotbook.evidence.models import FacetCell, SearchDocument
from pilotbook.evidence.search import Matches
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from .test_search import ARREARS, BIN_TEXTS, CREWS, publish

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="facet cells are PostgreSQL's")]
assert connection  # used by the skip condition above


def _sorted(facets):
    return {name: sorted(pairs, key=repr) for name, pairs in facets.items()}


def _agree(user, filters=None):
    queryset = selectors._apply(selectors.released(user), filters or {}, user)
    by_cell = selectors._facet_counts_by_cell(queryset, user)
    assert by_cell is not None, "every released pilot has a cell"
    each = selectors._facet_counts_each(queryset, user)
    assert by_cell[0] == each[0]
    assert _sorted(by_cell[1]) == _sorted(each[1])
    return by_cell


@pytest.fixture
def varied(home_council, other_council, officer, other_officer):
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    withheld = publish(home_council, officer, Status.PUBLISHED, visibility="public_anonymous", **ARREARS)
    publish(other_council, other_officer, Status.PUBLISHED, visibility="public", **BIN_TEXTS)
    publish(other_council, other_officer, Status.PUBLISHED, visibility="councils", **ARREARS)
    publish(home_council, officer, Status.DRAFT, visibility="public", **CREWS)  # never counted
    joint = publish(other_council, other_officer, Status.PUBLISHED, visibility="public", **CREWS)
    joint.joint_councils.add(home_council)
    return withheld


@pytest.mark.parametrize("filters", [None, {"service_area": "housing"}, {"verdict": "worked"}])
def test_counting_by_cell_agrees_with_counting_each_facet(varied, filters, officer, other_officer, moderator):
    for user in (AnonymousUser(), officer, other_officer, moderator):
        _agree(user, filters)


def test_cells_follow_a_verdict_a_council_and_a_pilot_without_one(varied, home_council, officer):
    anyone = AnonymousUser()
    changed = Pilot.objects.filter(visibility="public", council=home_council, status=Status.PUBLISHED).first()
    changed.result.verdict = "made_worse"
    changed.result.save()
    _, facets = _agree(anyone)
    assert "made_worse" in dict(facets["verdict"])
    home_council.nation = "Wales" if home_council.nation != "Wales" else "Scotland"
    home_council.save()
    _, facets = _agree(officer)
    assert home_council.nation in dict(facets["nation"])
    Pilot.objects.filter(pk=changed.pk).update(facet_cell=None)  # written without the services: no cell
    queryset = selectors.released(anyone)
    assert selectors._facet_counts_by_cell(queryset, anyone) is None
    total, facets = selectors._facet_counts_grouped(queryset, anyone)  # counted from the pilots instead
    assert (total, _sorted(facets)) == (lambda each: (each[0], _sorted(each[1])))(
        selectors._facet_counts_each(queryset, anyone))
    assert FacetCell.objects.exists()



def test_the_demo_backdating_a_pilot_keeps_its_cell(varied, moderator):
    """load_demo moves publication dates with update() (no save): the year published is a facet value."""
    import datetime as dt

    from pilotbook.demo.management.commands.load_demo import _backdate

    pilot = Pilot.objects.filter(status=Status.PUBLISHED, visibility="public").first()
    _backdate(pilot.pk, dt.date(2019, 3, 1), dt.date(2019, 6, 1))
    for user in (AnonymousUser(), moderator):
        _, facets = _agree(user)
        assert dict(facets["year"])[2019] == 1


def test_pilots_imported_in_batches_get_their_cells_and_an_update_moves_its_pilot(home_council, other_council,
                                                                                 moderator, officer):
    from pilotbook.api.importing import import_records
    from tests.api.test_import_batches import case_study

    records = [case_study(n, council="HOM" if n % 2 else other_council.code,
                          verdict="worked" if n % 3 else "no_worthwhile_effect") for n in range(1, 8)]
    by_an_organisation = {key: value for key, value in case_study(8)[1].items() if key != "council_code"}
    records.append(("line 8", {**by_an_organisation, "organisation": "Keep Wales Tidy", "country": "GB"}))
    import_records(records, batch_size=2, user=moderator)
    assert not Pilot.objects.filter(status=Status.PUBLISHED, facet_cell__isnull=True).exists()
    assert facetcells.refresh() == 0, "the cells given in Python are those PostgreSQL's KEY gives"
    _agree(AnonymousUser())
    import_records([case_study(1, verdict="made_worse")], batch_size=2, user=moderator)
    total, facets = _agree(officer)
    assert dict(facets["verdict"])["made_worse"] == 1


def _copies_agree() -> None:
    """Every row of the match table carries its pilot's columns as they are now (migration 0012's triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE (m.status, m.visibility, m.council_id, m.published_at, "
                       "m.facet_cell) IS DISTINCT FROM (p.status, p.visibility, p.council_id, p.published_at, "
                       "p.facet_cell)) FROM evidence_searchmatch m JOIN pilots_pilot p ON p.id = m.pilot_id")
        rows, differing = cursor.fetchone()
    assert rows == SearchDocument.objects.count() and differing == 0


WORDS = " ".join((ARREARS["title"], CREWS["title"], BIN_TEXTS["title"]))


def _rows_agree(user, filters: dict[str, str]) -> None:
    """Counting a search from the match table's rows (selectors.match_rows) finds the pilots, the total and the facet
    counts that counting from the pilots finds, and ranks the same candidates among them."""
    queryset = selectors._apply(selectors.released(user), filters, user)
    rows_of = functools.partial(selectors.match_rows, user=user, filters=filters)
    matches = Matches(WORDS, queryset=queryset, narrowed=True, rows_of=rows_of)
    pilots = set(matches.queryset.values_list("pk", flat=True))
    assert set(matches.match_rows().values_list("pk", flat=True)) == pilots, (user, filters)
    by_pilots = selectors._facet_counts_by_cell(matches.queryset, user)
    by_rows = selectors._facet_counts_by_cell(matches.queryset, user, rows=matches.match_rows())
    assert (by_rows is None) == (by_pilots is None)
    if by_rows is not None:
        assert by_rows[0] == by_pilots[0] == len(pilots) and _sorted(by_rows[1]) == _sorted(by_pilots[1])
    again = Matches(WORDS, queryset=queryset, narrowed=True)
    assert [found.pilot_id for _, found in matches.head] == [found.pilot_id for _, found in again.head]


def _every_filter(moderator) -> list[dict[str, str]]:
    """One filter for each value of each facet the released pilots have, and two facets together."""
    _total, facets = selectors._facet_counts_each(selectors.released(moderator), moderator)
    single = [{name: str(value)} for name, pairs in facets.items() for value, _n in pairs]
    return [{}, *single, {"nation": facets["nation"][0][0], "verdict": str(facets["verdict"][0][0])}]


def test_the_match_table_counts_what_the_pilots_count_for_every_reader_and_filter(varied, home_council, other_council,
                                                                                 officer, other_officer, moderator):
    """The access rules and every facet filter, applied to the match table's copies of the pilots' columns and their
    facet cells, leave the same pilots as applied to the pilots: for each kind of reader (a withheld council's own
    officer, another council's, a moderator, anyone), a case study two councils ran, a pilot under embargo, and a
    pilot without a cell (counted from the pilots then)."""
    import datetime as dt

    from django.utils import timezone

    # The councils apart in nation and type, so the joint case study counts under both.
    home_council.nation, home_council.authority_type_name = "Wales", "Unitary authority"
    home_council.save()
    other_council.nation, other_council.authority_type_name = "Scotland", "Council area"
    other_council.save()
    embargoed = Pilot.objects.filter(status=Status.PUBLISHED, visibility="public").last()
    Pilot.objects.filter(pk=embargoed.pk).update(published_at=timezone.now() + dt.timedelta(days=3))
    _copies_agree()
    filters = _every_filter(moderator)
    assert len(filters) > 10 and any("nation" in f for f in filters)
    for user in (AnonymousUser(), officer, other_officer, moderator):
        for chosen in filters:
            _rows_agree(user, chosen)
    Pilot.objects.filter(pk=varied.pk).update(facet_cell=None)  # written without the services: no cell
    _copies_agree()
    for user in (AnonymousUser(), officer, moderator):
        for chosen in filters:
            _rows_agree(user, chosen)


def test_the_match_tables_copies_follow_every_change_of_a_pilot(varied, home_council, other_council, officer):
    """Saved through the services, updated in bulk, unpublished, re-indexed: each match row carries its pilot's
    status, visibility, council, release date and facet cell, in the same statement."""
    from pilotbook.evidence.index import search_reindex_all

    _copies_agree()
    pilot = Pilot.objects.filter(status=Status.PUBLISHED, visibility="public", council=home_council).first()
    pilot.visibility = "public_anonymous"
    pilot.save()
    _copies_agree()
    Pilot.objects.filter(pk=pilot.pk).update(council=other_council)
    _copies_agree()
    pilot.refresh_from_db()
    pilot.status = Status.STOPPED_EARLY
    pilot.save()
    _copies_agree()
    Pilot.objects.filter(status=Status.PUBLISHED).update(facet_cell=None)
    _copies_agree()
    search_reindex_all()
    _copies_agree()
    assert not Pilot.objects.filter(status=Status.PUBLISHED, facet_cell__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_pilot_changed_while_a_reindex_rewrites_its_document_keeps_its_match_row_right(home_council, officer):
    """A full reindex deletes every document (and so its match row) and writes it again in one transaction; a pilot
    made councils-only meanwhile waits for it, then must update the match row the reindex wrote, not find the old one
    gone and leave the copy saying "public" (which let signed-out searches count a pilot they may not see)."""
    import threading
    import time

    import psycopg

    pilot = publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    settings = connection.settings_dict
    dsn = f"host={settings['HOST']} port={settings['PORT']} dbname={settings['NAME']} user={settings['USER']}"
    with psycopg.connect(dsn) as reindex, psycopg.connect(dsn) as writer:
        reindex.execute("CREATE TEMP TABLE kept AS SELECT * FROM evidence_searchdocument WHERE pilot_id = %s",
                        [pilot.pk])
        reindex.execute("DELETE FROM evidence_searchdocument WHERE pilot_id = %s", [pilot.pk])  # as the reindex
        done = []

        def change() -> None:
            writer.execute("UPDATE pilots_pilot SET visibility = 'councils' WHERE id = %s", [pilot.pk])
            writer.commit()
            done.append(True)

        thread = threading.Thread(target=change)
        thread.start()
        time.sleep(0.5)
        assert not done, "the change waits for the reindex's match row"
        reindex.execute("INSERT INTO evidence_searchdocument SELECT * FROM kept")  # written again, as it was read
        reindex.commit()
        thread.join(10)
    assert done
    _copies_agree()
    anyone = AnonymousUser()
    results = selectors.evidence_results({"q": CREWS["title"]}, anyone)
    assert results.rows.count() == 0 and results.rows[0:20] == []
