"""Reading public pages in tests as a visitor would: by URL name in a language."""

import re

from django.urls import reverse
from django.utils import translation


def page(client, language, name, **kwargs):
    """The HTML of the page `name` in `language`, asserting that it answers 200."""
    with translation.override(language):
        url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def text_of(html):
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def change_url(obj):
    """The admin change page of `obj`."""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
