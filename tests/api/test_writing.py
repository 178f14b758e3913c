"""Writing through the API: organisers only, with a token they get from a superuser in the admin
(revoked by deleting it); the model's rules answer 400 with their messages, never 500."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Participation, Person
from tests.api.conftest import ReadingFirst, client_of, round_table
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"

NEW_EVENT = {
    "slug": "police-and-society-2026",
    "theme": {"kk": "Полиция және қоғам", "ru": "Полиция и общество"},
    "date": "2026-04-10",
    "start": "10:00",
    "venue": {"kk": "Алматы академиясы"},
    "format": "on_site",
}


def item_of(event, start, end, **extra):
    return {"event": event.slug, "start": start, "end": end, "kind": "talk", **extra}


@pytest.fixture
def organiser_client(organiser):
    return client_of(organiser)


# --- Who may write -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("speaker", 403), ("other_speaker", 403), ("staff", 403)],
)
def test_only_organisers_write(request, event, role, status):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_of(user)
    person = event.participations.first().person

    attempts = [
        client.post(f"{API}/events/", NEW_EVENT, format="json"),
        client.patch(f"{API}/events/{event.slug}/", {"published": False}, format="json"),
        client.post(f"{API}/programme-items/", item_of(event, "12:00", "12:10"), format="json"),
        client.patch(f"{API}/people/{person.slug}/", {"surname": {"kk": "X"}}, format="json"),
        client.delete(f"{API}/participations/{event.participations.first().pk}/"),
    ]

    assert [response.status_code for response in attempts] == [status] * len(attempts)
    assert not RoundTable.objects.filter(slug=NEW_EVENT["slug"]).exists()
    assert Participation.objects.filter(event=event).count() == 2


def test_a_speaker_cannot_edit_even_their_own_person(event, speaker):
    client = client_of(speaker)

    response = client.patch(
        f"{API}/people/{speaker.person.slug}/", {"surname": {"kk": "X"}}, format="json"
    )

    assert response.status_code == 403


def test_an_organiser_creates_a_round_table_with_texts_per_language(organiser_client):
    response = organiser_client.post(f"{API}/events/", NEW_EVENT, format="json")

    assert response.status_code == 201, response.json()
    event = RoundTable.objects.get(slug=NEW_EVENT["slug"])
    assert (event.theme_kk, event.theme_ru, event.theme_en) == (
        "Полиция және қоғам",
        "Полиция и общество",
        "",
    )
    assert response.json()["theme"]["ru"] == "Полиция и общество"


def test_an_update_keeps_the_languages_it_leaves_out(organiser_client, event):
    response = organiser_client.patch(
        f"{API}/events/{event.slug}/", {"theme": {"en": "Police and society"}}, format="json"
    )

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.theme_en == "Police and society"
    assert event.theme_kk.startswith("Дөңгелек үстел")


def test_the_session_of_the_admin_also_writes(organiser, event):
    client = ReadingFirst(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organiser)

    response = client.patch(f"{API}/events/{event.slug}/", {"start": "11:00"}, format="json")

    assert response.status_code == 200


def test_an_organiser_writes_programme_items_people_and_participations(organiser_client, event):
    person = organiser_client.post(
        f"{API}/people/",
        {
            "slug": "akhmetov",
            "surname": {"kk": "АХМЕТОВ", "ru": "АХМЕТОВ"},
            "given_name": {"kk": "Асқар", "ru": "Аскар"},
        },
        format="json",
    )
    participation = organiser_client.post(
        f"{API}/participations/",
        {"event": event.slug, "person": "akhmetov", "is_speaker": True},
        format="json",
    )
    item = organiser_client.post(
        f"{API}/programme-items/",
        item_of(event, "12:00", "12:15", title={"ru": "Доклад"}, speakers=["akhmetov"]),
        format="json",
    )

    assert [person.status_code, participation.status_code, item.status_code] == [201, 201, 201]
    created = ProgrammeItem.objects.get(pk=item.json()["id"])
    assert [p.slug for p in created.speakers.all()] == ["akhmetov"]
    assert created.title_ru == "Доклад"

    deleted = organiser_client.delete(f"{API}/programme-items/{created.pk}/")

    assert deleted.status_code == 204
    assert not ProgrammeItem.objects.filter(pk=created.pk).exists()


# --- The model's rules ---------------------------------------------------------------------------


def test_an_overlapping_item_is_refused_naming_the_item_it_overlaps(organiser_client, event):
    response = organiser_client.post(
        f"{API}/programme-items/", item_of(event, "10:05", "10:15"), format="json"
    )

    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "10:05–10:15 overlaps" in message
    assert "(10:00–10:10)" in message


def test_an_item_in_a_parallel_room_may_share_the_hall_s_time_but_not_its_room_s(
    organiser_client, event
):
    room = event.rooms.get()
    parallel = organiser_client.post(
        f"{API}/programme-items/", item_of(event, "10:05", "10:15", room=room.pk), format="json"
    )
    clashing = organiser_client.post(
        f"{API}/programme-items/", item_of(event, "10:10", "10:20", room=room.pk), format="json"
    )
    elsewhere = organiser_client.post(
        f"{API}/programme-items/",
        item_of(event, "11:00", "11:10", room=round_table(1).rooms.get().pk),
        format="json",
    )

    assert parallel.status_code == 201, parallel.json()
    assert parallel.json()["room"] == room.pk
    assert clashing.status_code == 400
    assert "overlaps" in clashing.json()["non_field_errors"][0]
    assert elsewhere.status_code == 400
    assert elsewhere.json()["room"] == ["The room belongs to another round table."]


def test_a_room_is_written_with_its_names_and_chair(organiser_client, event):
    chair = event.participations.first().person
    response = organiser_client.post(
        f"{API}/rooms/",
        {"event": event.slug, "name": {"kk": "Кіші зал", "ru": "Малый зал"}, "chair": chair.slug},
        format="json",
    )

    assert response.status_code == 201, response.json()
    room = event.rooms.get(pk=response.json()["id"])
    assert (room.name_kk, room.name_ru, room.chair) == ("Кіші зал", "Малый зал", chair)


def test_moving_an_item_onto_another_is_refused(organiser_client, event):
    first, second = event.programme_items.order_by("start")

    response = organiser_client.patch(
        f"{API}/programme-items/{second.pk}/", {"start": "10:05"}, format="json"
    )
    unchanged = organiser_client.patch(
        f"{API}/programme-items/{first.pk}/", {"kind": "opening"}, format="json"
    )

    assert response.status_code == 400
    assert unchanged.status_code == 200  # an item does not clash with itself


def test_an_item_that_ends_before_it_starts_is_refused(organiser_client, event):
    backwards = organiser_client.post(
        f"{API}/programme-items/", item_of(event, "12:00", "11:00"), format="json"
    )
    half = organiser_client.post(
        f"{API}/programme-items/", item_of(event, "12:00", None), format="json"
    )

    assert backwards.status_code == 400
    assert backwards.json()["end"] == ["The end must be after the start."]
    assert half.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "9999-12-31"), ("date", "1900-05-01"), ("papers_deadline", "2101-01-01T18:00")],
)
def test_a_date_outside_1990_to_2100_is_refused(organiser_client, event, field, value):
    created = organiser_client.post(f"{API}/events/", {**NEW_EVENT, field: value}, format="json")
    moved = organiser_client.patch(
        f"{API}/events/{event.slug}/?lang=ru", {field: value}, format="json"
    )

    assert created.status_code == 400
    assert created.json() == {field: ["Enter a date between 1990 and 2100."]}
    assert moved.status_code == 400
    assert moved.json() == {field: ["Укажите дату с 1990 по 2100 год."]}
    assert not RoundTable.objects.filter(slug=NEW_EVENT["slug"]).exists()


def test_a_required_language_is_reported_under_its_field(organiser_client):
    response = organiser_client.post(
        f"{API}/events/", {**NEW_EVENT, "theme": {"ru": "Только по-русски"}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["theme"]
    assert list(response.json()["theme"]) == ["kk"]


@pytest.mark.parametrize(
    "theme",
    ["Просто строка", {"de": "Thema"}, {"kk": None}, {"kk": "x" * 501}, {"kk": "a\x00b"}],
)
def test_translated_texts_are_validated(organiser_client, theme):
    response = organiser_client.post(f"{API}/events/", {**NEW_EVENT, "theme": theme}, format="json")

    assert response.status_code == 400
    assert "theme" in response.json()


def test_a_person_takes_part_once_and_a_round_table_has_one_moderator(organiser_client, event):
    person = event.participations.first().person
    again = organiser_client.post(
        f"{API}/participations/", {"event": event.slug, "person": person.slug}, format="json"
    )
    moderators = [
        organiser_client.post(
            f"{API}/participations/",
            {"event": event.slug, "person": PersonFactory().slug, "is_moderator": True},
            format="json",
        )
        for _ in range(2)
    ]

    assert again.status_code == 400
    assert "This person already takes part in the round table." in str(again.json())
    assert [response.status_code for response in moderators] == [201, 400]
    assert "A round table has only one moderator." in str(moderators[1].json())


def test_unknown_references_are_refused(organiser_client, event):
    response = organiser_client.post(
        f"{API}/programme-items/",
        item_of(event, "12:00", "12:10", speakers=["nobody", "a\x00b", 10**30]),
        format="json",
    )
    bad_event = organiser_client.post(
        f"{API}/programme-items/", {**item_of(event, "12:00", "12:10"), "event": 7}, format="json"
    )
    bad_rank = organiser_client.patch(
        f"{API}/people/{event.participations.first().person.slug}/",
        {"rank": 10**30},
        format="json",
    )

    assert response.status_code == 400
    assert "speakers" in response.json()
    assert bad_event.status_code == 400
    assert bad_rank.status_code == 400


def test_deleting_a_person_whose_papers_remain_is_a_conflict(organiser_client, event):
    author = event.papers.first().speaker

    response = organiser_client.delete(f"{API}/people/{author.slug}/")

    assert response.status_code == 409
    assert "papers" in response.json()["detail"]
    assert Person.objects.filter(pk=author.pk).exists()


# --- Tokens ---------------------------------------------------------------------------------------


def test_a_deleted_token_no_longer_works(organiser, event):
    client = client_of(organiser)
    assert client.patch(f"{API}/events/{event.slug}/", {}, format="json").status_code == 200

    Token.objects.filter(user=organiser).delete()

    assert client.patch(f"{API}/events/{event.slug}/", {}, format="json").status_code == 401
    assert client.get(f"{API}/events/").status_code == 401


def test_superusers_manage_tokens_in_the_admin_and_organisers_do_not(client, organiser):
    admin = User.objects.create_superuser("root", password="x")

    client.force_login(organiser)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
    client.force_login(admin)
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": organiser.pk})

    assert response.status_code == 302
    assert Token.objects.filter(user=organiser).exists()


def test_an_unknown_language_is_named_with_the_languages_to_use(organiser_client):
    response = organiser_client.post(
        f"{API}/events/?lang=en", {**NEW_EVENT, "theme": {"de": "Thema"}}, format="json"
    )

    assert response.json()["theme"] == ["Unknown language de: use kk, ru, en."]


@pytest.mark.parametrize("target", ["superuser", "staff", "another person's"])
def test_an_organiser_cannot_link_a_person_to_an_account_through_the_api(
    organiser_client, event, speaker, staff, target
):
    """People in the API have no account and no e-mail: writing them is ignored, so a person is
    linked to an account only in the admin, under speakers/account_rules.py."""
    account = {
        "superuser": User.objects.create_superuser("root", "root@academy.kz", "a-long-password"),
        "staff": staff,
        "another person's": speaker,
    }[target]
    person = event.participations.exclude(person__user=speaker).first().person
    created = organiser_client.post(
        f"{API}/people/",
        {
            "slug": "newcomer",
            "surname": {"kk": "ЖАҢА", "ru": "НОВЫЙ"},
            "given_name": {"kk": "Ерлан", "ru": "Ерлан"},
            "user": account.pk,
            "email": "mine@evil.example",
        },
        format="json",
    )
    edited = organiser_client.patch(
        f"{API}/people/{person.slug}/",
        {"user": account.pk, "email": "mine@evil.example"},
        format="json",
    )

    assert (created.status_code, edited.status_code) == (201, 200)
    assert "user" not in created.json() and "email" not in created.json()
    for written in (Person.objects.get(slug="newcomer"), Person.objects.get(pk=person.pk)):
        assert (written.user, written.email) == (None, "")
    account.refresh_from_db()
    assert account.email != "mine@evil.example"
