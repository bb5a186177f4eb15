"""The overdue list in the read API follows the overdue pages' rules."""

import datetime as dt

import pytest
from django.utils import timezone

from pilotbook.pilots.choices import Status
from tests.overdue.helpers import pilot_due

pytestmark = pytest.mark.django_db


def test_the_api_lists_overdue_pilots_the_person_may_see_with_rates(client, officer, other_officer, home_council):
    today = timezone.localdate()
    public = pilot_due(home_council, officer, today - dt.timedelta(days=10), title="Public late", visibility="public")
    pilot_due(home_council, officer, today - dt.timedelta(days=5), title="Council-only late")
    pilot_due(home_council, officer, today - dt.timedelta(days=3), status=Status.DRAFT, title="Draft late")
    body = client.get("/api/overdue/").json()
    assert [p["title"] for p in body["results"]] == ["Public late"]
    assert body["results"][0]["days_overdue"] == 10 and body["results"][0]["id"] == public.pk
    client.force_login(other_officer)
    titles = {p["title"] for p in client.get("/api/overdue/").json()["results"]}
    assert titles == {"Public late", "Council-only late"}
    rates = client.get("/api/overdue/").json()["reporting_rates"]
    assert rates and rates[0]["council"] == home_council.code and rates[0]["on_time"] == 0


def test_a_withheld_council_name_stays_withheld(client, officer, other_officer, home_council):
    today = timezone.localdate()
    pilot_due(home_council, officer, today - dt.timedelta(days=10), title="Anonymous late",
              visibility="public_anonymous")
    body = client.get("/api/overdue/").json()
    assert body["results"][0]["council"] is None and body["results"][0]["council_withheld"] is True
    assert all(rate["council"] != home_council.code for rate in body["reporting_rates"])
