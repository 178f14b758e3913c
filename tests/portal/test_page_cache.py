"""Public pages cached per language and data version, for anonymous visitors only."""

import datetime
import gzip
import time

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import translation

from portal import page_cache
from resolutions.models import Resolution
from tests.factories import ProgrammeItemFactory, RoundTableFactory, release, resolution_with
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_a_release_shows_at_once_on_a_cached_page(client):
    event = RoundTableFactory()
    item = ProgrammeItemFactory(event=event, title_ru="Первый доклад")
    release(event)
    assert "Первый доклад" in page(client, "ru", "roundtable:event", slug=event.slug)
    item.title_ru = "Исправленный доклад"
    item.save()
    release(event)
    html = page(client, "ru", "roundtable:event", slug=event.slug)
    programme, changes = html.split('class="release-changes"')
    assert "Исправленный доклад" in programme
    assert "Первый доклад" not in programme
    assert "«Первый доклад»" in changes  # the former title, in the change list


def test_each_language_has_its_own_page(client):
    event = RoundTableFactory()
    assert "Тема круглого стола" in page(client, "ru", "roundtable:event", slug=event.slug)
    assert "Дөңгелек үстел тақырыбы" in page(client, "kk", "roundtable:event", slug=event.slug)


def test_a_new_round_table_shows_on_the_cached_home_page(client):
    first = RoundTableFactory()
    assert first.theme_ru in page(client, "ru", "roundtable:home")
    second = RoundTableFactory()
    assert second.theme_ru in page(client, "ru", "roundtable:home")


def test_signed_in_users_get_their_own_page(client):
    event = RoundTableFactory()
    anonymous = page(client, "en", "roundtable:event", slug=event.slug)
    assert "Sign in" in anonymous
    user = User.objects.create_user("organiser", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_roundtable"))
    client.force_login(user)
    html = page(client, "en", "roundtable:event", slug=event.slug)
    assert "Sign out (organiser)" in html
    assert "csrfmiddlewaretoken" in html
    client.logout()
    assert page(client, "en", "roundtable:event", slug=event.slug) == anonymous


def test_unpublished_round_tables_stay_hidden_from_the_public(client):
    event = RoundTableFactory(published=False)
    with translation.override("en"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    assert client.get(address).status_code == 404
    assert client.get(address).status_code == 404


def test_the_sign_in_link_returns_to_the_address_asked(client):
    document = resolution_with(sections=1, items=1, status=Resolution.Status.PUBLISHED)
    with translation.override("en"):
        address = reverse("roundtable:resolution", kwargs={"slug": document.event.slug})
    assert "both%3D1" not in client.get(address).text
    assert f"next={address}%3Fboth%3D1" in client.get(address + "?both=1").text


def test_a_page_from_the_cache_has_the_headers_of_a_page_made_anew(
    client, django_assert_num_queries
):
    event = RoundTableFactory()
    with translation.override("en"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    made = client.get(address)
    with django_assert_num_queries(1):  # the version: from the cache
        kept = client.get(address)
    for name in (
        "Content-Type",
        "Content-Language",
        "Vary",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "ETag",
    ):
        assert kept[name] == made[name], name
    assert kept["X-Frame-Options"] == "DENY"
    assert kept.content == made.content


def test_a_browser_that_takes_gzip_gets_the_page_compressed(client):
    event = RoundTableFactory()
    with translation.override("ru"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    plain = client.get(address)
    compressed = client.get(address, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert int(compressed["Content-Length"]) < len(plain.content) / 2
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"]


def test_a_reload_of_an_unchanged_page_gets_304_and_an_edit_a_new_page(client):
    event = RoundTableFactory()
    with translation.override("ru"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    etag = client.get(address)["ETag"]
    assert client.get(address, headers={"If-None-Match": etag}).status_code == 304
    event.theme_ru = "Новая тема"
    event.save()
    response = client.get(address, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Новая тема" in response.text


@pytest.mark.parametrize("name", ["event", "programme_ics", "schedule_json", "api"])
def test_plain_and_gzipped_copies_share_a_weak_etag_that_either_revalidates(client, name):
    """A page, a feed and an API list alike: one ETag per data version, weak since it goes out
    plain or gzipped (a strong one promises the same bytes), and 304 for a client holding either."""
    event = release(ProgrammeItemFactory().event)
    if name == "api":
        address = "/api/v1/programme/"
    else:
        with translation.override("ru"):
            address = reverse(f"roundtable:{name}", kwargs={"slug": event.slug})
    plain = client.get(address)
    gzipped = client.get(address, headers={"Accept-Encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    assert plain["ETag"] == gzipped["ETag"]
    assert plain["ETag"].startswith('W/"')
    for etag in (plain["ETag"], plain["ETag"].removeprefix("W/")):
        assert client.get(address, headers={"If-None-Match": etag}).status_code == 304


def test_an_address_with_a_query_the_page_does_not_read_is_served_the_page_without_it(
    client, django_assert_num_queries
):
    event = RoundTableFactory()
    with translation.override("en"):
        address = reverse("roundtable:speakers", kwargs={"slug": event.slug})
    canonical = client.get(f"{address}?utm_source=letter&utm_medium=email")  # made once
    assert "utm_source" not in canonical.text  # the sign-in link returns to the page itself
    assert f"next={address}" in canonical.text
    for query in ("?x=1", "?x=2", "?sort=1", "?utm_source=social", ""):
        with django_assert_num_queries(1):  # the version: from the cache, never made again
            response = client.get(f"{address}{query}")
        assert response.content == canonical.content
        assert response["ETag"] == canonical["ETag"]


def test_a_value_the_page_does_not_know_is_served_the_page_without_it(
    client, django_assert_num_queries
):
    document = resolution_with(sections=1, items=1, status=Resolution.Status.PUBLISHED)
    with translation.override("ru"):
        address = reverse("roundtable:resolution", kwargs={"slug": document.event.slug})
    single = client.get(address).text
    for query in ("?both=2", "?both=", "?both=1&both=0"):
        with django_assert_num_queries(1):
            assert client.get(f"{address}{query}").text == single


def test_the_resolution_side_by_side_is_kept_as_a_page_of_its_own(client):
    document = resolution_with(sections=1, items=1, status=Resolution.Status.PUBLISHED)
    with translation.override("ru"):
        address = reverse("roundtable:resolution", kwargs={"slug": document.event.slug})
    single, both = client.get(address).text, client.get(f"{address}?both=1").text
    assert both != single
    with CaptureQueriesContext(connection) as kept:
        assert client.get(f"{address}?both=1").text == both
    assert len(kept) == 1


def test_a_visitor_with_a_message_waiting_gets_a_page_made_for_them(client):
    event = RoundTableFactory()
    with translation.override("en"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    client.get(address)
    with CaptureQueriesContext(connection) as cached:
        client.get(address)
    client.cookies["messages"] = "waiting"
    with CaptureQueriesContext(connection) as made:
        client.get(address)
    assert len(cached) == 1  # the version
    assert len(made) > 1  # and the view's own


class TestFreshness:
    """Within PAGE_CACHE_FRESHNESS a process reuses the versions it read: a cached page then costs
    no query at all, and an edit made elsewhere (another worker, another server) shows once the
    window has passed."""

    @pytest.fixture(autouse=True)
    def window(self, settings):
        settings.PAGE_CACHE_FRESHNESS = 0.5
        page_cache.versions_read.clear()
        yield
        page_cache.versions_read.clear()

    def test_a_cached_page_costs_no_query_within_the_window(
        self, client, django_assert_num_queries
    ):
        event = RoundTableFactory()
        page(client, "ru", "roundtable:event", slug=event.slug)
        page(client, "ru", "roundtable:home")
        with django_assert_num_queries(0):
            page(client, "ru", "roundtable:event", slug=event.slug)
            page(client, "ru", "roundtable:home")

    def test_an_edit_made_here_shows_at_once(self, client):
        event = RoundTableFactory(theme_ru="Первая тема")
        assert "Первая тема" in page(client, "ru", "roundtable:event", slug=event.slug)
        event.theme_ru = "Вторая тема"
        event.save()
        assert "Вторая тема" in page(client, "ru", "roundtable:event", slug=event.slug)

    def test_an_edit_made_by_another_server_shows_after_the_window(self, client):
        event = RoundTableFactory(theme_ru="Первая тема")
        assert "Первая тема" in page(client, "ru", "roundtable:event", slug=event.slug)
        with connection.cursor() as cursor:  # as another process writes: no bump in this one
            cursor.execute(
                "UPDATE roundtable_roundtable SET theme_ru = %s, data_version = data_version + 1"
                " WHERE id = %s",
                ["Вторая тема", event.pk],
            )
        assert "Первая тема" in page(client, "ru", "roundtable:event", slug=event.slug)
        time.sleep(0.6)
        assert "Вторая тема" in page(client, "ru", "roundtable:event", slug=event.slug)

    def test_an_address_naming_no_round_table_is_not_remembered(self, client):
        for number in range(3):
            client.get(f"/en/no-such-round-table-{number}/")
        assert set(page_cache.versions_read) <= {None}


def test_each_process_keeps_the_pages_it_serves_in_front_of_the_shared_cache(
    client, django_assert_num_queries
):
    event = RoundTableFactory()
    with translation.override("en"):
        address = reverse("roundtable:event", kwargs={"slug": event.slug})
    made = client.get(address).content
    key = next(iter(page_cache.kept.entries))
    assert cache.get(key) is not None  # in the shared cache: other processes take it from there
    page_cache.kept.clear()  # another process
    with django_assert_num_queries(1):
        assert client.get(address).content == made
    cache.clear()  # evicted from the shared cache: this process still has it in memory
    with django_assert_num_queries(1):
        assert client.get(address).content == made


def test_the_memory_of_a_process_keeps_the_pages_used_last_within_its_budget(db):
    memory = page_cache.KeptPages(budget=10)
    for key in ("a", "b", "c"):
        memory.set(f"test:{key}", b"1234")
    memory.get("test:b")
    memory.set("test:d", b"1234")
    assert list(memory.entries) == ["test:b", "test:d"]
    assert memory.held == 8
    memory.set("test:large", b"x" * 11)  # over the budget alone: in the shared cache only
    assert "test:large" not in memory.entries
    assert memory.get("test:large") == b"x" * 11


def with_form(request):
    """A public page that holds the visitor's CSRF token, in a form."""
    made.append(get_token(request))
    return HttpResponse(made[-1])


def without_form(request):
    made.append("page")
    return HttpResponse("page")


made = []
urlpatterns = i18n_patterns(
    path("form/", page_cache.public_page(with_form)),
    path("page/", page_cache.public_page(without_form)),
)


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_with_a_csrf_token_is_not_kept(client):
    """A page that holds a visitor's CSRF token (a form) is made anew for each visitor."""
    made.clear()
    for _ in range(2):
        client.get("/en/form/")
        client.cookies.clear()
    assert len(made) == 2
    for _ in range(2):
        client.get("/en/page/")
    assert len(made) == 3


def test_a_page_that_tells_the_time_is_kept_a_minute_at_most(client, clock):
    event = RoundTableFactory()
    moment = datetime.datetime(2025, 5, 23, 4, 0, 10, tzinfo=datetime.UTC)
    clock(moment)
    first = client.get(event.get_absolute_url())
    clock(moment + datetime.timedelta(seconds=40))
    assert client.get(event.get_absolute_url())["ETag"] == first["ETag"]  # the same minute
    clock(moment + datetime.timedelta(seconds=60))
    assert client.get(event.get_absolute_url())["ETag"] != first["ETag"]


def test_a_search_is_answered_by_the_view_and_never_kept(client, django_assert_num_queries):
    event = RoundTableFactory()
    page(client, "kk", "roundtable:event", slug=event.slug)  # kept
    with CaptureQueriesContext(connection) as searched:
        client.get(f"{event.get_absolute_url()}?q=доклад")
    assert len(searched) > 1  # made anew, not the kept page
    with django_assert_num_queries(1):  # the page without a search is still the kept one
        client.get(f"{event.get_absolute_url()}?q=")
