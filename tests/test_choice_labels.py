"""get_FOO_display() of Pilot and Result (pilotbook.web.choices.ChoiceLabels) gives what Django's own gives: each
choice's label in the active language, and a value that is not a choice as it is."""

from __future__ import annotations

from django.db import models
from django.utils import translation

from pilotbook.pilots.models import Pilot, Result
from pilotbook.web.choices import labels


def django_display(instance, field) -> object:
    return models.Model._get_FIELD_display(instance, field)  # Django's own, which ChoiceLabels replaces


def test_every_choice_label_is_what_django_gives_in_each_language():
    checked = 0
    for model in (Pilot, Result):
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            for value, label in field.flatchoices:
                # The label kept is the field's own (lazy) one, translated when shown, never a string made in the
                # language that happened to be active when the dict was built.
                assert labels(field)[value] is label
                instance = model(**{field.attname: value})
                for language in ("en", "cy"):
                    with translation.override(language):
                        shown = getattr(instance, f"get_{field.name}_display")()
                        assert shown == django_display(instance, field), (model, field.name, value, language)
                        assert isinstance(shown, str)
                checked += 1
            instance = model(**{field.attname: "not-a-choice"})
            assert getattr(instance, f"get_{field.name}_display")() == "not-a-choice"
    assert checked > 30  # status, visibility, verdict, service area... all of them
