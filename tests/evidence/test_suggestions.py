"""'Before you start' on real case studies through the database: the app suggests what the bench measures, and
the page, the registration check, the pilot page and `pilotbook similar` agree."""

import io
import json
import re
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotbook.evidence.search import similar_pilots
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from tests.factories import make_pilot

from .collection import bench_module, load_starter

pytestmark = pytest.mark.django_db

# Dev ideas from bench/relevance/ideas.jsonl, by id: four with same-idea records, one with none.
IDEAS = ("i004", "i018", "i020", "i035", "i061", "i006")
OTHERS = ("r1-havering-two-bag-challenge", "r1-kent-domestic-abuse-support-uptake", "r1-warwickshire-dsl-mash-calls",
          "r1-halton-library-fines-trial", "r1-trafford-library-fines-abolished", "r1-craven-cctv-switch-off")
SUGGESTION = re.compile(r'data-testid="suggestion" data-pilot="(\d+)" data-closeness="(\w+)" data-score="([\d.]+)"')


@pytest.fixture(scope="module")
def bench():
    return bench_module()


@pytest.fixture(scope="module")
def ideas(bench):
    return {i["id"]: i for i in bench.load_ideas() if i["id"] in IDEAS}


@pytest.fixture
def starter(bench, ideas):
    records = {r["external_id"] for r in bench.load_records()}
    keys = sorted({key for i in ideas.values() for key in i["judgments"]} | (set(OTHERS) & records))
    return load_starter(bench, keys)


def shown_on(page: str) -> list[tuple[int, str, float]]:
    return [(int(pk), label, float(score)) for pk, label, score in SUGGESTION.findall(page)]


def similar_json(text: str, *args) -> list[tuple[int, str, float]]:
    out = io.StringIO()
    call_command("similar", text, "--json", *args, stdout=out)
    return [(r["id"], r["closeness_label"], r["closeness_score"]) for r in json.loads(out.getvalue())["results"]]


def test_the_app_suggests_exactly_what_the_bench_measures_on_real_case_studies(bench, ideas, starter):
    memory = bench.MemoryIndex({key: bench.record_fields(record, bench.council_names())
                                for key, record in ((r["external_id"], r) for r in bench.load_records())
                                if key in starter})
    for idea in ideas.values():
        expected = [(starter[key], round(c, 4), label) for key, c, label in memory.similar(idea["text"])]
        got = [(h.pilot_id, h.closeness, h.label) for h in similar_pilots(idea["text"])]
        assert got == expected, idea["id"]
        same = {starter[key] for key, grade in idea["judgments"].items() if grade == 2}
        assert bool(same) == any(pk in same for pk, _, _ in got[:3]), idea["id"]


def test_without_highlights_similar_pilots_gives_the_same_hits_and_reads_no_pilots(ideas, starter):
    """The suggestions show no snippets, so they ask for none: the same pilots, scores, closeness and labels."""
    for idea in ideas.values():
        with CaptureQueriesContext(connection) as highlighted:
            full = similar_pilots(idea["text"])
        with CaptureQueriesContext(connection) as bare:
            plain = similar_pilots(idea["text"], highlights=False)
        assert plain == [replace(hit, highlights={}) for hit in full], idea["id"]
        assert all(hit.highlights["title"] for hit in full)
        loads = [[q for q in queries.captured_queries if q["sql"].startswith('SELECT "pilots_pilot".')]
                 for queries in (highlighted, bare)]
        assert bool(loads[0]) == bool(full) and not loads[1]
        assert len(bare) == len(highlighted) - (2 if full else 0)  # the pilots and their joint councils


def test_the_page_and_pilotbook_similar_list_the_same_pilots_labels_and_scores(client, ideas, starter, officer):
    for viewer in (None, officer):
        if viewer:
            client.force_login(viewer)
        for idea in ideas.values():
            page = client.get(reverse("before-you-start"), {"idea": idea["text"]}).content.decode()
            command = similar_json(idea["text"], *(["--user", viewer.email] if viewer else []))
            assert shown_on(page) == [(pk, label, round(score, 4)) for pk, label, score in command], idea["id"]
            assert bool(command) == ('data-testid="no-suggestions"' not in page)
    page = client.get(reverse("before-you-start"), {"idea": ideas["i020"]["text"]}).content.decode()
    glasgow = Pilot.objects.get(pk=starter["r1-glasgow-pregnancy-smoking-voucher-incentives-rct"])
    assert glasgow.title in page and "The same idea" in page and glasgow.result.get_verdict_display() in page


def test_an_idea_with_nothing_related_says_so_and_lists_nothing(client, ideas, starter):
    page = client.get(reverse("before-you-start"), {"idea": ideas["i006"]["text"]}).content.decode()
    assert shown_on(page) == [] and "not even a related one" in page
    assert similar_json(ideas["i006"]["text"]) == []


def test_the_registration_check_lists_the_same_suggestions(client, ideas, starter, home_council, officer):
    client.force_login(officer)
    idea = ideas["i020"]["text"]
    page = client.post(reverse("pilot-create"), {"title": "Smoking in pregnancy", "problem": "", "change": idea,
                                                 "check": "1"}).content.decode()
    assert 'data-testid="before-you-start"' in page
    assert shown_on(page) == [(pk, label, round(score, 4)) for pk, label, score in
                              similar_json(f"Smoking in pregnancy {idea}", "--user", officer.email)]
    assert shown_on(page)[0][:2] == (starter["r1-glasgow-pregnancy-smoking-voucher-incentives-rct"], "same")


def test_the_pilot_page_shows_similar_pilots_at_other_councils(client, ideas, starter, home_council, officer):
    record = "r1-glasgow-pregnancy-smoking-voucher-incentives-rct"
    ours = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public",
                      title="Vouchers for pregnant smokers who quit",
                      problem="Too many women smoke in pregnancy.",
                      change="Shopping vouchers for pregnant smokers who quit, confirmed by a carbon monoxide test.")
    mine_too = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public",
                          title="Shopping vouchers to help pregnant women stop smoking",
                          problem="Too many women smoke in pregnancy.",
                          change="Vouchers for pregnant women who stop smoking, confirmed by a carbon monoxide test.")
    page = client.get(ours.get_absolute_url()).content.decode()
    section = page[page.index('id="similar"'):]
    listed = shown_on(section)
    assert listed[0][:2] == (starter[record], "same")
    assert ours.pk not in [pk for pk, _, _ in listed] and mine_too.pk not in [pk for pk, _, _ in listed]


def test_a_pilot_with_its_council_withheld_leaves_out_only_itself(client, ideas, starter, home_council, officer):
    withheld = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public_anonymous",
                          title="Vouchers for pregnant smokers who quit",
                          problem="Too many women smoke in pregnancy.",
                          change="Shopping vouchers for pregnant smokers who quit, confirmed by a carbon monoxide "
                                 "test.")
    same_council = make_pilot(home_council, officer, Status.PUBLISHED, visibility="public",
                              title="Shopping vouchers to help pregnant women stop smoking",
                              problem="Too many women smoke in pregnancy.",
                              change="Vouchers for pregnant women who stop smoking, confirmed by a test.")
    listed = [pk for pk, _, _ in shown_on(client.get(withheld.get_absolute_url()).content.decode())]
    assert same_council.pk in listed and withheld.pk not in listed  # leaving it out would name the council
    client.force_login(officer)  # who may know the council: its own pilots are not "elsewhere"
    listed = [pk for pk, _, _ in shown_on(client.get(withheld.get_absolute_url()).content.decode())]
    assert same_council.pk not in listed and withheld.pk not in listed
