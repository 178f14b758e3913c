"""Public pages kept whole in the cache, per language and data version, for anonymous visitors.

At 09:00 on the day hundreds of people open the same programme: rendering it once per data version
(roundtable/versions.py) and language instead of once per visitor is what keeps the server up. A
cached page costs one query, the one that reads the round tables' versions; an edit bumps the
version, so the next visitor gets a fresh page, on every app server, with no invalidation.

Only anonymous visitors share pages: a signed-in user's page differs (their name, the organisers'
buttons, CSRF tokens in forms). A response is not kept either when rendering it made something
that belongs to its one request: a CSRF token or cookie, a CSP nonce, or any other cookie.
"""

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import translation

from roundtable import versions
from roundtable.models import RoundTable


def public_page(view):
    """Cache `view`'s page for anonymous visitors: a round table's page (the URL has its `slug`)
    under that round table's version, any other (the home page) under every visible one's."""

    @functools.wraps(view)
    def cached(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = page_key(request, kwargs.get("slug"))
        if key is None:  # no such round table: the view says 404
            return view(request, *args, **kwargs)
        page = cache.get(key)
        if page is not None:
            content, content_type = page
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if shareable(request, response):
            cache.set(key, (response.content, response["Content-Type"]))
        return response

    return cached


def page_key(request, slug):
    """The cache key of the page `request` asks for, as the round tables are now (one query);
    None when `slug` names no round table the visitor may see."""
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
    """(pk, data_version) of the published round tables, or of the one at `slug`.

    What anonymous visitors see is RoundTable.objects.published(). This is the only query of a
    cached page, so it is written as SQL: building it through the ORM (and modeltranslation's
    manager) took longer than PostgreSQL takes to answer it.
    """
    table = connection.ops.quote_name(RoundTable._meta.db_table)
    sql = f"SELECT id, data_version FROM {table} WHERE published"
    parameters = []
    if slug is not None:
        sql += " AND slug = %s"
        parameters.append(slug)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY id", parameters)
        return [RoundTable(pk=pk, data_version=version) for pk, version in cursor.fetchall()]


def shareable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not get_nonce(request)
    )
