"""`pilotbook import` checks and writes a batch at a time (docs/adr/0018): the problems are the same, word for word
and in the same order, as when every record is checked first, and any problem in any batch writes nothing."""

import pytest

from pilotbook.api.importing import ImportFailed, import_records
from pilotbook.api.importing import writing as importing_writing
from pilotbook.evidence.models import SearchDocument, SearchIndexState, SearchTerm
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result
from tests.factories import make_pilot

from .helpers import published


def case_study(n, council="HOM", **more):
    return (f"line {n}", {"external_id": f"cs-{n}", "title": f"Reminder letters, round {n}",
                          "summary": "Tenants got a letter before the rent was due.", "council_code": council,
                          "verdict": "worked", "effect": {"estimate": 1.5, "ci_low": 0.5, "ci_high": 2.5},
                          "lessons": "Send it a week ahead.", "source_url": f"https://example.org/{n}", **more})


def problems(records, batch_size, **kwargs):
    with pytest.raises(ImportFailed) as failed:
        import_records(records, batch_size=batch_size, **kwargs)
    return failed.value.errors


def nothing_written():
    return (Pilot.objects.count(), Result.objects.count(), SearchDocument.objects.count(),
            SearchTerm.objects.filter(doc_count__gt=0).count()) == (0, 0, 0, 0)


def test_a_repeated_external_id_two_batches_apart_is_named_as_when_checked_at_once(home_council):
    records = [case_study(n) for n in range(1, 6)]
    records.append(("line 6", {**case_study(6)[1], "external_id": "cs-2"}))
    in_batches = problems(records, batch_size=2)
    assert in_batches == ["line 6 ('Reminder letters, round 6'): external_id 'cs-2' is also used by line 2 "
                          "('Reminder letters, round 2')"]
    assert in_batches == problems(records, batch_size=100)
    assert nothing_written()


def test_a_bad_record_in_the_last_batch_writes_nothing_of_the_batches_before(home_council):
    records = [case_study(n) for n in range(1, 8)]
    records.append(case_study(8, council="ZZZ"))
    in_batches = problems(records, batch_size=3)
    assert in_batches == ["line 8 ('Reminder letters, round 8'): council_code: no council with the code 'ZZZ'"]
    assert in_batches == problems(records, batch_size=100)
    assert nothing_written()


def test_problems_of_every_kind_in_several_batches_come_in_the_order_of_checking_first(home_council, moderator):
    make_pilot(home_council, moderator, status=Status.REGISTERED, title="Registered before", external_id="cs-4")
    records = [case_study(n) for n in range(1, 9)]
    records[1] = ("line 2", {**records[1][1], "verdict": "it worked"})
    records[6] = ("line 7", {**records[6][1], "external_id": "cs-1"})
    in_batches = problems(records, batch_size=2, user=moderator)
    assert in_batches == problems(records, batch_size=100, user=moderator)
    assert [problem.split(":")[0] for problem in in_batches] == [
        "line 2 ('Reminder letters, round 2')", "line 7 ('Reminder letters, round 7')",
        "line 4 ('Reminder letters, round 4')"]
    assert Pilot.objects.count() == 1 and not SearchDocument.objects.exclude(pilot__external_id="cs-4").exists()


def test_batches_write_every_record_once_indexed_and_update_one_imported_before(home_council, moderator):
    import_records([case_study(3)], user=moderator)
    old = Pilot.objects.get(external_id="cs-3")
    records = [case_study(n, title=f"Letters, take {n}") for n in range(1, 8)]
    report = import_records(records, batch_size=2, user=moderator)
    assert report.updated == [old.pk] and len(report.published) == 6
    assert Pilot.objects.count() == 7 and Result.objects.count() == 7
    assert Pilot.objects.get(pk=old.pk).title == "Letters, take 3"
    assert SearchDocument.objects.count() == 7 and SearchIndexState.objects.get().doc_count == 7
    assert SearchDocument.objects.filter(pilot__external_id="cs-6").get().title.split()[:2] == ["letter", "take"]


def test_a_database_refusal_in_a_later_batch_rolls_back_every_batch_written(home_council, moderator, monkeypatch):
    published(home_council, moderator, title="Already here", external_id="cs-5")
    monkeypatch.setattr(importing_writing, "_external_ids_in_use", frozenset)  # so cs-5 reaches the database
    with pytest.raises(Exception, match="(?i)unique|external_id") as refused:
        import_records([case_study(n) for n in range(1, 7)], batch_size=2, user=moderator)
    assert not isinstance(refused.value, ImportFailed)
    assert list(Pilot.objects.values_list("external_id", flat=True)) == ["cs-5"]
    assert not SearchDocument.objects.exclude(pilot__external_id="cs-5").exists()



def test_the_writer_thread_indexes_in_the_callers_language(home_council, moderator, monkeypatch):
    from django.utils import translation

    from pilotbook.evidence import index

    languages = []

    def fields_of(pilot):
        languages.append(translation.get_language())  # facets are indexed by their labels, in this language
        return real(pilot)

    real = index.pilot_search_fields
    monkeypatch.setattr(index, "pilot_search_fields", fields_of)
    with translation.override("cy"):
        import_records([case_study(n) for n in range(1, 6)], batch_size=2, user=moderator)
    assert languages == ["cy"] * 5
