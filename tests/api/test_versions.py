"""Public API answers follow the round tables' data versions: ETag and Last-Modified, 304 for a
client that has the current data, a cached answer until an edit, and the same number of queries
whatever the amount of data."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from portal import page_cache
from roundtable.models import RoundTable
from speakers.models import AcademicTitle, Degree, Rank
from tests.api.conftest import client_of, round_table
from tests.factories import RoundTableFactory, release

pytestmark = pytest.mark.django_db

API = "/api/v1"

LISTS = [
    "events",
    "rooms",
    "programme",
    "people",
    "participations",
    "papers",
    "proceedings",
    "resolutions",
    "degrees",
    "academic-titles",
    "ranks",
]


def details(event):
    return [
        f"events/{event.slug}",
        f"rooms/{event.rooms.first().pk}",
        f"programme/{event.programme_items.first().pk}",
        f"people/{event.participations.first().person.slug}",
        f"participations/{event.participations.first().pk}",
        f"papers/{event.papers.filter(book_entries__isnull=False).first().pk}",
        f"proceedings/{event.slug}",
        f"resolutions/{event.slug}",
        f"degrees/{Degree.objects.first().pk}",
        f"academic-titles/{AcademicTitle.objects.first().pk}",
        f"ranks/{Rank.objects.first().pk}",
    ]


@pytest.mark.parametrize("name", LISTS)
def test_lists_answer_a_current_etag_with_304(anonymous, event, name):
    first = anonymous.get(f"{API}/{name}/")

    again = anonymous.get(f"{API}/{name}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    event.refresh_from_db()
    assert first["Last-Modified"] == http_date(int(event.data_changed_at.timestamp()))
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_every_detail_answers_a_current_etag_with_304(anonymous, event):
    for path in details(event):
        first = anonymous.get(f"{API}/{path}/")
        again = anonymous.get(f"{API}/{path}/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert (path, first.status_code, again.status_code) == (path, 200, 304)


def test_if_modified_since_answers_304_until_the_data_changes(anonymous, event):
    first = anonymous.get(f"{API}/events/{event.slug}/")
    since = first["Last-Modified"]

    assert anonymous.get(f"{API}/events/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304

    # An edit two seconds later (Last-Modified counts whole seconds).
    event.refresh_from_db()
    event.save()
    RoundTable.objects.filter(pk=event.pk).update(
        data_changed_at=F("data_changed_at") + datetime.timedelta(seconds=2)
    )

    assert anonymous.get(f"{API}/events/", HTTP_IF_MODIFIED_SINCE=since).status_code == 200


def test_a_release_gives_a_new_etag_and_the_new_data_at_once(anonymous, event, organiser):
    item = event.programme_items.first()
    first = anonymous.get(f"{API}/programme/", {"lang": "ru"})

    response = client_of(organiser).patch(
        f"{API}/programme-items/{item.pk}/", {"title": {"ru": "Новое название"}}, format="json"
    )
    drafted = anonymous.get(f"{API}/programme/", {"lang": "ru"})
    release(event)
    again = anonymous.get(f"{API}/programme/", {"lang": "ru"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 200
    assert drafted.json()["results"][0]["title"] != "Новое название"  # a draft, not released
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again.json()["results"][0]["title"] == "Новое название"


def test_an_edit_elsewhere_leaves_a_round_tables_answers_as_they_are(anonymous, event):
    other = round_table(1)
    first = anonymous.get(f"{API}/programme/", {"event": event.slug})

    other.programme_items.first().delete()

    again = anonymous.get(
        f"{API}/programme/", {"event": event.slug}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_etags_differ_per_language_and_per_query(anonymous, event):
    etags = {
        anonymous.get(f"{API}/events/", query)["ETag"]
        for query in ({}, {"lang": "kk"}, {"lang": "ru"}, {"page_size": 1})
    }

    assert len(etags) == 4


def test_a_cached_answer_costs_one_query(anonymous, event, django_assert_num_queries):
    anonymous.get(f"{API}/papers/")

    with django_assert_num_queries(1):
        response = anonymous.get(f"{API}/papers/")

    assert len(response.json()["results"]) == 2


def test_signed_in_answers_are_private_and_fresh(event, organiser):
    response = client_of(organiser).get(f"{API}/events/")

    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def queries_for(name):
    """How many queries an anonymous, uncached request for the list `name` makes."""
    cache.clear()
    page_cache.kept.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client_of().get(f"{API}/{name}/")
    assert response.status_code == 200
    return len(queries)


def test_lists_take_the_same_queries_for_ten_times_the_data(db):
    """Uncached and anonymous: the versions the page cache reads (portal/page_cache.py), the
    versions of the round tables shown, the count, the page, and one query per relation shown."""
    expected = {
        "events": 4,
        "rooms": 4,
        "programme": 5,
        "people": 4,
        "participations": 4,
        "papers": 5,
        "proceedings": 6,
        "resolutions": 6,
        "degrees": 4,
        "academic-titles": 4,
        "ranks": 4,
    }
    round_table(0)
    small = {name: queries_for(name) for name in LISTS}
    for number in range(1, 10):
        round_table(number)
    large = {name: queries_for(name) for name in LISTS}

    assert small == expected
    assert large == expected


def test_answers_asked_through_another_address_link_to_it(anonymous, event, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example"]
    round_table(1)

    here = anonymous.get(f"{API}/events/", {"page_size": 1})
    there = anonymous.get(f"{API}/events/", {"page_size": 1}, HTTP_HOST="portal.example")

    assert here.json()["next"].startswith("http://testserver/")
    assert there.json()["next"].startswith("http://portal.example/")
    assert "Authorization" in here["Vary"]


# --- Answered by the page cache (portal/page_cache.py) ---------------------------------------


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("name", LISTS)
def test_a_kept_list_costs_one_query_and_made_up_parameters_nothing(
    anonymous, event, name, django_assert_num_queries
):
    first = anonymous.get(f"{API}/{name}/")

    with django_assert_num_queries(1):  # the versions: sessions, authentication, view skipped
        again = anonymous.get(f"{API}/{name}/")
    for made_up in ({"utm_source": "newsletter"}, {"x": "1"}, {"x": "2"}):
        with django_assert_num_queries(1):
            assert anonymous.get(f"{API}/{name}/", made_up).content == first.content

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_list_of_one_round_table_is_kept_under_its_version(
    anonymous, event, django_assert_num_queries
):
    round_table(1)
    query = {"event": event.slug, "lang": "ru"}
    first = anonymous.get(f"{API}/programme/", query)
    with django_assert_num_queries(1):
        assert anonymous.get(f"{API}/programme/", query).content == first.content
    with connection.cursor() as cursor:  # an edit by another process: no bump in this one
        cursor.execute(
            "UPDATE roundtable_releaseditem SET title_ru = %s WHERE release_id = %s",
            ["Изменено в другом процессе", event.current_release_id],
        )
        cursor.execute(
            "UPDATE roundtable_roundtable SET data_version = data_version + 1 WHERE id = %s",
            [event.pk],
        )

    edited = anonymous.get(f"{API}/programme/", query, HTTP_IF_NONE_MATCH=first["ETag"])

    assert edited.status_code == 200
    assert edited["ETag"] != first["ETag"]
    assert {item["title"] for item in edited.json()["results"]} == {"Изменено в другом процессе"}


def test_an_unknown_round_table_is_answered_but_not_kept(anonymous, event):
    for slug in ("no-0", "no-1", "not a slug"):
        assert results(anonymous.get(f"{API}/programme-items/", {"event": slug})) == []
    refused = anonymous.get(f"{API}/programme-items/", {"event": "nul\x00"})
    assert refused.json() == {"event": ["Null characters are not allowed."]}
    assert not page_cache.kept.entries


def test_answers_with_credentials_are_never_taken_from_the_kept_lists(anonymous, event, organiser):
    hidden = RoundTableFactory(published=False)
    public = [item["slug"] for item in results(anonymous.get(f"{API}/events/"))]

    private = client_of(organiser).get(f"{API}/events/")

    assert public == [event.slug]
    assert {item["slug"] for item in results(private)} == {event.slug, hidden.slug}
    assert "private" in private["Cache-Control"]
    # Nor is what the organiser read kept for the public.
    assert [item["slug"] for item in results(anonymous.get(f"{API}/events/"))] == [event.slug]


def test_a_speakers_own_papers_are_theirs_only(anonymous, event, speaker):
    mine = client_of(speaker).get(f"{API}/papers/", {"mine": "1"})

    assert mine.status_code == 200
    assert anonymous.get(f"{API}/papers/", {"mine": "1"}).status_code == 401


def test_a_browser_gets_the_browsable_page_not_the_kept_json(anonymous, event):
    json = anonymous.get(f"{API}/events/")
    browser = anonymous.get(f"{API}/events/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*")

    assert json["Content-Type"] == "application/json"
    assert browser["Content-Type"].startswith("text/html")
    assert anonymous.get(f"{API}/events/", HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
