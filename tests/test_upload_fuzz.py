"""Fuzzing every outcome-data upload route (issue 15): the web upload and the pages after it, and `pilotbook analyse`.

Property: whatever the file, the answer is a page with a message or the next step (never a 500), the command exits
0 or 2 with one line (never a traceback), and a refused file leaves no row behind. The hostile files of
tests/hostile_files.py are the seeds; hypothesis also cuts and splices them, and writes CSV text of its own.
"""

import contextlib
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pilotbook.cli import analysis as analysis_cli
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Analysis, PendingUpload

from .factories import make_pilot
from .hostile_files import SEEDS

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

cells = st.one_of(st.sampled_from(["old", "new", "1", "0", "yes", "", " ", '"', ",", "1e308", "nan", "-", "é"]),
                  st.text(max_size=12))
csv_text = st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=12).map(
    lambda rows: ("group,paid\n" + "\n".join(",".join(row) for row in rows) + "\n").encode("utf-8", "surrogatepass"))


@st.composite
def mangled_seeds(draw):
    """A seed cut short, with bytes overwritten, or with a slice of another seed spliced in."""
    name, content = draw(st.sampled_from(sorted(SEEDS.values(), key=lambda seed: len(seed[1]))[:-3]))
    content = bytearray(content)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cut", "overwrite", "splice"]))
        at = draw(st.integers(0, max(len(content) - 1, 0)))
        if action == "cut":
            del content[at:]
        elif action == "overwrite":
            content[at:at + 4] = draw(st.binary(min_size=1, max_size=4))
        else:
            other = draw(st.sampled_from(list(SEEDS.values())))[1]
            content[at:at] = other[: draw(st.integers(0, 200))]
    return name, bytes(content)


files = st.one_of(
    st.sampled_from(list(SEEDS.values())),
    mangled_seeds(),
    st.tuples(st.sampled_from(["data.csv", "data.xlsx"]), st.binary(max_size=300)),
    st.tuples(st.just("data.csv"), csv_text),
)


def seeded(test):
    for name in SEEDS:
        test = example(file=SEEDS[name])(test)
    return test


@pytest.fixture
def running_pilot(home_council, officer):
    return make_pilot(home_council, officer, status=Status.RUNNING, outcome_name="Paid on time",
                      outcome_unit="percentage points", outcome_kind="binary", better_direction="higher",
                      worthwhile_effect=Decimal("5"))


def walk(client: Client, pilot, filename: str, content: bytes) -> None:
    """Upload, map the first two columns, view the comparison page twice and analyse with the first group."""
    upload_url = reverse("measure-upload", args=[pilot.pk])
    response = client.post(upload_url, {"file": SimpleUploadedFile(filename, content)})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        page = response.content.decode()
        assert "govuk-error-message" in page and "Traceback" not in page
        assert not PendingUpload.objects.exists()  # a refused file is not kept
        return
    upload = PendingUpload.objects.get()
    assert len(upload.columns) <= 1_000 and upload.row_count >= 1
    columns_url = response.url
    assert client.get(columns_url).status_code == 200
    columns = upload.columns + upload.columns[:1]
    response = client.post(columns_url, {"arm": columns[0], "outcome": columns[1]})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        return  # for example the same column twice: the form says so
    control_url = response.url
    page = client.get(control_url)
    assert page.status_code == 200 and client.get(control_url).status_code == 200
    groups = upload.facts.get(columns[0], {}).get("groups") or [["none", 0]]
    response = client.post(control_url, {"control": groups[0][0]})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not Analysis.objects.exists()  # a problem leaves nothing half-written
        assert PendingUpload.objects.filter(pk=upload.pk).exists()
    else:
        assert Analysis.objects.count() == 1 and not PendingUpload.objects.exists()


@seeded
@FUZZ
@given(file=files)
def test_no_upload_gives_a_server_error_or_leaves_a_row_behind(client, officer, running_pilot, file):
    filename, content = file
    client.force_login(officer)
    with transaction.atomic():  # each example starts from the same empty tables
        walk(client, running_pilot, filename, content)
        transaction.set_rollback(True)


def analyse(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = analysis_cli.main([str(path), "--arm", "group", "--outcome", "paid", "--control", "old"])
    return code, out.getvalue(), err.getvalue()


@seeded
@FUZZ
@given(file=files)
def test_pilotbook_analyse_answers_any_file_with_a_result_or_one_line(file):
    filename, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        code, out, err = analyse(path)
    assert code in (0, 2)
    if code == 2:
        assert err.startswith("pilotbook analyse: ") and err.count("\n") == 1 and "Traceback" not in err
        assert not out
    else:
        assert "Verdict" in out or "Difference" in out


def test_the_hostile_seeds_each_get_their_own_message_on_the_upload_page(client, officer, running_pilot):
    client.force_login(officer)
    expected = {
        "zip bomb": "The workbook expands to 40 MB when opened, more than the 32 MB Pilotbook reads",
        "billion laughs": "document type declaration",
        "external entity": "document type declaration",
        "xlsx renamed csv": "but its name ends .csv",
        "csv renamed xlsx": "is named .xlsx but holds text",
        "nul byte": "contains a NUL character",
        "latin-1": "is not UTF-8 text",
        "ragged rows": "Row 2 has 3 cells but the header row has 2",
        "wide csv": "The file has 1,200 columns, more than the 1,000 Pilotbook reads",
        "damaged shared string": "refers to text that is not in the file",
    }
    for name, message in expected.items():
        filename, content = SEEDS[name]
        response = client.post(reverse("measure-upload", args=[running_pilot.pk]),
                               {"file": SimpleUploadedFile(filename, content)})
        assert response.status_code == 200, name
        assert message in response.content.decode().replace("&#x27;", "'"), name
    assert not PendingUpload.objects.exists()
