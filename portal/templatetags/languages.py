from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from modeltranslation.utils import resolution_order

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language, for the switcher and the `hreflang` alternates: `url` is the
    path, `address` the absolute address under SITE_URL (never the host the request named)."""
    request = context["request"]
    current = get_language()
    versions = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.get_full_path(), code)
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "address": settings.SITE_URL + url,
                "current": code == current,
                "default": code == settings.LANGUAGE_CODE,  # also the `x-default` alternate
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def site_address(context, path=None):
    """`path` (by default the page's own) as an absolute address under SITE_URL."""
    return settings.SITE_URL + (path if path is not None else context["request"].get_full_path())


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
