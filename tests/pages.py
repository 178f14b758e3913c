"""Reading pages in tests as a visitor would: by URL name in a language; forms and messages."""

import datetime
import re

from django.contrib.messages import get_messages
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import translation

# The HTML standard's valid global date and time string, as <time datetime> takes it.
GLOBAL_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


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


def shown(response):
    """The messages the response queued, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def posted_values(forms):
    """What a browser sends back for `forms` left unchanged."""
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            widget = bound.field.widget
            if isinstance(widget, MultiWidget):  # one input per subwidget
                parts = value if isinstance(value, list | tuple) else widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    data[bound.html_name + suffix] = str(part or "")
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date | datetime.time):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = "on" if value is True else str(value)
    return data


def admin_form_data(response):
    """The POST data a browser would send back for the admin page in `response`, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    return posted_values(forms)
