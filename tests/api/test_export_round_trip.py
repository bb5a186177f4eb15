"""An export imports again with `pilotbook import` as the same records, whatever columns and fields it has.

The comparison is over every column of the CSV export and every value of the JSON export, so a field added to the
record or to the export's columns is covered the day it is added: it must import again, or be named here as one
that by design does not.
"""

import csv
import io
import json

from django.core.management import call_command

from pilotbook.api.exports import columns
from pilotbook.api.importing import IGNORED, UNPUBLISHED_WORK
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from tests.factories import make_pilot

from .helpers import HOSTILE, every_kind, published


def import_file(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def leaves(record: dict, path=()) -> dict[tuple[str, ...], object]:
    """A JSON record's values by their place in it."""
    found = {}
    for key, value in record.items():
        if isinstance(value, dict):
            found |= leaves(value, (*path, key))
        else:
            found[(*path, key)] = value
    return found


def csv_records(content: bytes) -> list[dict[tuple[str, ...], str]]:
    """Each row of a CSV export as its cells by their place in the record (a column computed from several values
    under its own name)."""
    places = {column.name: column.path or (column.name,) for column in columns()}
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return [{places[name]: cell for name, cell in row.items()} for row in rows]


def json_records(content: bytes) -> list[dict[tuple[str, ...], object]]:
    return [leaves(record) for record in json.loads(content)["pilots"]]


def empty(value) -> bool:
    return value in (None, "", False)


def assert_same_records(originals, copies, *, fmt: str):
    """Every copy is its original, except where the import by design does not keep a value."""
    assert len(copies) == len(originals)
    by_origin = {}
    for copy in copies:
        by_origin[copy[("external_id",)]] = copy
    for original in originals:
        origin = original[("external_id",)] or original[("url",)]  # an export's record says where it came from
        copy = by_origin[origin]
        published = original[("status",)] == Status.PUBLISHED
        for place, value in original.items():
            if place[0] in IGNORED or place == ("external_id",):  # history in the source system; checked above
                continue
            if not published and place[0] in UNPUBLISHED_WORK:  # imported as a draft, publishing nothing
                assert empty(copy.get(place)), (place, copy.get(place))
            elif place == ("result", "source"):  # a verdict from elsewhere is shown as its source's, not judged here
                assert copy[place] == ("reported" if original[("result", "verdict")] else value)
            elif place == ("result", "reaches_worthwhile"):  # Pilotbook's judgement, which a reported result lacks
                assert copy[place] is False
            else:
                assert copy.get(place) == value, (fmt, original[("title",)], place, value, copy.get(place))


def a_pilot_of_every_kind(home_council, officer, moderator, tmp_path):
    every_kind(home_council, officer)
    published(home_council, officer, title=HOSTILE, problem="-1+2 people pay late", change="'@quoted already",
              hypothesis="  Two lines:\nfirst\tsecond  ")
    make_pilot(home_council, officer, status=Status.STOPPED_EARLY, visibility="public", title="Stopped early")
    make_pilot(home_council, officer, status=Status.RESULTS_RECORDED, title="Result not yet published")
    case_study = tmp_path / "case-study.json"
    case_study.write_text(json.dumps([{
        "title": "Imported case study", "summary": "Residents were sent a shorter letter.", "council_code": "HOM",
        "verdict": "no_worthwhile_effect",
        "effect": "About the same as before", "lessons": "Ask residents first.", "external_id": "lga-123",
        "source_url": "https://example.org/case-studies/123", "start_date": "2025-04-01", "end_date": "2025-09-30",
    }]))
    import_file(case_study, "--user", moderator.email)


def test_a_csv_export_imports_again_as_the_same_records(tmp_path, client, home_council, officer, moderator):
    a_pilot_of_every_kind(home_council, officer, moderator, tmp_path)
    client.force_login(moderator)
    exported = client.get("/export/pilots.csv").content
    path = tmp_path / "pilots.csv"
    path.write_bytes(exported)
    count = Pilot.objects.count()
    Pilot.objects.all().delete()
    out = import_file(path, "--user", moderator.email)
    assert f"Imported {count} pilot(s)" in out
    assert "Not imported, from pilots not published where they came from" in out
    assert_same_records(csv_records(exported), csv_records(client.get("/export/pilots.csv").content), fmt="csv")


def test_a_json_export_imports_again_as_the_same_records(tmp_path, client, home_council, officer, moderator):
    a_pilot_of_every_kind(home_council, officer, moderator, tmp_path)
    client.force_login(moderator)
    exported = client.get("/export/pilots.json").content
    path = tmp_path / "pilots.json"
    path.write_bytes(exported)
    Pilot.objects.all().delete()
    import_file(path, "--user", moderator.email)
    assert_same_records(json_records(exported), json_records(client.get("/export/pilots.json").content), fmt="json")


def test_importing_the_same_export_again_changes_nothing(tmp_path, client, home_council, officer, moderator):
    pilot = published(home_council, officer)
    path = tmp_path / "pilots.csv"
    path.write_bytes(client.get("/export/pilots.csv").content)
    Pilot.objects.all().delete()
    import_file(path, "--user", moderator.email)
    copy = Pilot.objects.get()
    assert copy.external_id.endswith(f"/pilots/{pilot.pk}/")
    # The copy's external id is the page it came from, so the same export again is the same case study (ADR 0011).
    out = import_file(path, "--user", moderator.email)
    assert "1 unchanged" in out and Pilot.objects.get().pk == copy.pk


def test_an_edited_export_names_a_value_that_is_not_of_its_columns_kind(tmp_path, client, home_council, officer,
                                                                       moderator):
    published(home_council, officer)
    text = client.get("/export/pilots.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    row[header.index("planned_sample")] = "about 400"
    path = tmp_path / "pilots.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([header, row])
    err = io.StringIO()
    try:
        call_command("import", str(path), "--user", moderator.email, stdout=io.StringIO(), stderr=err)
    except Exception as error:  # noqa: BLE001 - CommandError, checked below
        assert "nothing was imported" in str(error)
    assert "line 2 ('Clearer arrears letter'): planned_sample: 'about 400' is not of type" in err.getvalue()
