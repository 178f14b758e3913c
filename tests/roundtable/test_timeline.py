"""The timeline editor of a round table's day (roundtable/timeline.py, RoundTableAdmin's timeline
views): moves checked as the forms check them plus double bookings, refused with the nearest free
time; pushing the later items and undoing it; a move over someone else's change refused; the
data endpoint's queries pinned; who may open it."""

import datetime
import json
import re
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from proceedings import reviewing
from roundtable import timeline
from tests.factories import (
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoomFactory,
    RoundTableFactory,
    organiser,
    speaker,
    staff,
    superuser,
)

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return datetime.time(hour, minute)


def minutes(hour, minute=0):
    return hour * 60 + minute


@pytest.fixture
def day():
    """A morning in the hall and a parallel room B: Aibek speaks in the hall at 10:00–10:20,
    then Dana at 10:20–10:40; in room B, Serik at 10:10–10:25."""
    event = RoundTableFactory()
    room = RoomFactory(event=event, name_kk="B бөлмесі", name_ru="Зал B", name_en="Room B")
    aibek, dana, serik = (PersonFactory(surname_en=name, given_name_en="A") for name in "ADS")
    first = ProgrammeItemFactory(
        event=event, start=at(10), end=at(10, 20), title_ru="Первый", speakers=[aibek]
    )
    second = ProgrammeItemFactory(
        event=event, start=at(10, 20), end=at(10, 40), title_ru="Второй", speakers=[dana]
    )
    parallel = ProgrammeItemFactory(
        event=event,
        room=room,
        start=at(10, 10),
        end=at(10, 25),
        title_ru="В зале B",
        speakers=[serik],
    )
    return {
        "event": event,
        "room": room,
        "first": first,
        "second": second,
        "parallel": parallel,
        "aibek": aibek,
        "serik": serik,
    }


def version(event):
    return timeline.Day(event).version


def move(event, item, start, end, room=None, **extra):
    return timeline.move(event, timeline.Move(item.pk, start, end, room, **extra), version(event))


def stored(item):
    item.refresh_from_db()
    return item.start, item.end, item.room_id


def test_an_item_moves_10_minutes_later_into_free_time_and_the_next_stays(day):
    last = ProgrammeItemFactory(event=day["event"], start=at(11), end=at(11, 20))
    undo = move(day["event"], day["second"], minutes(10, 30), minutes(10, 50))
    assert stored(day["second"]) == (at(10, 30), at(10, 50), None)
    assert stored(last) == (at(11), at(11, 20), None)
    assert undo == timeline.Move(day["second"].pk, minutes(10, 20), minutes(10, 40), None)


def test_a_move_onto_the_next_item_is_refused_naming_it(day):
    with pytest.raises(timeline.Refused, match="overlaps “Второй”"):
        move(day["event"], day["first"], minutes(10, 10), minutes(10, 30))
    assert stored(day["first"]) == (at(10), at(10, 20), None)


def test_the_later_items_move_too_when_asked_and_undo_brings_them_back(day):
    event = day["event"]
    undo = move(event, day["first"], minutes(10, 10), minutes(10, 30), later=True)
    assert stored(day["first"]) == (at(10, 10), at(10, 30), None)
    assert stored(day["second"]) == (at(10, 30), at(10, 50), None)
    assert stored(day["parallel"]) == (at(10, 10), at(10, 25), day["room"].pk)  # another room
    timeline.move(event, undo, version(event))
    assert stored(day["first"]) == (at(10), at(10, 20), None)
    assert stored(day["second"]) == (at(10, 20), at(10, 40), None)


def test_a_resize_pushing_the_later_items_changes_the_end_only(day):
    move(day["event"], day["first"], minutes(10), minutes(10, 25), later=True)
    assert stored(day["first"]) == (at(10), at(10, 25), None)
    assert stored(day["second"]) == (at(10, 25), at(10, 45), None)


def test_a_speaker_in_another_room_at_that_time_is_refused_with_the_nearest_free_time(day):
    # Serik speaks in room B at 10:10–10:25; his second talk, in the hall, is dragged to 10:45.
    talk = ProgrammeItemFactory(
        event=day["event"], start=at(11), end=at(11, 15), speakers=[day["serik"]]
    )
    day["parallel"].start, day["parallel"].end = at(10, 45), at(10, 55)
    day["parallel"].save()
    with pytest.raises(timeline.Refused) as refused:
        move(day["event"], talk, minutes(10, 40), minutes(10, 55))
    assert refused.value.message == (
        f"{day['serik'].short_name} is speaking in Room B at 10:45–10:55. Move this talk to 10:55?"
    )
    assert refused.value.fix == timeline.Move(talk.pk, minutes(10, 55), minutes(11, 10), None)
    assert stored(talk) == (at(11), at(11, 15), None)
    move(day["event"], talk, refused.value.fix.start, refused.value.fix.end)
    assert stored(talk) == (at(10, 55), at(11, 10), None)


def test_a_push_that_books_a_later_speaker_twice_offers_to_push_the_later_items_further(day):
    # Dana speaks in the hall at 10:20–10:40 and in room B at 10:45–11:00: stretching the first
    # talk to 10:30 and pushing her talk to 10:30–10:50 would put her in both rooms at once.
    event, dana = day["event"], day["second"].speakers.get()
    ProgrammeItemFactory(
        event=event, room=day["room"], start=at(10, 45), end=at(11), speakers=[dana]
    )
    with pytest.raises(timeline.Refused) as refused:
        move(event, day["first"], minutes(10), minutes(10, 30), later=True)
    assert refused.value.message == (
        f"{dana.short_name} is speaking in Room B at 10:45–11:00. "
        "Move the later items of Main hall on, to begin at 11:00?"
    )
    assert stored(day["first"]) == (at(10), at(10, 20), None)  # nothing saved
    fix = refused.value.fix
    assert fix == timeline.Move(
        day["first"].pk, minutes(10), minutes(10, 30), None, shift=(day["second"].pk, 40)
    )
    undo = timeline.move(event, timeline.Move.from_data(fix.as_data()), version(event))
    assert stored(day["first"]) == (at(10), at(10, 30), None)
    assert stored(day["second"]) == (at(11), at(11, 20), None)
    timeline.move(event, undo, version(event))
    assert stored(day["second"]) == (at(10, 20), at(10, 40), None)


def test_the_chair_of_a_room_and_the_moderator_of_the_hall_are_double_booked_too(day):
    event, chair = day["event"], PersonFactory(surname_en="Chair", given_name_en="C")
    day["room"].chair = chair
    day["room"].save()
    ParticipationFactory(event=event, person=day["aibek"], is_moderator=True)
    talk = ProgrammeItemFactory(event=event, start=at(12), end=at(12, 10), speakers=[chair])
    day["parallel"].start, day["parallel"].end = at(11), at(11, 15)
    day["parallel"].save()
    with pytest.raises(timeline.Refused, match="chairs Room B at 11:00–11:15"):
        move(event, talk, minutes(11, 5), minutes(11, 10))
    # Aibek moderates the hall: his own talk in room B during the hall's items clashes.
    talk.speakers.set([day["aibek"]])
    with pytest.raises(timeline.Refused, match="chairs Main hall at 10:20–10:40"):
        move(event, talk, minutes(10, 30), minutes(10, 40), day["room"].pk)


def test_a_room_without_a_chair_has_none_while_the_moderator_chairs_the_hall(day):
    # Aibek moderates; room B, without a chair, runs beside the hall: nobody is in two places.
    event = day["event"]
    ParticipationFactory(event=event, person=day["aibek"], is_moderator=True)
    data = timeline.day(event)
    assert [room["chair"] for room in data["rooms"]] == [day["aibek"].pk, None]
    assert data["warnings"] == []
    move(event, day["parallel"], minutes(10, 15), minutes(10, 30), day["room"].pk)
    assert stored(day["parallel"]) == (at(10, 15), at(10, 30), day["room"].pk)


def test_a_move_between_rooms_keeps_the_room_s_own_rule(day):
    with pytest.raises(timeline.Refused, match="overlaps “В зале B”"):
        move(day["event"], day["second"], minutes(10, 20), minutes(10, 40), day["room"].pk)
    move(day["event"], day["second"], minutes(10, 25), minutes(10, 45), day["room"].pk)
    assert stored(day["second"]) == (at(10, 25), at(10, 45), day["room"].pk)


def test_a_move_made_on_an_older_day_is_refused_and_nothing_is_saved(day):
    seen = version(day["event"])
    # Meanwhile someone moves the parallel talk in the room's form.
    day["parallel"].start, day["parallel"].end = at(9), at(9, 15)
    day["parallel"].save()
    with pytest.raises(timeline.Refused, match="Someone else changed") as refused:
        timeline.move(
            day["event"],
            timeline.Move(day["second"].pk, minutes(10, 30), minutes(10, 50), None),
            seen,
        )
    assert refused.value.stale
    assert stored(day["second"]) == (at(10, 20), at(10, 40), None)


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_from_one_version_save_one_and_refuse_the_other(day):
    """Two organisers move different items of the day from the same version, together, ten
    times: each time one move is saved and the other refused as made on an older day."""
    event = day["event"]
    for attempt in range(10):
        seen, outcomes, start = version(event), [], threading.Barrier(2)
        moves = [
            timeline.Move(day["first"].pk, minutes(9, attempt), minutes(9, 20 + attempt), None),
            timeline.Move(
                day["parallel"].pk, minutes(11, attempt), minutes(11, 15), day["room"].pk
            ),
        ]

        def send(move, seen=seen, outcomes=outcomes, start=start):
            start.wait()
            try:
                timeline.move(event, move, seen)
                outcomes.append("saved")
            except timeline.Refused as refusal:
                outcomes.append("stale" if refusal.stale else refusal.message)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=[move]) for move in moves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["saved", "stale"], attempt


def test_an_item_of_another_round_table_is_not_moved_from_this_one(day):
    stranger = ProgrammeItemFactory(start=at(15), end=at(15, 10))
    with pytest.raises(timeline.Refused, match="no longer in the programme"):
        move(day["event"], stranger, minutes(16), minutes(16, 10))
    assert stored(stranger) == (at(15), at(15, 10), None)


def test_a_change_the_timeline_does_not_show_leaves_its_version(day):
    seen = version(day["event"])
    day["first"].title_ru = "Первый, исправленный"
    day["first"].save()
    PaperFactory(event=day["event"])
    assert version(day["event"]) == seen


def test_a_move_saves_through_the_model_and_moves_the_data_version(day):
    """The draft's data version moves (the admin's caches); calendars learn of it at the release
    (roundtable/releases.py counts the revisions)."""
    event = day["event"]
    before = event.data_version
    move(event, day["second"], minutes(10, 40), minutes(11))
    event.refresh_from_db()
    day["second"].refresh_from_db()
    assert event.data_version > before
    assert (day["second"].start, day["second"].end) == (datetime.time(10, 40), datetime.time(11))


def test_the_database_has_the_last_word_and_its_refusal_is_answered(day, monkeypatch):
    # Were the rules to miss an overlap, the exclusion constraint refuses it before the commit.
    monkeypatch.setattr(timeline.schedule, "find_clash", lambda item, others: None)
    with pytest.raises(timeline.Refused, match="two items of one room overlap"):
        move(day["event"], day["first"], minutes(10, 10), minutes(10, 30))
    assert stored(day["first"]) == (at(10), at(10, 20), None)


def test_a_move_out_of_the_day_is_refused(day):
    with pytest.raises(timeline.Refused, match="within the day"):
        move(day["event"], day["first"], minutes(23, 50), minutes(24, 10))


def test_an_item_without_a_time_is_placed_and_its_undo_takes_it_off_the_timeline(day):
    event = day["event"]
    closing = ProgrammeItemFactory(event=event, start=None, end=None, title_ru="Закрытие")
    undo = move(event, closing, minutes(10, 40), minutes(10, 55))
    assert stored(closing) == (at(10, 40), at(10, 55), None)
    assert undo == timeline.Move(closing.pk, None, None, None)
    timeline.move(event, undo, version(event))
    assert stored(closing) == (None, None, None)


def test_an_item_without_a_time_placed_onto_another_is_refused_and_keeps_no_time(day):
    closing = ProgrammeItemFactory(event=day["event"], start=None, end=None)
    with pytest.raises(timeline.Refused, match="overlaps “Второй”"):
        move(day["event"], closing, minutes(10, 30), minutes(10, 45))
    assert stored(closing) == (None, None, None)


def test_the_day_offers_the_items_without_a_time_as_long_as_most_talks(day):
    closing = ProgrammeItemFactory(event=day["event"], start=None, end=None, title_ru="Закрытие")
    data = timeline.day(day["event"])
    assert [(item["id"], item["title"]["text"]) for item in data["untimed"]] == [
        (closing.pk, "Закрытие")
    ]
    assert closing.pk not in {item["id"] for item in data["items"]}
    assert data["length"] == 20  # two talks of 20 minutes, one of 15


def test_the_day_s_data_names_rooms_items_people_and_warnings(day):
    day["parallel"].speakers.add(day["aibek"])  # Aibek in both rooms at 10:10–10:20
    data = timeline.day(day["event"])
    assert [room["name"] for room in data["rooms"]] == ["Main hall", "Room B"]
    first = next(item for item in data["items"] if item["id"] == day["first"].pk)
    assert first["title"] == {"text": "Первый", "lang": "ru"}
    assert (first["start"], first["end"], first["room"]) == (minutes(10), minutes(10, 20), None)
    assert data["people"][day["aibek"].pk] == day["aibek"].short_name
    assert [warning["items"] for warning in data["warnings"]] == [
        [day["first"].pk, day["parallel"].pk]
    ]


# --- The endpoints --------------------------------------------------------------------------


def urls(event):
    return {
        name: reverse(f"admin:roundtable_roundtable_timeline{suffix}", args=[event.pk])
        for name, suffix in (("page", ""), ("data", "_data"), ("move", "_move"))
    }


def post_move(client, event, body):
    return client.post(urls(event)["move"], json.dumps(body), content_type="application/json")


def test_the_move_endpoint_answers_the_new_day_and_the_undo(client, day, organiser):
    client.force_login(organiser)
    event = day["event"]
    body = {
        "item": day["second"].pk,
        "start": minutes(10, 30),
        "end": minutes(10, 50),
        "room": None,
        "version": version(event),
    }
    answer = post_move(client, event, body)
    assert answer.status_code == 200
    assert answer.json()["undo"]["start"] == minutes(10, 20)
    assert answer.json()["day"]["version"] == version(event)
    assert stored(day["second"]) == (at(10, 30), at(10, 50), None)
    # The same move again, from the version it was made on: refused, and the day comes along.
    refused = post_move(client, event, body)
    assert refused.status_code == 409
    assert refused.json()["stale"] is True
    assert refused.json()["day"]["version"] == version(event)


def test_a_refusal_in_kazakh_offers_the_fix(client, day, organiser):
    client.force_login(organiser)
    event = day["event"]
    talk = ProgrammeItemFactory(event=event, start=at(11), end=at(11, 10), speakers=[day["serik"]])
    day["parallel"].start, day["parallel"].end = at(10, 45), at(10, 55)
    day["parallel"].save()
    body = {
        "item": talk.pk,
        "start": minutes(10, 40),
        "end": minutes(10, 50),
        "room": None,
        "version": version(event),
    }
    answer = client.post(
        urls(event)["move"],
        json.dumps(body),
        content_type="application/json",
        headers={"accept-language": "kk"},
    )
    assert answer.status_code == 409
    assert "10:45–10:55" in answer.json()["error"] and "B бөлмесі" in answer.json()["error"]
    assert answer.json()["fix"]["start"] == minutes(10, 55)


def test_the_move_endpoint_wants_the_csrf_token(day, organiser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    body = {
        "item": day["second"].pk,
        "start": 630,
        "end": 650,
        "room": None,
        "version": version(day["event"]),
    }
    assert post_move(client, day["event"], body).status_code == 403
    assert stored(day["second"]) == (at(10, 20), at(10, 40), None)


def test_a_move_that_cannot_be_read_is_a_bad_request(client, day, organiser):
    client.force_login(organiser)
    assert post_move(client, day["event"], {"item": "x"}).status_code == 400
    assert post_move(client, day["event"], [1, 2]).status_code == 400
    half = {"item": day["first"].pk, "start": minutes(11), "end": None, "room": None}
    assert post_move(client, day["event"], half).status_code == 400
    assert stored(day["first"]) == (at(10), at(10, 20), None)


@pytest.mark.parametrize("talks", [2, 40])
def test_the_data_endpoint_reads_the_day_in_the_same_queries_for_2_and_40_items(
    client, django_assert_num_queries, organiser, talks
):
    event = RoundTableFactory()
    rooms = [RoomFactory(event=event, chair=PersonFactory()) for _number in range(2)]
    ParticipationFactory(event=event, is_moderator=True)
    for number in range(talks):
        start = datetime.datetime(2025, 5, 23, 9) + datetime.timedelta(minutes=10 * number)
        ProgrammeItemFactory(
            event=event,
            room=rooms[number % 2] if number % 3 else None,
            start=start.time(),
            end=(start + datetime.timedelta(minutes=10)).time(),
            speakers=[PersonFactory(), PersonFactory()],
        )
    client.force_login(organiser)
    # the session, the user, the user's and the group's permissions, the round table, its items,
    # their speakers, the rooms with their chairs, the moderator
    with django_assert_num_queries(9):
        answer = client.get(urls(event)["data"])
    assert len(answer.json()["items"]) == talks


# --- Who may plan the day ---------------------------------------------------------------------

ROLES = ["anonymous", "applicant", "speaker", "reviewer", "staff", "organiser", "superuser"]


def user_of(role, event):
    if role == "anonymous":
        return AnonymousUser()
    if role in ("applicant", "speaker", "reviewer"):
        user = speaker(role)
        if role == "applicant":
            PaperFactory(event=event, speaker=user.person, status="submitted")
        if role == "speaker":
            ProgrammeItemFactory(event=event, start=at(12), end=at(12, 10), speakers=[user.person])
        if role == "reviewer":
            reviewing.assign(
                PaperFactory(event=event, status="submitted"), user.person, organiser("chair")
            )
        return user
    return {"staff": staff, "organiser": organiser, "superuser": superuser}[role]()


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_plan_the_day(client, day, role):
    event = day["event"]
    user = user_of(role, event)
    if user.is_authenticated:
        client.force_login(user)
    body = {
        "item": day["second"].pk,
        "start": minutes(10, 30),
        "end": minutes(10, 50),
        "room": None,
        "version": version(event),
    }
    answers = [
        client.get(urls(event)["page"]),
        client.get(urls(event)["data"]),
        post_move(client, event, body),
    ]
    allowed = role in ("organiser", "superuser")
    for answer in answers:
        if allowed:
            assert answer.status_code == 200
        elif role == "staff":
            assert answer.status_code == 403
        else:  # not staff: the admin's sign-in page
            assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    assert stored(day["second"])[0] == (at(10, 30) if allowed else at(10, 20))


def test_the_round_table_s_page_and_list_link_to_the_timeline(client, day, organiser):
    client.force_login(organiser)
    event = day["event"]
    change = client.get(reverse("admin:roundtable_roundtable_change", args=[event.pk])).text
    listing = client.get(reverse("admin:roundtable_roundtable_changelist")).text
    assert urls(event)["page"] in change and urls(event)["page"] in listing


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Соңғы ауыстыруды болдырмау", "Сақталды:", "Негізгі зал", "5 минутқа"]),
        ("ru", ["Отменить последний перенос", "Сохранено:", "Основной зал", "на 5 минут"]),
    ],
)
def test_the_timeline_page_speaks_the_organisers_language_with_no_script_of_its_own(
    client, day, organiser, language, words
):
    client.force_login(organiser)
    html = client.get(urls(day["event"])["page"], headers={"accept-language": language}).text
    data = {  # what the script reads: the day and its sentences
        name: json.loads(re.search(rf'<script id="timeline-{name}"[^>]*>(.*?)</script>', html)[1])
        for name in ("day", "phrases")
    }
    shown = f"{html} {data['phrases']} {data['day']['rooms']}"
    for text in words:  # the page's own words, the keys it documents, the script's sentences
        assert text in shown, text
    for english in ("Undo the last move", "Saved:", "Main hall", "Drag a talk"):
        assert english not in shown, english
    page = html.split('id="timeline"')[1]
    assert 'id="timeline-keys"' in page  # what the blocks' aria-describedby names
    assert "<script>" not in page and "style=" not in page  # CSP: nothing inline
    assert "roundtable/timeline.js" in html and "roundtable/timeline.css" in html
