"""Public pages kept whole in the cache, per language and data version, for anonymous visitors.

At 09:00 on the day hundreds of people open the same programme: rendering it once per data version
(roundtable/versions.py) and language instead of once per visitor is what keeps the server up. An
edit bumps the version, so the next visitor gets a fresh page, on every app server, with no
invalidation. Reading the versions is a cached page's only query, and even that one each process
makes at most once per PAGE_CACHE_FRESHNESS seconds (and after its own edits): a visitor may see a
page up to that old, on a server other than the one that took the edit.

Views say their page is public with `@public_page`; `PublicPageCacheMiddleware` does the rest. It
sits right after the security headers' middleware, so a page from the cache skips sessions, CSRF,
authentication, messages and the view, and still gets every security header on its way out. What
the middleware after it add to a page (Content-Language, Vary, X-Frame-Options) is kept with it.

Only anonymous visitors share pages: a signed-in user's page differs (their name, the organisers'
buttons, CSRF tokens in forms), so a request with a session cookie is never served from the cache,
nor one with messages waiting. A response is not kept either when making it set a cookie (a CSRF
token, a session) or used a CSP nonce: those belong to one request.

A kept page holds its body plain and gzipped: browsers ask for gzip, and the programme of 250
talks, 210 KB, is 12 KB compressed. Compressing is safe here (BREACH needs a secret in the page,
and a shared page has none); pages made per visitor are not compressed.
"""

import gzip
import hashlib
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from roundtable import versions
from roundtable.models import RoundTable


def public_page(view=None, *, query=None):
    """Mark `view`'s page as the same for every anonymous visitor, and so cached for them: a round
    table's page (its URL has the `slug`) under that round table's version, any other (the home
    page) under every visible one's.

    `query` names the query parameters the view reads and the values it knows ({"both": {"1"}});
    an address with any other (`?utm_source=…`, `?x=1`, `?x=2`, …) gets a page made for it and
    not kept, so that made-up addresses cannot fill the cache.
    """

    def mark(view):
        view.public_page_query = {name: frozenset(values) for name, values in (query or {}).items()}
        return view

    return mark if view is None else mark(view)


@dataclass(frozen=True)
class Page:
    """A page as it left the view and the middleware after this one, ready to be sent again:
    its body and headers plain and gzipped."""

    status: int
    etag: str
    plain: tuple
    gzipped: tuple

    @classmethod
    def of(cls, response, key):
        etag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        response["ETag"] = etag
        del response["Content-Length"]
        patch_vary_headers(response, ["Accept-Encoding"])
        headers = dict(response.items())
        content = response.content
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        return cls(
            response.status_code,
            etag,
            (content, {**headers, "Content-Length": str(len(content))}),
            (
                compressed,
                {**headers, "Content-Encoding": "gzip", "Content-Length": str(len(compressed))},
            ),
        )

    def response(self, request):
        gzip_accepted = "gzip" in request.headers.get("Accept-Encoding", "")
        content, headers = self.gzipped if gzip_accepted else self.plain
        response = HttpResponse(content, status=self.status, headers=headers)
        # A reload with the page's ETag gets 304, with the Vary and ETag headers of the page.
        return get_conditional_response(request, etag=self.etag, response=response) or response


class PublicPageCacheMiddleware:
    """Answer an anonymous visitor's request for a public page from the cache, or keep the page
    the rest of the stack makes for them. Placed right after ContentSecurityPolicyMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = cache_key(request)
        except (OperationalError, InterfaceError):
            # The database is down: the view meets it too, and DatabaseOutageMiddleware answers
            # with the 503 page in the visitor's language.
            key = None
        if key is None:
            return self.get_response(request)
        page = cache.get(key)
        if page is None:
            response = self.get_response(request)
            if not shareable(request, response):
                return response
            page = Page.of(response, key)
            cache.set(key, page)
        return page.response(request)


def cache_key(request):
    """The key of the page `request` asks for, as the round tables are now (at most one query);
    None when the page is not one to share: not a public page, a query the page does not know, not
    an anonymous visitor, or a `slug` naming no round table the public may see (the view answers
    that with its 404)."""
    if request.method not in ("GET", "HEAD"):
        return None
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    ):
        return None
    language = translation.get_language_from_path(request.path_info)
    if language is None:
        return None
    # The public pages are under i18n_patterns, whose prefix is the active language's.
    with translation.override(language):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        known = getattr(match.func, "public_page_query", None)
        if known is None or not all(
            name in known and set(values) <= known[name] for name, values in request.GET.lists()
        ):
            return None
        return page_key(request, match.kwargs.get("slug"))


def page_key(request, slug):
    events = published_versions(slug)
    if slug is not None and not events:
        return None
    # The address as asked, host included: pages carry absolute links (a paper's card) and the
    # sign-in link returns to the page with its query string. Hashed: keys stay short.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    name = f"page:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
    language = translation.get_language()
    if slug is not None:
        return versions.cache_key(events[0], name, language)
    every = "|".join(versions.cache_key(event, name, language) for event in events)
    return f"rt:pages:{hashlib.sha256(every.encode()).hexdigest()}"


def published_versions(slug=None):
    """(pk, data_version) of the published round tables, or of the one at `slug`, as read at most
    PAGE_CACHE_FRESHNESS seconds ago by this process, and since its last bump."""
    freshness = settings.PAGE_CACHE_FRESHNESS
    now = time.monotonic()
    read = versions_read.get(slug)
    if read is not None and now - read.at < freshness and read.bumps == versions.bumps_here:
        return read.events
    events = read_published_versions(slug)
    # A missing slug is not kept: any string can be asked for, and the view's 404 reads anyway.
    if freshness and events:
        versions_read[slug] = VersionsRead(now, versions.bumps_here, events)
    return events


class VersionsRead(NamedTuple):
    at: float
    bumps: int
    events: list


# slug (None: every published round table) → VersionsRead; only slugs of published round tables.
versions_read = {}


def read_published_versions(slug):
    """What anonymous visitors see is RoundTable.objects.published(). This is the only query of a
    cached page, so it is written as SQL: building it through the ORM (and modeltranslation's
    manager) took longer than PostgreSQL takes to answer it."""
    table = connection.ops.quote_name(RoundTable._meta.db_table)
    sql = f"SELECT id, data_version FROM {table} WHERE published"
    parameters = []
    if slug is not None:
        sql += " AND slug = %s"
        parameters.append(slug)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY id", parameters)
        return [versions.Version(pk, version) for pk, version in cursor.fetchall()]


def shareable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not get_nonce(request)
    )
