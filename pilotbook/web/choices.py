"""A model's get_FOO_display() without rebuilding every choice's label on each call (issue 19).

Django's own (Model._get_FIELD_display) builds a dict of all the field's choices on every call, hashing each
translated label (a lazy string: one gettext each). A list of 224 pilots showing three labels each spent most of
the dashboard's time there (ADR 0020). ChoiceLabels, placed before models.Model in a model's bases, reads the
label from a dict built once per field instead; the label is still the lazy string, so it is translated into the
language active when it is shown.
"""

from __future__ import annotations

import functools

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels:
    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name, which get_FOO_display() calls
        value = getattr(self, field.attname)
        return force_str(labels(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def labels(field) -> dict:
    """The field's choices, value -> label (lazy), built once per field and process."""
    return {make_hashable(value): label for value, label in field.flatchoices}
