"""Schedule releases (roundtable/releases.py): the public sees the released programme only, with
what changed since the release before; versions count up even when two organisers release at
once; calendars and schedule apps see changed items' new revisions; speakers whose talks moved
get one letter per release in their language; the release page and the draft's printed preview
are the organisers'."""

import datetime
import io
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar
from pypdf import PdfReader

from roundtable import releases
from roundtable.models import ReleasedItem, RoundTable, ScheduleRelease
from speakers.models import Letter
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoomFactory,
    RoundTableFactory,
    organiser,
    programme_of,
    release,
)
from tests.letters import deliver_letters
from tests.pages import admin_form_data, change_url, page, posted_values, text_of
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db

t = datetime.time


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs=kwargs)


def event_text(client, language, event):
    return text_of(page(client, language, "roundtable:event", slug=event.slug))


def sequences(client, event):
    calendar = Calendar.from_ical(client.get(url("ru", "programme_ics", slug=event.slug)).content)
    return {str(vevent["SUMMARY"]): vevent["SEQUENCE"] for vevent in calendar.events}


@pytest.fixture
def day():
    """A round table with three talks, each by its own speaker (Kazakh, Russian, English
    letters), released once."""
    event = RoundTableFactory(theme_kk="Қауіпсіздік", theme_ru="Безопасность")
    aigerim = PersonFactory(email="aigerim@example.kz", language="kk")
    boris = PersonFactory(email="boris@example.kz", language="ru")
    clara = PersonFactory(email="clara@example.kz", language="en")
    ProgrammeItemFactory(
        event=event, start=t(9, 0), end=t(9, 10), title_ru="Доклад А", speakers=[aigerim]
    )
    ProgrammeItemFactory(
        event=event, start=t(9, 10), end=t(9, 20), title_ru="Доклад Б", speakers=[boris]
    )
    ProgrammeItemFactory(
        event=event, start=t(9, 20), end=t(9, 30), title_ru="Доклад В", speakers=[clara]
    )
    return release(event)


def talk(event, title):
    return event.programme_items.get(title_ru=title)


def test_before_any_release_the_public_sees_no_programme(client):
    event = RoundTableFactory()
    ProgrammeItemFactory(event=event, title_ru="Черновой доклад")
    for language, sentence in (
        ("kk", "Бағдарлама әлі шығарылған жоқ."),
        ("ru", "Программа ещё не выпущена."),
        ("en", "The programme has not been released yet."),
    ):
        text = event_text(client, language, event)
        assert sentence in text
        assert "Черновой доклад" not in text
    calendar = Calendar.from_ical(client.get(url("ru", "programme_ics", slug=event.slug)).content)
    assert calendar.events == []
    assert (
        client.get(url("ru", "schedule_json", slug=event.slug)).json()["schedule"]["version"] == "0"
    )


def test_a_draft_edit_is_seen_only_once_released(client, day):
    item = talk(day, "Доклад Б")
    item.start, item.end = t(11, 0), t(11, 10)
    item.title_ru = "Доклад Б, новое название"
    item.save()

    for language in ("ru", "en"):
        text = event_text(client, language, day)
        assert "09:10 – 09:20" in text
        assert "Доклад Б, новое название" not in text

    release(day)
    text = event_text(client, "ru", day)
    assert "11:00 – 11:10" in text
    assert "Доклад Б, новое название" in text


def test_speaker_pages_and_the_api_show_the_release_and_the_draft_stays_private(client, day):
    item = talk(day, "Доклад Б")
    item.title_ru = "Черновое название"
    item.save()
    boris = item.speakers.get()
    ParticipationFactory(event=day, person=boris, is_speaker=True)

    speaker = page(client, "ru", "roundtable:speaker", slug=day.slug, person=boris.slug)
    assert "Доклад Б" in speaker
    assert "Черновое название" not in speaker
    released = client.get(f"/api/v1/programme/?event={day.slug}&lang=ru").json()["results"]
    assert [entry["title"] for entry in released] == ["Доклад А", "Доклад Б", "Доклад В"]
    assert {entry["version"] for entry in released} == {1}
    assert released[1]["id"] == item.pk  # the draft item's id, kept in every release
    assert client.get(f"/api/v1/programme-items/?event={day.slug}").json()["results"] == []

    client.force_login(organiser())
    drafts = client.get(f"/api/v1/programme-items/?event={day.slug}&lang=ru").json()["results"]
    assert "Черновое название" in [entry["title"] for entry in drafts]


@pytest.mark.django_db(transaction=True)
def test_releases_at_once_get_consecutive_versions():
    event = RoundTableFactory()
    ProgrammeItemFactory(event=event)
    barrier = threading.Barrier(4)
    errors = []

    def release_now():
        try:
            barrier.wait()
            releases.release(event, None)
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=release_now) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = sorted(ScheduleRelease.objects.filter(event=event).values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]
    event.refresh_from_db()
    assert event.current_release.version == 4
    assert ReleasedItem.objects.filter(release__event=event).count() == 4


def test_the_change_list_in_each_language(client, day):
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    talk(day, "Доклад В").delete()
    retitled = talk(day, "Доклад Б")
    retitled.title_ru = "Доклад Б (уточнён)"
    retitled.save()
    ProgrammeItemFactory(event=day, start=t(11, 0), end=t(11, 10), title_ru="Новый доклад")
    release(day, {"kk": "Кесте нақтыланды", "ru": "Расписание уточнено"})

    kazakh = event_text(client, "kk", day)
    assert "Бағдарламаның 2-нұсқасы" in kazakh
    assert "Кесте нақтыланды" in kazakh
    assert "Алдыңғы нұсқадан бергі өзгерістер" in kazakh
    assert "Доклад А : 09:00–09:10 уақытынан 10:00–10:10 уақытына ауыстырылды" in kazakh
    assert "Доклад В : бағдарламадан алынып тасталды" in kazakh
    assert "Новый доклад : бағдарламаға қосылды (11:00–11:10)" in kazakh
    assert "атауы өзгерді, бұрынғысы «Доклад Б»" in kazakh

    russian = event_text(client, "ru", day)
    assert "Версия 2 программы" in russian
    assert "Расписание уточнено" in russian
    assert "Доклад А : перенесён с 09:00–09:10 на 10:00–10:10" in russian
    assert "Доклад В : исключён из программы" in russian
    # The title keeps the talk's own language on every page.
    html = page(client, "kk", "roundtable:event", slug=day.slug)
    assert '<span class="release-change-item" lang="ru">Доклад А</span>' in html


def test_the_organiser_sees_the_changes_before_releasing(client, day):
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    client.force_login(organiser())
    address = reverse("admin:roundtable_roundtable_release", args=[day.pk])
    text = text_of(client.get(address, headers={"accept-language": "ru"}).text)
    assert "Посетители видят версию 1" in text
    assert "Версия 2: что изменится" in text
    assert "Доклад А : перенесён с 09:00–09:10 на 10:00–10:10" in text

    response = client.post(address, {"comment_kk": "", "comment_ru": "Перенос", "comment_en": ""})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.current_release.version == 2
    assert day.current_release.comment_ru == "Перенос"
    assert day.current_release.released_by is not None


def test_only_changed_items_get_a_new_sequence(client, day):
    assert set(sequences(client, day).values()) == {0}
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    room = RoomFactory(event=day)
    placed = talk(day, "Доклад Б")
    placed.room = room
    placed.save()
    release(day)
    assert sequences(client, day) == {"Доклад А": 1, "Доклад Б": 1, "Доклад В": 0}

    talk(day, "Доклад В").speakers.add(PersonFactory())
    release(day)
    assert sequences(client, day) == {"Доклад А": 1, "Доклад Б": 1, "Доклад В": 1}


def test_frab_carries_the_release_version(client, day):
    first = client.get(url("ru", "schedule_xml", slug=day.slug)).content.decode()
    assert "<version>1</version>" in first
    item = talk(day, "Доклад А")
    item.title_ru = "Другое"
    item.save()
    assert "<version>1</version>" in client.get(url("ru", "schedule_xml", slug=day.slug)).text
    release(day)
    assert "<version>2</version>" in client.get(url("ru", "schedule_xml", slug=day.slug)).text


def release_and_write(event, django_capture_on_commit_callbacks, comment=None):
    """Release as the admin does, then run the letters' task as the worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        made = releases.release(event, None, comment)
    releases.write_letters.call(made.pk)
    return made


def test_the_first_release_writes_no_letters(django_capture_on_commit_callbacks):
    event = RoundTableFactory()
    ProgrammeItemFactory(event=event, speakers=[PersonFactory(email="a@example.kz")])
    made = release_and_write(event, django_capture_on_commit_callbacks)
    assert made.version == 1
    assert not Letter.objects.exists()


def test_speakers_whose_talks_changed_get_one_letter_in_their_language(
    day, django_capture_on_commit_callbacks
):
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    cospeaker = PersonFactory(email="dana@example.kz", language="ru")
    talk(day, "Доклад Б").speakers.add(cospeaker)
    retitled = talk(day, "Доклад В")
    retitled.title_ru = "Доклад В (уточнён)"  # a new title alone tells no one
    retitled.save()

    made = release_and_write(day, django_capture_on_commit_callbacks)
    deliver_letters()

    letters = {message.to[0]: message for message in mail.outbox}
    assert set(letters) == {"aigerim@example.kz", "boris@example.kz", "dana@example.kz"}
    kazakh = letters["aigerim@example.kz"]
    assert kazakh.subject == "Бағдарлама өзгерді: Қауіпсіздік"
    assert "09:00–09:10 уақытынан 10:00–10:10 уақытына ауыстырылды" in kazakh.body
    russian = letters["boris@example.kz"]
    assert russian.subject == "Программа изменилась: Безопасность"
    assert "изменены докладчики:" in russian.body
    assert "/ru/" in russian.body
    assert Letter.objects.filter(kind=Letter.Kind.SCHEDULE_CHANGE).count() == 3
    assert set(releases.letters.letters_about(made).values_list("to", flat=True)) == set(letters)


def test_a_retried_task_writes_no_letter_twice(day, django_capture_on_commit_callbacks):
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    made = release_and_write(day, django_capture_on_commit_callbacks)
    assert releases.write_letters.call(made.pk) == 0  # the task run again
    deliver_letters()
    deliver_letters()
    assert [message.to for message in mail.outbox] == [["aigerim@example.kz"]]

    release_and_write(day, django_capture_on_commit_callbacks)  # nothing changed: no letter
    assert Letter.objects.count() == 1


def test_the_chair_of_a_room_is_told_what_changed_in_it_and_other_chairs_nothing(
    day, django_capture_on_commit_callbacks
):
    chair = PersonFactory(email="erlan@example.kz", language="kk")
    room = RoomFactory(event=day, chair=chair, name_kk="Б залы", name_ru="Зал Б")
    quiet = RoomFactory(event=day, chair=PersonFactory(email="quiet@example.kz"))
    farida = PersonFactory(email="farida@example.kz", language="ru")
    section = ProgrammeItemFactory(
        event=day, room=room, start=t(9, 0), end=t(9, 15), title_ru="Секция Б", speakers=[farida]
    )
    ProgrammeItemFactory(event=day, room=quiet, start=t(9, 0), end=t(9, 15), title_ru="Секция В")
    release(day)
    section.start, section.end = t(9, 30), t(9, 45)
    section.save()
    ProgrammeItemFactory(event=day, room=room, start=t(10, 0), end=t(10, 15), title_ru="Новый")

    made = release_and_write(day, django_capture_on_commit_callbacks)
    assert releases.write_letters.call(made.pk) == 0  # the task run again writes none twice
    deliver_letters()

    letters = {message.to[0]: message for message in mail.outbox}
    assert set(letters) == {"erlan@example.kz", "farida@example.kz"}
    kazakh = letters["erlan@example.kz"].body
    assert "09:00–09:15 уақытынан 09:30–09:45 уақытына ауыстырылды" in kazakh
    assert "10:00–10:15 уақытында қосылды, Б залы" in kazakh
    assert "Новый" not in letters["farida@example.kz"].body  # not her talk, not her room


def test_the_moderator_who_speaks_in_the_hall_gets_one_letter_with_each_change_once(
    day, django_capture_on_commit_callbacks
):
    aigerim = talk(day, "Доклад А").speakers.get()
    ParticipationFactory(event=day, person=aigerim, is_moderator=True)  # she chairs the hall
    for title, start, end in (
        ("Доклад А", t(10, 0), t(10, 10)),
        ("Доклад Б", t(10, 10), t(10, 20)),
    ):
        moved = talk(day, title)
        moved.start, moved.end = start, end
        moved.save()

    release_and_write(day, django_capture_on_commit_callbacks)
    deliver_letters()

    letters = {message.to[0]: message.body for message in mail.outbox}
    assert set(letters) == {"aigerim@example.kz", "boris@example.kz"}
    assert letters["aigerim@example.kz"].count("«Доклад А»") == 1
    assert "«Доклад Б»" in letters["aigerim@example.kz"]
    assert "«Доклад А»" not in letters["boris@example.kz"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_release_and_preview(client, day, role):
    user = user_in(role, day)
    if user.is_authenticated:
        client.force_login(user)
    release_page = client.get(reverse("admin:roundtable_roundtable_release", args=[day.pk]))
    preview = client.get(reverse("admin:roundtable_roundtable_programme_preview", args=[day.pk]))
    expected = {"anonymous": 302, "outsider": 302, "participant": 302, "staff": 403}
    assert release_page.status_code == expected.get(role, 200)
    assert preview.status_code == expected.get(role, 200)
    posted = client.post(reverse("admin:roundtable_roundtable_release", args=[day.pk]))
    assert posted.status_code == expected.get(role, 302)
    assert RoundTable.objects.get(pk=day.pk).current_release.version == (
        2 if role == "organiser" else 1
    )


def test_the_preview_prints_the_draft_marked_as_such(client, day):
    item = talk(day, "Доклад А")
    item.title_ru = "Черновое название доклада"
    item.save()
    client.force_login(organiser())
    response = client.get(reverse("admin:roundtable_roundtable_programme_preview", args=[day.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))
    assert "Жоба — әлі шығарылған жоқ" in text
    assert "Черновик — не выпущен" in text
    assert text.count("Черновое название доклада") == 2  # in the Kazakh and the Russian part
    # The public PDF is still the release's, unmarked.
    public = client.get(url("ru", "programme_pdf", slug=day.slug))
    public_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(public.content)).pages)
    assert "Черновое название доклада" not in public_text
    assert "Черновик" not in public_text


@pytest.mark.parametrize("talks", [2, 40])
def test_event_page_queries_with_a_change_list(client, django_assert_num_queries, talks):
    event = programme_of(RoundTableFactory(), talks)
    first = event.programme_items.order_by("start").first()
    first.title_ru = "Новое название"
    first.save()
    release(event)
    # the version, event with its release, items, their speakers, participations, the talks'
    # papers, and for the change list the release before, its items and their speakers
    with django_assert_num_queries(9):
        html = page(client, "kk", "roundtable:event", slug=event.slug)
    assert html.count('class="programme-item ') == talks
    assert html.count('class="release-change"') == 1


def release_page(client, event, language="en"):
    return client.get(
        reverse("admin:roundtable_roundtable_release", args=[event.pk]),
        headers={"accept-language": language},
    )


def confirm(client, event, page, language="en"):
    """The release page's form sent back as rendered, with a Russian comment."""
    data = {**posted_values([page.context["form"]]), "comment_ru": "Перенос"}
    return client.post(
        reverse("admin:roundtable_roundtable_release", args=[event.pk]),
        data,
        headers={"accept-language": language},
    )


@pytest.fixture
def two_organisers(client):
    """Two organisers, each signed in in their own browser."""
    other = Client()
    client.force_login(organiser("first"))
    other.force_login(organiser("second"))
    return client, other


def test_a_draft_changed_after_the_release_page_was_read_is_not_released(two_organisers, day):
    first, second = two_organisers
    page_read = release_page(first, day)
    assert "Nothing has changed since the last release." in text_of(page_read.text)

    # The second organiser moves a talk in the item's admin form meanwhile.
    item = talk(day, "Доклад Б")
    form = second.get(change_url(item))
    second.post(change_url(item), {**admin_form_data(form), "start": "11:00", "end": "11:10"})
    assert talk(day, "Доклад Б").start == t(11, 0)

    refused = confirm(first, day, page_read, "kk")
    assert refused.status_code == 200
    text = text_of(refused.text)
    assert (
        "Сіз бұл бетті ашқаннан кейін бағдарлама жобасын басқа біреу өзгертті немесе нұсқасын "
        "шығарды." in text
    )
    assert "Доклад Б : 09:10–09:20 уақытынан 11:00–11:10 уақытына ауыстырылды" in text
    assert ScheduleRelease.objects.filter(event=day).count() == 1
    assert RoundTable.objects.get(pk=day.pk).current_release.version == 1

    # Confirmed again from the page that now lists the move, it is released.
    assert confirm(first, day, refused).status_code == 302
    day.refresh_from_db()
    assert (day.current_release.version, day.current_release.comment_ru) == (2, "Перенос")
    assert day.programme.get(item=item).start == t(11, 0)


def test_a_release_made_by_someone_else_meanwhile_refuses_the_older_page(two_organisers, day):
    first, second = two_organisers
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    page_read = release_page(first, day)
    assert confirm(second, day, release_page(second, day)).status_code == 302

    refused = confirm(first, day, page_read)
    assert refused.status_code == 200
    assert "released it after you opened this page" in refused.text
    assert "Nothing has changed since the last release." in text_of(refused.text)
    assert 'value="Release version 3"' in refused.text
    assert ScheduleRelease.objects.filter(event=day).count() == 2


def test_a_change_the_list_does_not_name_refuses_the_older_page_too(two_organisers, day):
    # An item's order (which places untimed items) is in no line of the list, yet the release
    # would publish it.
    first, _second = two_organisers
    page_read = release_page(first, day)
    item = talk(day, "Доклад В")
    item.order += 10
    item.save()
    assert confirm(first, day, page_read).status_code == 200
    assert ScheduleRelease.objects.filter(event=day).count() == 1


def test_a_page_still_as_it_was_read_releases(two_organisers, day):
    first, _second = two_organisers
    moved = talk(day, "Доклад А")
    moved.start, moved.end = t(10, 0), t(10, 10)
    moved.save()
    page_read = release_page(first, day)
    ProgrammeItemFactory(event=RoundTableFactory())  # another round table's draft changes nothing

    response = confirm(first, day, page_read)

    assert response.status_code == 302
    day.refresh_from_db()
    assert day.current_release.version == 2
    assert day.programme.get(item=moved).start == t(10, 0)


@pytest.mark.parametrize("talks", [2, 40])
def test_the_release_page_queries(client, django_assert_num_queries, talks):
    event = programme_of(RoundTableFactory(), talks)
    first = event.programme_items.order_by("start").first()
    first.title_ru = "Новое название"
    first.save()
    client.force_login(organiser())
    release_page(client, event)  # Django's content types, read once per process
    # the session, the user, their and their group's permissions, the round table with its
    # release, the draft items with their rooms, their speakers, the released items, their
    # speakers
    with django_assert_num_queries(9):
        page_read = release_page(client, event)
    assert "Новое название" in page_read.text
