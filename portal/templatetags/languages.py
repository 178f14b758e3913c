from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language as written_language
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
                "tag": language_tag(code),
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


@register.simple_tag(name="written_language")
def written_language_tag():
    """The language the page's texts are read in: kk on a page in Kazakh in the Latin alphabet
    (whose printed files are the Kazakh ones), else the page's own."""
    return written_language()


@register.filter
def language_tag(code):
    """A language code as BCP 47 writes it in `lang` and `hreflang`: kk-latn is kk-Latn."""
    language, _, script = code.partition("-")
    return f"{language}-{script.title()}" if len(script) == 4 else code


@register.filter
def written_in(obj, field):
    """The language of the text shown for a translated field: the active one or its fallback.

    Lets templates mark Russian text shown on an English page with `lang="ru"`, so screen
    readers and hyphenation treat it right. A page in Kazakh in the Latin alphabet reads the
    Kazakh texts: they are `kk` here, converted on the way out (portal/kazakh_latin_pages.py).
    """
    language = written_language()
    for code in resolution_order(language):
        if getattr(obj, f"{field}_{code}", ""):
            return code
    return language


# Kazakh and Russian pages print a talk's title in the talk's own language, as the printed
# programme does; English pages are translated whole, so there a text in another language is a
# gap the reader is told of.
LABELLED_PAGES = {"en"}
SHOWN_IN = {"kk": _("in Kazakh"), "ru": _("in Russian"), "en": _("in English")}


@register.filter
def shown_in(obj, field):
    """A small label "(in Russian)" after a text an English page shows in another language."""
    return language_note(written_in(obj, field))


@register.filter
def language_note(code):
    """The label of a text written in `code`, empty when that is the page's language.

    The label is in the page's language (its own `lang`), so it may stand inside the element
    that `written_in` marks as Russian or Kazakh.
    """
    page = get_language()
    if page not in LABELLED_PAGES or code == page or code not in SHOWN_IN:
        return ""
    return format_html(' <small class="shown-in" lang="{}">({})</small>', page, SHOWN_IN[code])
