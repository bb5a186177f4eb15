"""The interfaces the lower layers own (ADR 0017): a slot in pilotbook.pilots.extensions is filled by the app above
it in its AppConfig.ready(), and the pages that combine domains are answered by pilotbook.site."""

import pytest
from django.urls import resolve

from pilotbook.evidence.suggestions import suggestions_for_idea
from pilotbook.pilots.extensions import Slot, similar_pilots


def test_evidence_provides_the_pilot_pages_similar_pilots():
    assert similar_pilots._provided is suggestions_for_idea


def test_a_slot_nobody_provides_answers_with_its_missing_function():
    slot = Slot("something", lambda text, **kwargs: ([], 0))
    assert slot("an idea", viewer=None) == ([], 0)
    slot.provide(lambda text, **kwargs: ([text], 1))
    assert slot("an idea", viewer=None) == (["an idea"], 1)


def test_two_apps_cannot_provide_the_same_slot():
    slot = Slot("similar pilots elsewhere", lambda *args, **kwargs: None)
    slot.provide(suggestions_for_idea)
    slot.provide(suggestions_for_idea)  # the same function again (ready() run twice) is harmless
    with pytest.raises(RuntimeError, match="Two apps provide similar pilots elsewhere"):
        slot.provide(lambda *args, **kwargs: None)


@pytest.mark.parametrize(("path", "name", "module"), [
    ("/", "home", "pilotbook.site.pages"),
    ("/councils/", "council-list", "pilotbook.site.councils"),
    ("/councils/ABC/", "council-detail", "pilotbook.site.councils"),
    ("/dashboard/", "dashboard", "pilotbook.site.dashboard"),
    ("/pilots/new/", "pilot-create", "pilotbook.site.registration"),
    ("/councils/ABC/team/", "council-team", "pilotbook.councils.views"),
])
def test_pages_keep_their_addresses_and_names(path, name, module):
    match = resolve(path)
    assert (match.url_name, match.func.__module__) == (name, module)
