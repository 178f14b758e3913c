from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from modeltranslation.utils import resolution_order

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language, for the switcher and the `hreflang` alternates."""
    request = context["request"]
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.filter
def written_in(obj, field):
    """The language of the text shown for a translated field: the active one or its fallback.

    Lets templates mark Russian text shown on an English page with `lang="ru"`, so screen
    readers and hyphenation treat it right.
    """
    for code in resolution_order(get_language()):
        if getattr(obj, f"{field}_{code}", ""):
            return code
    return get_language()
