"""PDF typesetting for the whole project: the proceedings book, the printed programme, resolutions.

One entry point, `render_pdf`, renders a Django template (extending `print/base.html`) to HTML and
sets it through WeasyPrint. Documents are laid out in PT Serif (every Kazakh letter in regular,
bold and italic), A4, page numbers in the footer; see `typesetting/static/print/print.css`.

WeasyPrint fetches whatever the HTML names: stylesheets, images, fonts, and `<link rel=attachment>`
files, which it embeds in the PDF. Its default fetcher follows any URL, `file:` included, so text
that reaches a template could embed `/etc/passwd`. `PrintURLFetcher` therefore fetches only
`data:` URLs and the project's own static files (resolved through the staticfiles finders under
one fixed prefix); it refuses everything else without touching the disk or the network.
"""

import functools
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Documents are rendered with this base URL, so `{% static "print/print.css" %}` (a path such as
# /static/print/print.css) becomes an absolute URL under STATIC_PREFIX below. The `.invalid`
# top-level domain never resolves (RFC 2606); the fetcher never goes to the network anyway.
BASE_URL = "https://print.invalid/"


def static_prefix():
    """Where the project's static files appear to the typesetter (STATIC_URL may be absolute)."""
    return urljoin(BASE_URL, settings.STATIC_URL)


class RefusedURL(ValueError):
    """A URL the print fetcher does not fetch. WeasyPrint logs it and goes on without the resource
    (an image or attachment is left out); it does not stop the rendering."""


class PrintURLFetcher(URLFetcher):
    """Fetches `data:` URLs and static files under `static_prefix()`; refuses every other URL."""

    def __init__(self):
        # No redirects, and only `data:` may reach urllib at all (see fetch below).
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        prefix = static_prefix()
        if not url.startswith(prefix):
            raise RefusedURL(f"Not fetched for printing: {url[:200]}")
        path = static_file(unquote(urlsplit(url).path[len(urlsplit(prefix).path) :]))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_file(name):
    """The file behind a static name, found by the staticfiles finders; RefusedURL otherwise."""
    normal = posixpath.normpath(name)
    if not name or normal.startswith(("/", "..")) or "\\" in normal or "\0" in normal:
        raise RefusedURL(f"Not a static file name: {name[:200]}")
    # Outside DEBUG, `{% static %}` names the hashed copy (print.3f2a….css); map it back to the
    # source name the finders know.
    originals = getattr(staticfiles_storage, "hashed_files", None) or {}
    for original, hashed in originals.items():
        if hashed == normal:
            normal = original
            break
    found = finders.find(normal)
    if not found:
        raise RefusedURL(f"No such static file: {name[:200]}")
    return Path(found)


def render_pdf(template_name, context, *, lang, title, authors=(), keywords=()):
    """Render `template_name` with `context` and typeset it; returns the PDF as bytes.

    `lang` is the document language (a code from settings.LANGUAGES): the template is rendered
    with it active, the root element gets `lang` (hyphenation, and the PDF's /Lang), and it is
    stored in the PDF metadata with the title, authors and keywords. The template also receives
    `lang` and `title` (for `<html lang>` and `<title>` in print/base.html).
    """
    with translation.override(lang):
        html = render_to_string(template_name, {**context, "lang": lang, "title": title})
    document = lay_out(html)
    metadata = document.metadata
    metadata.title = title
    metadata.authors = list(authors)
    metadata.keywords = list(keywords)
    metadata.lang = lang
    return document.write_pdf()


def lay_out(html, *, stylesheets=()):
    """`html` laid out in pages by WeasyPrint, through the print fetcher (a Document).

    The proceedings book calls it in worker processes, on HTML its parent rendered. Documents
    typeset by the hundred (certificates) pass their `stylesheets` parsed once (`stylesheet`)
    rather than linking them, and share one font configuration.
    """
    # Presentational hints: the width and height that converted papers keep on their images.
    return HTML(string=html, base_url=BASE_URL, url_fetcher=PrintURLFetcher()).render(
        presentational_hints=True,
        stylesheets=list(stylesheets),
        font_config=shared_fonts() if stylesheets else None,
    )


@functools.cache
def shared_fonts():
    """One font configuration for this process's documents (`lay_out` with stylesheets)."""
    return FontConfiguration()


@functools.cache
def stylesheet(name):
    """The static stylesheet `name` (print/certificate.css), parsed once in this process."""
    return CSS(
        url=static_prefix() + name, url_fetcher=PrintURLFetcher(), font_config=shared_fonts()
    )
