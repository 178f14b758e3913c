"""The `time_left` filter: how long an author has until a deadline (submission.time_left)."""

from django import template

from proceedings import submission

register = template.Library()


@register.filter
def time_left(deadline):
    return submission.time_left(deadline)
