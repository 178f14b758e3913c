"""Changes and deletions through the API name the state they start from (If-Match with the
object's ETag): a stale one is refused with 412, one without with 428, and of two at once from
the same ETag one succeeds and the other gets 412, never overwriting it."""

import threading

import pytest
import requests
from rest_framework.test import APIClient

from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Person
from tests.api.conftest import client_of
from tests.factories import PersonFactory, ProgrammeItemFactory, organiser

API = "/api/v1"

# endpoint family: (its object in `event`, the path of the object, a change, a second change)
FAMILIES = {
    "events": (lambda event: event, "slug", {"venue": {"ru": "Зал 1"}}, {"venue": {"kk": "Зал"}}),
    "rooms": (
        lambda event: event.rooms.first(),
        "pk",
        {"name": {"ru": "Малый зал"}},
        {"order": 9},
    ),
    "programme-items": (
        lambda event: event.programme_items.first(),
        "pk",
        {"title": {"ru": "Доклад"}},
        {"title": {"kk": "Баяндама"}},
    ),
    "people": (
        lambda event: event.participations.first().person,
        "slug",
        {"position": {"ru": "Профессор"}},
        {"position": {"kk": "Профессор"}},
    ),
    "participations": (
        lambda event: event.participations.first(),
        "pk",
        {"order": 7},
        {"is_listed": False},
    ),
}


def plain(user):
    """A client that sends only the headers the test gives."""
    return client_of(user, client_class=APIClient)


def content(response):
    """The object as answered, without the time its round table's data last changed."""
    return {key: value for key, value in response.json().items() if key != "data_changed_at"}


def address(family, event):
    find, key, _change, _other = FAMILIES[family]
    return f"{API}/{family}/{getattr(find(event), key)}/"


@pytest.mark.django_db
@pytest.mark.parametrize("family", FAMILIES)
def test_a_change_needs_the_current_etag(family, event, organiser):
    client = plain(organiser)
    url = address(family, event)
    _find, _key, change, other = FAMILIES[family]
    read = client.get(url)
    etag = read["ETag"]

    without = client.patch(url, change, format="json")
    assert without.status_code == 428
    assert "If-Match" in without.json()["detail"]
    assert content(client.get(url)) == content(read)

    changed = client.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.json()
    assert changed["ETag"] not in (None, etag)
    assert changed["ETag"] == client.get(url)["ETag"]

    stale = client.patch(url, other, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "changed this object since you read it" in stale.json()["detail"]
    assert content(client.get(url)) == content(changed)

    put = client.put(url, changed.json(), format="json", HTTP_IF_MATCH=changed["ETag"])
    assert put.status_code == 200, put.json()
    assert put["ETag"] == changed["ETag"]  # nothing changed: the same state, the same ETag


@pytest.mark.django_db
@pytest.mark.parametrize("family", ["programme-items", "participations"])
def test_a_deletion_needs_the_current_etag(family, event, organiser):
    client = plain(organiser)
    url = address(family, event)
    _find, _key, change, _other = FAMILIES[family]
    etag = client.get(url)["ETag"]
    client.patch(url, change, format="json", HTTP_IF_MATCH=etag)

    assert client.delete(url).status_code == 428
    assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert client.get(url).status_code == 200

    assert client.delete(url, HTTP_IF_MATCH=client.get(url)["ETag"]).status_code == 204
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_etag_follows_changes_made_outside_the_api(event, organiser):
    """Whatever writes the row (the admin, a shift of the programme, a bulk update), the ETag of
    the object moves, even for a person in no round table, whose data version is none."""
    client = plain(organiser)
    item = event.programme_items.first()
    loner = PersonFactory()
    items, people = f"{API}/programme-items/{item.pk}/", f"{API}/people/{loner.slug}/"
    before = client.get(items)["ETag"], client.get(people)["ETag"]

    ProgrammeItem.objects.filter(pk=item.pk).update(title_en="Renamed")
    Person.objects.filter(pk=loner.pk).update(surname_en="Renamed")

    assert client.get(items)["ETag"] != before[0]
    assert client.get(people)["ETag"] != before[1]
    assert client.patch(
        items, {"order": 3}, format="json", HTTP_IF_MATCH=before[0]
    ).status_code == (412)


@pytest.mark.django_db
def test_if_match_star_and_a_list_of_etags_are_understood(event, organiser):
    client = plain(organiser)
    url = address("events", event)
    etag = client.get(url)["ETag"]

    listed = client.patch(
        url, {"venue": {"en": "Hall"}}, format="json", HTTP_IF_MATCH=f'"old", {etag}'
    )
    star = client.patch(url, {"venue": {"en": "Hall 2"}}, format="json", HTTP_IF_MATCH="*")
    weak = client.patch(url, {"venue": {"en": "Hall 3"}}, format="json", HTTP_IF_MATCH=f"W/{etag}")

    assert (listed.status_code, star.status_code, weak.status_code) == (200, 200, 412)
    assert RoundTable.objects.get(pk=event.pk).venue_en == "Hall 2"


@pytest.mark.django_db
def test_the_428_answer_speaks_the_language_asked_for(event, organiser):
    response = plain(organiser).patch(
        f"{address('events', event)}?lang=ru", {"venue": {"ru": "Зал"}}, format="json"
    )

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert "ETag" in response.json()["detail"]
    assert "Say which state" not in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_from_one_etag_never_lose_one(live_server):
    """Two PATCHes to different languages of one title, sent together from the same ETag, 20
    times: one is saved, the other refused with 412, and the saved one is never overwritten."""
    item = ProgrammeItemFactory(title_kk="", title_ru="")
    url = f"{live_server.url}{API}/programme-items/{item.pk}/"
    token = client_of(organiser())._credentials["HTTP_AUTHORIZATION"]
    session = {"Authorization": token, "Accept-Language": "en"}
    outcomes = []

    for attempt in range(20):
        etag = requests.get(url, headers=session, timeout=30).headers["ETag"]
        changes = {"kk": f"Баяндама {attempt}", "ru": f"Доклад {attempt}"}
        answers = {}
        start = threading.Barrier(2)

        def send(code, text, etag=etag, answers=answers, start=start):
            start.wait()
            answers[code] = requests.patch(
                url,
                json={"title": {code: text}},
                headers={**session, "If-Match": etag},
                timeout=30,
            ).status_code

        threads = [threading.Thread(target=send, args=change) for change in changes.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        item.refresh_from_db()
        saved = {code for code, status in answers.items() if status == 200}
        stored = {"kk": item.title_kk, "ru": item.title_ru}
        outcomes.append(sorted(answers.values()))
        assert sorted(answers.values()) == [200, 412], (attempt, answers)
        assert all(stored[code] == changes[code] for code in saved), (attempt, stored)
        # The refused change is not in: the next attempt starts from what is stored.
        assert all(stored[code] != changes[code] for code in changes.keys() - saved)

    assert outcomes == [[200, 412]] * 20
