"""Public pages cached per language and data version, for anonymous visitors only."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from roundtable import page_cache
from tests.factories import ProgrammeItemFactory, RoundTableFactory
from tests.pages import page

pytestmark = pytest.mark.django_db


def test_an_edit_shows_at_once_on_a_cached_page(client):
    event = RoundTableFactory()
    item = ProgrammeItemFactory(event=event, title_ru="Первый доклад")
    assert "Первый доклад" in page(client, "ru", "roundtable:event", slug=event.slug)
    item.title_ru = "Исправленный доклад"
    item.save()
    html = page(client, "ru", "roundtable:event", slug=event.slug)
    assert "Исправленный доклад" in html
    assert "Первый доклад" not in html


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
    event = RoundTableFactory()
    with translation.override("en"):
        address = reverse("roundtable:speakers", kwargs={"slug": event.slug})
    assert "sort%3D1" not in client.get(address).text
    assert f"next={address}%3Fsort%3D1" in client.get(address + "?sort=1").text


def test_a_page_with_a_csrf_token_is_not_kept(db):
    """A page that holds a visitor's CSRF token (a form) is made anew for each visitor."""
    made = []

    @page_cache.public_page
    def with_form(request):
        made.append(get_token(request))
        return HttpResponse(made[-1])

    request = RequestFactory().get("/en/")
    request.user = AnonymousUser()
    with translation.override("en"):
        with_form(request)
        with_form(request)
    assert len(made) == 2
