"""Moments as the HTML `<time datetime>` attribute takes them.

Django's `date:"c"` writes microseconds (2025-05-23T10:00:00.123456+05:00), which the HTML
standard's global date and time string does not allow: `html_datetime` writes the moment in the
current time zone to the second.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value):
    """`value` (an aware datetime) as `2025-05-23T10:00:00+05:00`; "" for anything else."""
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
