import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from roundtable.models import ProgrammeItem
from tests.factories import (
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoomFactory,
    RoundTableFactory,
    release,
)
from tests.pages import admin_form_data, change_url, shown
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return datetime.time(hour, minute)


@pytest.fixture
def organiser(organiser, client):
    """The organiser (tests/conftest.py), signed in."""
    client.force_login(organiser)
    return organiser


def item_row(data, index, **values):
    for name, value in values.items():
        data[f"programme_items-{index}-{name}"] = value


def test_organisers_are_staff_with_model_permissions_not_superusers(organiser, client):
    assert not organiser.is_superuser
    assert organiser.has_perm("roundtable.change_programmeitem")
    assert organiser.has_perm("speakers.add_person")
    assert client.get(reverse("admin:roundtable_roundtable_changelist")).status_code == 200


def test_staff_outside_the_group_cannot_edit_the_programme(client):
    client.force_login(User.objects.create_user("guest", password="x", is_staff=True))
    response = client.get(reverse("admin:roundtable_programmeitem_add"))
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:roundtable_roundtable_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_tabbed_admin_uses_our_own_jquery_ui_not_a_cdn(organiser, client):
    event = RoundTableFactory()
    html = client.get(reverse("admin:roundtable_roundtable_change", args=[event.pk])).text
    assert "vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html


def test_organiser_adds_a_programme_item(organiser, client):
    event = RoundTableFactory()
    speaker = ParticipationFactory(event=event).person
    response = client.post(
        reverse("admin:roundtable_programmeitem_add"),
        {
            "event": event.pk,
            "start": "09:00",
            "end": "09:10",
            "kind": "talk",
            "title_kk": "Жаңа баяндама",
            "title_language": "kk",
            "speakers": [speaker.pk],
            "order": 1,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = ProgrammeItem.objects.get()
    assert (item.start, item.end, item.title_kk) == (at(9), at(9, 10), "Жаңа баяндама")
    assert list(item.speakers.all()) == [speaker]


def test_overlap_is_refused_in_the_users_language_naming_the_clashing_item(organiser, client):
    opening = ProgrammeItemFactory(start=at(9), end=at(9, 5), title_ru="Вступительное слово")
    talk = ProgrammeItemFactory(event=opening.event, start=at(9, 5), end=at(9, 15))
    url = reverse("admin:roundtable_programmeitem_change", args=[talk.pk])
    data = admin_form_data(client.get(url))
    data["start"] = "09:00"
    response = client.post(url, data, headers={"accept-language": "ru"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["09:00–09:15 пересекается с «Вступительное слово» (09:00–09:05)."]
    talk.refresh_from_db()
    assert talk.start == at(9, 5)


def test_programme_inline_accepts_two_items_swapping_times(organiser, client):
    first = ProgrammeItemFactory(start=at(9), end=at(9, 10), order=0)
    second = ProgrammeItemFactory(event=first.event, start=at(9, 10), end=at(9, 20), order=1)
    url = reverse("admin:roundtable_roundtable_change", args=[first.event.pk])
    data = admin_form_data(client.get(url))
    item_row(data, 0, start="09:10", end="09:20")
    item_row(data, 1, start="09:00", end="09:10")
    response = client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.start, second.start) == (at(9, 10), at(9))


def test_programme_inline_refuses_overlapping_items(organiser, client):
    first = ProgrammeItemFactory(start=at(9), end=at(9, 10), title_ru="Первый доклад")
    ProgrammeItemFactory(event=first.event, start=at(9, 10), end=at(9, 20))
    url = reverse("admin:roundtable_roundtable_change", args=[first.event.pk])
    data = admin_form_data(client.get(url))
    item_row(data, 1, start="09:05")
    response = client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "overlaps “Первый доклад”" in formset.non_form_errors()[0]


def test_shift_action_moves_the_selected_and_later_items(organiser, client):
    first = ProgrammeItemFactory(start=at(9), end=at(9, 10))
    second = ProgrammeItemFactory(event=first.event, start=at(9, 10), end=at(9, 20))
    third = ProgrammeItemFactory(event=first.event, start=at(9, 20), end=at(9, 30))
    changelist = reverse("admin:roundtable_programmeitem_changelist")
    selection = {"action": "shift_following", "_selected_action": [second.pk]}

    confirm = client.post(changelist, selection)
    assert confirm.status_code == 200
    assert "minutes" in confirm.context["form"].fields

    response = client.post(
        changelist, {**selection, "minutes": "30"}, follow=True, headers={"accept-language": "en"}
    )
    told = [str(m) for m in response.context["messages"]]
    assert "Moved 2 items by 30 minutes." in told
    assert told[-1].startswith("Saved in the draft: the public programme changes only when")
    starts = dict(ProgrammeItem.objects.values_list("pk", "start"))
    assert starts == {first.pk: at(9), second.pk: at(9, 40), third.pk: at(9, 50)}


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "9999-12-31"), ("date", "1900-05-01"), ("papers_deadline_0", "2101-01-01")],
)
def test_a_date_outside_1990_to_2100_is_refused_in_the_users_language(
    organiser, client, field, value
):
    event = RoundTableFactory(date=datetime.date(2025, 5, 23))
    url = reverse("admin:roundtable_roundtable_change", args=[event.pk])
    data = admin_form_data(client.get(url))
    data[field] = value
    if field == "papers_deadline_0":
        data["papers_deadline_1"] = "18:00"

    response = client.post(url, data, headers={"accept-language": "kk"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {field.removesuffix("_0"): ["1990–2100 жылдар аралығындағы күнді көрсетіңіз."]}
    event.refresh_from_db()
    assert event.date == datetime.date(2025, 5, 23)


def test_the_round_table_page_lists_the_english_texts_it_lacks_with_where_to_fill_them(
    organiser, client
):
    event = RoundTableFactory(theme_en="Public safety", venue_ru="Алматинская академия")
    translated = PersonFactory(surname_en="AKHMETOV", printed_position_en="Senior lecturer")
    untranslated = PersonFactory(surname_en="KOISHYBAEV")
    ParticipationFactory(event=event, person=translated)
    ParticipationFactory(event=event, person=untranslated)
    talk = ProgrammeItemFactory(event=event, title_ru="Роль полиции", speakers=[untranslated])
    ProgrammeItemFactory(event=event, start=at(9, 10), end=at(9, 20), title_en="Opening")
    paper = PaperFactory(event=event, speaker=untranslated, title_en="")
    PaperFactory(event=event, speaker=translated, title_en="Police and society")
    PaperFactory(event=event, speaker=translated, status="withdrawn")
    url = reverse("admin:roundtable_roundtable_change", args=[event.pk])

    html = client.get(url, headers={"accept-language": "en"}).content.decode()

    gaps = re.findall(r'<li>([^<]*): <a href="([^"]+)">([^<]*)</a></li>', html)
    person_url = reverse("admin:speakers_person_change", args=[untranslated.pk])
    assert gaps == [
        ("venue", url, "Алматинская академия"),
        (
            "programme title",
            reverse("admin:roundtable_programmeitem_change", args=[talk.pk]),
            "Роль полиции",
        ),
        ("position", person_url, f"{untranslated.full_name}: старший преподаватель"),
        ("paper title", reverse("admin:proceedings_paper_change", args=[paper.pk]), paper.title_ru),
    ]


def test_a_round_table_translated_whole_says_nothing_is_missing(organiser, client):
    event = RoundTableFactory(theme_en="Public safety", venue_en="Almaty Academy")
    url = reverse("admin:roundtable_roundtable_change", args=[event.pk])

    html = client.get(url, headers={"accept-language": "en"}).content.decode()

    assert "Nothing: the English pages are in English." in html


def test_rooms_are_edited_on_the_round_table_and_the_programme_picks_from_its_own(
    organiser, client
):
    event, other = RoundTableFactory(), RoundTableFactory()
    ProgrammeItemFactory(event=event)
    url = reverse("admin:roundtable_roundtable_change", args=[event.pk])
    # A day in one hall: no room column in the programme.
    assert 'name="programme_items-0-room"' not in client.get(url).text

    data = admin_form_data(client.get(url))
    data.update({"rooms-0-name_kk": "Кіші зал", "rooms-0-name_ru": "Малый зал", "rooms-0-order": 1})
    data["rooms-TOTAL_FORMS"] = "1"
    assert client.post(url, data).status_code == 302
    room = event.rooms.get()
    assert (room.name_kk, room.name_ru) == ("Кіші зал", "Малый зал")

    elsewhere = RoomFactory(event=other, name_kk="Басқа зал")
    page = client.get(url).text
    assert 'name="programme_items-0-room"' in page
    assert "Кіші зал" in page and "Басқа зал" not in page

    data = admin_form_data(client.get(url))
    item_row(data, 0, room=elsewhere.pk)
    assert client.post(url, data).status_code == 200
    assert event.programme_items.get().room is None


def room_choices(response):
    """The rooms the item form's room select offers, as labelled (the empty choice left out)."""
    field = response.context["adminform"].form.fields["room"]
    return [label for value, label in field.choices if value]


def test_an_items_form_offers_only_its_own_round_tables_rooms(organiser, client):
    event, other = RoundTableFactory(), RoundTableFactory()
    RoomFactory(event=event, name_en="Small hall")
    RoomFactory(event=other, name_en="Hall of another round table")
    item = ProgrammeItemFactory(event=event)

    response = client.get(change_url(item), headers={"accept-language": "en"})

    assert room_choices(response) == ["Small hall"]
    assert "Hall of another round table" not in response.text


def test_the_add_form_names_each_rooms_round_table_until_it_knows_the_round_table(
    organiser, client
):
    event = RoundTableFactory(theme_en="Public safety")
    other = RoundTableFactory(theme_en="Road safety")
    RoomFactory(event=event, name_en="Small hall")
    elsewhere = RoomFactory(event=other, name_en="Hall B")
    add = reverse("admin:roundtable_programmeitem_add")

    shown = room_choices(client.get(add, headers={"accept-language": "en"}))
    assert shown == ["Small hall (Public safety)", "Hall B (Road safety)"]
    # Opened for a round table (?event=, as Django's admin fills a field from the address).
    known = client.get(f"{add}?event={event.pk}", headers={"accept-language": "en"})
    assert room_choices(known) == ["Small hall"]
    assert len(room_choices(client.get(f"{add}?event=small"))) == 2

    response = client.post(
        add,
        {
            "event": event.pk,
            "room": elsewhere.pk,
            "start": "09:00",
            "end": "09:10",
            "kind": "talk",
            "title_ru": "Доклад",
            "order": 1,
        },
        headers={"accept-language": "kk"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["room"] == [
        "Бұл зал басқа дөңгелек үстелге тиесілі."
    ]
    assert not ProgrammeItem.objects.exists()


@pytest.mark.parametrize("rooms", [1, 6])
def test_an_items_change_form_queries(organiser, client, django_assert_num_queries, rooms):
    event = RoundTableFactory()
    RoomFactory.create_batch(rooms, event=event)
    RoomFactory.create_batch(rooms, event=RoundTableFactory())
    item = ProgrammeItemFactory(event=event, speakers=[PersonFactory()])
    client.get(change_url(item))  # Django's content types, read once per process
    # the session, the user, the item, the user's and their group's permissions, the speakers
    # (the form's initial, the values the concurrent-edit check keeps, the chosen ones' labels),
    # the round tables and the item's round table's rooms
    with django_assert_num_queries(10):
        response = client.get(change_url(item))
    assert len(room_choices(response)) == rooms


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        (
            "en",
            "Who chairs the items in this room; leave empty if nobody does. The round table's own "
            "hall is chaired by its moderator.",
        ),
        (
            "kk",
            "Осы залдағы тармақтарды кім жүргізеді; ешкім жүргізбесе, бос қалдырыңыз. Дөңгелек "
            "үстелдің өз залын оның модераторы жүргізеді.",
        ),
        (
            "ru",
            "Кто ведёт пункты программы в этом зале; оставьте пустым, если их никто не ведёт. "
            "Основной зал круглого стола ведёт его модератор.",
        ),
    ],
)
def test_the_rooms_chair_is_explained_as_the_timeline_counts_it(
    organiser, client, language, help_text
):
    # The timeline counts the moderator as the hall's chair and nobody as a chairless room's
    # (tests/roundtable/test_timeline.py): the admin says the same.
    event = RoundTableFactory()
    RoomFactory(event=event)
    response = client.get(change_url(event), headers={"accept-language": language})
    assert f'title="{escape(help_text)}"' in response.text


DRAFT_NOTICE = {
    "en": "Changes here are a draft: the public programme changes when you release it.",
    "kk": "Мұнда енгізілген өзгерістер жобаға сақталады: сайттағы бағдарлама оны шығарғанда ғана "
    "өзгереді.",
    "ru": "Изменения здесь вносятся в черновик: программа на сайте изменится, когда вы его "
    "выпустите.",
}


def draft_notice(html):
    """The draft notice's text and the address it links to ("" for none)."""
    found = re.search(r'<p class="draft-notice">([^<]*)(?:<a href="([^"]+)">)?', html)
    return found and (found[1].strip(), found[2] or "")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_item_forms_say_a_save_changes_the_draft_and_link_to_the_release(
    organiser, client, language
):
    item = ProgrammeItemFactory()
    release = reverse("admin:roundtable_roundtable_release", args=[item.event_id])
    headers = {"accept-language": language}

    for page in (change_url(item), change_url(item.event)):
        html = client.get(page, headers=headers).text
        assert draft_notice(html) == (DRAFT_NOTICE[language], release), page
    # The add form does not know the round table yet: the notice without the link.
    add = client.get(reverse("admin:roundtable_programmeitem_add"), headers=headers).text
    assert draft_notice(add) == (DRAFT_NOTICE[language], "")


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_programmes_forms_with_the_draft_notice(client, role):
    item = ProgrammeItemFactory()
    user = user_in(role, item.event)
    if user.is_authenticated:
        client.force_login(user)
    for page in (change_url(item), change_url(item.event)):
        response = client.get(page)
        expected = {"anonymous": 302, "outsider": 302, "participant": 302, "staff": 403}
        assert response.status_code == expected.get(role, 200), page
        assert (draft_notice(response.text) is not None) == (role == "organiser"), page


def test_a_saved_item_says_how_many_changes_wait_for_release(organiser, client):
    event = RoundTableFactory()
    talk = ProgrammeItemFactory(event=event, start=at(9), end=at(9, 10))
    other = ProgrammeItemFactory(event=event, start=at(9, 10), end=at(9, 20))
    release(event)
    release_url = reverse("admin:roundtable_roundtable_release", args=[event.pk])
    link = f' <a href="{release_url}">Бағдарлама нұсқасын шығару</a>'

    def save(item, **values):
        data = {**admin_form_data(client.get(change_url(item))), **values}
        response = client.post(change_url(item), data, headers={"accept-language": "kk"})
        assert response.status_code == 302
        return shown(response)

    saved = "Жобаға сақталды: сайттағы бағдарлама оны шығарғанда ғана өзгереді."
    assert save(talk, start="10:00", end="10:10")[-1] == (
        f"{saved} Шығаруды 1 өзгеріс күтіп тұр.{link}"
    )
    assert save(other, end="09:25")[-1] == f"{saved} Шығаруды 2 өзгеріс күтіп тұр.{link}"
    save(other, end="09:20")
    assert save(talk, start="09:00", end="09:10")[-1] == (
        "Жобаға сақталды, ол енді шығарылған нұсқамен бірдей: сайттағы бағдарлама өзгермейді."
        f"{link}"
    )


def test_the_round_tables_programme_saved_says_the_draft_changed(organiser, client):
    event = RoundTableFactory()
    ProgrammeItemFactory(event=event, start=at(9), end=at(9, 10))
    release(event)
    url = change_url(event)
    data = admin_form_data(client.get(url))
    item_row(data, 0, start="09:05", end="09:15")

    response = client.post(url, data, headers={"accept-language": "ru"})

    assert response.status_code == 302
    release_url = reverse("admin:roundtable_roundtable_release", args=[event.pk])
    assert (
        "Сохранено в черновике: программа на сайте изменится, только когда вы его выпустите. "
        f'Выпуска ждёт 1 изменение. <a href="{release_url}">'
    ) in shown(response)[0]
    # A save that leaves the programme alone says nothing of the draft.
    response = client.post(url, admin_form_data(client.get(url)), headers={"accept-language": "en"})
    assert [message.endswith("was changed successfully.") for message in shown(response)] == [True]


@pytest.mark.parametrize("items", [2, 20])
def test_the_programme_inline_reads_the_rooms_once_for_all_its_rows(organiser, client, items):
    event = RoundTableFactory()
    RoomFactory.create_batch(2, event=event)
    for number in range(items):
        ProgrammeItemFactory(event=event, start=at(9, 2 * number), end=at(9, 2 * number + 1))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(change_url(event))
    read_rooms = [query for query in queries if 'FROM "roundtable_room"' in query["sql"]]
    # whether the round table has rooms (the room column, asked twice), the rooms inline (its
    # count and its rows) and the programme's room choices: 7 and 25 when each row read its own
    assert len(read_rooms) == 5
    assert response.text.count('name="programme_items-0-room"') == 1


def page_queries(client, url):
    client.get(url)  # the first request reads what is cached afterwards (content types, …)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_the_programme_inline_reads_its_speakers_for_all_rows_at_once(organiser, client):
    counts = []
    for items in (2, 20):
        event = RoundTableFactory()
        for number in range(items):
            ProgrammeItemFactory(
                event=event,
                start=at(9, 2 * number),
                end=at(9, 2 * number + 1),
                speakers=[PersonFactory()],
            )
        counts.append(page_queries(client, change_url(event)))
    # One query a row is left: the autocomplete widget's label of the row's speakers (Django's
    # own); the initial value and the concurrent-edit check read them with the rows (it was 3).
    assert counts[1] - counts[0] == 18
