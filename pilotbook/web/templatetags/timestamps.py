"""`<time datetime>` values HTML accepts.

`{{ value|date:'c' }}` writes ISO 8601 with microseconds (2026-11-22T10:11:12.123456+00:00), which is not a valid
global date and time string in HTML (it allows at most three digits of fractions), so validators and tools that
read `datetime` reject it. `{{ value|html_datetime }}` writes the moment to the second with its offset, in the
site's time zone (2026-11-22T10:11:12+00:00), and a date as a date (2026-11-22).
"""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
