"""Public pages kept whole in the cache, per language and data version, for anonymous visitors.

At 09:00 on the day hundreds of people open the same programme: rendering it once per data version
(portal/versions.py) and language instead of once per visitor is what keeps the server up. An
edit bumps the version, so the next visitor gets a fresh page, on every app server, with no
invalidation. Reading the versions is a cached page's only query, and even that one each process
makes at most once per PAGE_CACHE_FRESHNESS seconds (and after its own edits): a visitor may see a
page up to that old, on a server other than the one that took the edit.

Views say their page is public with `@public_page` (pages, feeds, the printed PDFs and DOCX, the
API's lists); `PublicPageCacheMiddleware` does the rest. It
sits right after the security headers' middleware, so a page from the cache skips sessions, CSRF,
authentication, messages and the view, and still gets every security header on its way out. What
the middleware after it add to a page (Content-Language, Vary, X-Frame-Options) is kept with it.

Only anonymous visitors share pages: a signed-in user's page differs (their name, the organisers'
buttons, CSRF tokens in forms), so a request with a session cookie is never served from the cache,
nor one with messages waiting. A response is not kept either when making it set a cookie (a CSRF
token, a session) or used a CSP nonce: those belong to one request.

A kept page holds its body plain and gzipped: browsers ask for gzip, and the programme of 250
talks, 210 KB, is 12 KB compressed. Compressing is safe here (BREACH needs a secret in the page,
and a shared page has none); pages made per visitor are not compressed, nor files that gzip
does not shrink (PDF, DOCX).

An address is kept under its canonical form: the query parameters the view reads, with values it
knows. Any other (`?utm_source=…`, `?x=1`, `?x=2`, …) is served the page of the known ones, so a
made-up address costs no render and fills no cache.

Pages are kept in Django's default cache, which may be shared by every process and server (Redis),
so that a page is made once per site; a small memory of this process's own sits in front of it
(`KeptPages`), so that a hit needs no network round trip. Keys hold the data versions: an entry
never goes stale in either layer.

This module is the site's one way of answering conditional GETs. A kept page answers them from
its own ETag (`Page.response`); everything else public keyed on the data version (feeds, PDFs,
citations, the API's answers) goes through `conditional`, and files made once per data version
for every reader go through `feed`: signed-in readers (organisers printing a draft) get them from
the same cache as the public.
"""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.validators import slug_re
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from portal import versions

# In `public_page(query=…)`: the parameter takes any value, each value a page of its own (an API
# list's `?event=<slug>`); the view answers a value it does not know with an error, never kept.
ANY = None


def public_page(
    view=None, *, query=None, event_query=None, media_type=None, searches=(), fresh_for=None
):
    """Mark `view`'s page as the same for every anonymous visitor, and so cached for them: a round
    table's page (its URL has the `slug`, or the query parameter `event_query` names it) under
    that round table's version, any other (the home page) under every visible one's.

    `query` names the query parameters the view reads and the values it knows ({"both": {"1"}}),
    or ANY; an address with any other parameter or value is served the page without them.
    `media_type`: the view negotiates its answer (the API's JSON or its browsable HTML), and is
    shared only with requests that accept nothing else.
    `searches` names the parameters that hold what a visitor typed (`?q=`): a page asked for with
    one is made for that visitor and never kept, since every string typed would be an entry.
    `fresh_for`: the page tells the time of day (what is on now), so it is kept at most that many
    seconds, and made again after them whatever the data version.
    """

    def mark(view):
        view.public_page = PublicPage(
            {
                name: values if values is ANY else frozenset(values)
                for name, values in (query or {}).items()
            },
            event_query,
            media_type,
            frozenset(searches),
            fresh_for,
        )
        return view

    return mark if view is None else mark(view)


class PublicPage(NamedTuple):
    """What `public_page` says of a view."""

    query: dict
    event_query: str | None
    media_type: str | None
    searches: frozenset
    fresh_for: int | None

    def searched(self, parameters):
        return any(parameters.get(name, "").strip() for name in self.searches)

    def period(self):
        """The stretch of `fresh_for` seconds now falls in ("" for a page kept for its whole
        data version): part of the key, so that a page is made again in the next."""
        if not self.fresh_for:
            return ""
        return str(int(timezone.now().timestamp()) // self.fresh_for)

    def canonical_query(self, parameters):
        """The query string of `parameters` (a QueryDict) that the view reads: its known
        parameters with known values, the last of each as `QueryDict.get` reads it, in order."""
        kept = {}
        for name, values in parameters.lists():
            if name in self.query and (self.query[name] is ANY or values[-1] in self.query[name]):
                kept[name] = values[-1]
        return urlencode(sorted(kept.items()))

    def accepts(self, request):
        """Whether every media type `request` accepts can only mean the view's `media_type`."""
        if self.media_type is None:
            return True
        main = self.media_type.split("/")[0]
        accepted = request.headers.get("Accept", "").split(",")
        ranges = (part.split(";")[0].strip() for part in accepted)
        return all(kind in {"", "*/*", f"{main}/*", self.media_type} for kind in ranges)


@dataclass(frozen=True)
class Page:
    """A page as it left the view and the middleware after this one, ready to be sent again:
    its body and headers plain and gzipped."""

    status: int
    etag: str
    last_modified: int | None
    plain: tuple
    gzipped: tuple | None  # None when gzip does not make it smaller (PDF, DOCX)

    @classmethod
    def of(cls, response, key):
        # A view's own ETag (the API's, a feed's: from the data version) stays the page's.
        if not response.has_header("ETag"):
            response["ETag"] = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        del response["Content-Length"]
        content = response.content
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        gzipped = None
        if len(compressed) < 0.9 * len(content):
            patch_vary_headers(response, ["Accept-Encoding"])
        headers = dict(response.items())
        if "Accept-Encoding" in response.get("Vary", ""):
            gzipped = (
                compressed,
                {**headers, "Content-Encoding": "gzip", "Content-Length": str(len(compressed))},
            )
        return cls(
            response.status_code,
            response["ETag"],
            parse_http_date_safe(response.get("Last-Modified", "")),
            (content, {**headers, "Content-Length": str(len(content))}),
            gzipped,
        )

    def __len__(self):
        """The bytes the page holds: what it costs the memory of a process."""
        return len(self.plain[0]) + (len(self.gzipped[0]) if self.gzipped else 0)

    def response(self, request):
        gzip_accepted = "gzip" in request.headers.get("Accept-Encoding", "")
        content, headers = self.gzipped if gzip_accepted and self.gzipped else self.plain
        response = HttpResponse(content, status=self.status, headers=headers)
        # A reload with the page's ETag, or its Last-Modified, gets 304 with the page's headers.
        return (
            get_conditional_response(
                request, etag=self.etag, last_modified=self.last_modified, response=response
            )
            or response
        )


class KeptPages:
    """Pages (and feeds' files) by key: this process's memory, the `budget` bytes it used last,
    in front of Django's default cache. Keys hold data versions, so neither layer holds a stale
    entry; the memory spares a hit the shared cache's network round trip."""

    def __init__(self, budget):
        self.budget = budget
        self.held = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()  # gunicorn's threaded workers share the process

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
                return value
        value = cache.get(key)
        if value is not None:
            self.remember(key, value)
        return value

    def set(self, key, value):
        cache.set(key, value)
        self.remember(key, value)

    def remember(self, key, value):
        if len(value) > self.budget:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.held += len(value)
            while self.held > self.budget:
                _key, dropped = self.entries.popitem(last=False)
                self.held -= len(dropped)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.held = 0


kept = KeptPages(settings.PAGE_CACHE_MEMORY_BYTES)


class PublicPageCacheMiddleware:
    """Answer an anonymous visitor's request for a public page from the cache, or keep the page
    the rest of the stack makes for them. Placed right after ContentSecurityPolicyMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            shared = shared_page(request)
        except (OperationalError, InterfaceError):
            # The database is down: the view meets it too, and DatabaseOutageMiddleware answers
            # with the 503 page in the visitor's language.
            shared = None
        if shared is None:
            return self.get_response(request)
        key, query = shared
        page = kept.get(key)
        if page is None:
            # The view sees the address the page is kept under: what it links to (the sign-in
            # link's way back, the API's next page) holds no made-up parameter.
            request.META["QUERY_STRING"] = query
            request.GET = QueryDict(query)
            response = self.get_response(request)
            if not shareable(request, response):
                return response
            page = Page.of(response, key)
            kept.set(key, page)
        return page.response(request)


def shared_page(request):
    """(key, canonical query) of the page `request` asks for, as the round tables are now (at
    most one query); None when the page is not one to share: not a public page, not an anonymous
    visitor without credentials, an answer the request does not accept, or a round table the
    public may not see (the view answers that with its 404)."""
    if request.method not in ("GET", "HEAD"):
        return None
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or "Authorization" in request.headers
    ):
        return None
    # Pages under i18n_patterns, whose prefix is the active language's; others (the API) are in
    # the language LocaleMiddleware will choose.
    language = translation.get_language_from_path(
        request.path_info
    ) or translation.get_language_from_request(request)
    with translation.override(language):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        public = getattr(match.func, "public_page", None)
        if public is None or not public.accepts(request) or public.searched(request.GET):
            return None
        query = public.canonical_query(request.GET)
        slug = match.kwargs.get("slug")
        if slug is None and public.event_query:
            slug = QueryDict(query).get(public.event_query)
            if slug is not None and not slug_re.fullmatch(slug):
                return None  # names no round table: the view answers, with nothing to keep
        key = page_key(request, slug, query, public.period())
        return None if key is None else (key, query)


def page_key(request, slug, query, period=""):
    events = published_versions(slug)
    if slug is not None and not events:
        return None
    # The address, host included: pages carry absolute links (a paper's card) and the sign-in
    # link returns to the page with its query string. Hashed: keys stay short.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}#{period}"
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
    table = connection.ops.quote_name(versions.versioned_model()._meta.db_table)
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


def conditional(request, key, last_modified, respond):
    """The answer to a GET of something kept under the data version's cache `key` (a feed, a PDF,
    an API list): 304 when the client's copy is current by its ETag or by `last_modified` (a
    datetime or None), `respond()` otherwise. Both carry the validators, and `no-cache` makes every
    client ask again, so none shows a programme after an edit. What a signed-in reader gets may be
    theirs only (a draft): kept by no cache on the way.

    The ETag is weak, as a kept page's is: the same version goes out plain or gzipped, and a
    strong ETag would promise the same bytes."""
    etag = f'W/"{key}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = respond()
    if response.status_code in (200, 304):
        response["ETag"] = etag
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, no_cache=True)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


def feed(request, event, name, content_type, make, language=None):
    """The file `name` of `event` in `language` (by default the request's: a calendar, a printed
    PDF; "all" for one the same in every language): `make()`'s bytes, made once per data version
    and kept with the pages, for every reader who may see it. Its ETag is the data version and its
    Last-Modified when that changed: a calendar polling an unchanged feed gets a 304."""
    language = language or translation.get_language()
    key = versions.cache_key(event, name, language)

    def respond():
        body = kept.get(key)
        if body is None:
            body = make()
            kept.set(key, body)
        return HttpResponse(body, content_type=content_type)

    return conditional(request, key, event.data_changed_at, respond)
