from django import template

from roundtable import programme_search

register = template.Library()


@register.filter
def searchable_text(item):
    """What the programme's filter finds `item` by (roundtable/programme_search.py)."""
    return programme_search.searchable_text(item)
