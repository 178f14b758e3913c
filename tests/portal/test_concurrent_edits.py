"""Two organisers edit one object in the admin: the second save, made from a page opened before
the first, is refused with what changed, keeps what was typed, and applies it when saved again."""

import pytest
from django.test import Client
from django.utils import translation

from proceedings.models import Paper, Proceedings
from resolutions.models import Resolution
from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Person
from tests.factories import (
    PaperFactory,
    PersonFactory,
    ProceedingsFactory,
    ProgrammeItemFactory,
    RoomFactory,
    RoundTableFactory,
    organiser,
    resolution_with,
)
from tests.pages import admin_form_data, change_url, text_of

pytestmark = pytest.mark.django_db


def signed_in():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organiser())
    return client


# (what, its maker, the field the first organiser saves, the field the second one types)
EDITS = [
    ("round table", lambda: RoundTableFactory(theme_ru="Старая тема"), "theme_ru", "venue_kk"),
    ("programme item", lambda: ProgrammeItemFactory(title_ru="Старое"), "title_ru", "title_kk"),
    ("person", lambda: PersonFactory(position_ru="Старая"), "position_ru", "organisation_kk"),
    ("paper", lambda: PaperFactory(title_ru="Старое название"), "title_ru", "abstract_kk"),
    ("proceedings", lambda: ProceedingsFactory(udc="351.7"), "udc", "bbk"),
    ("resolution", lambda: resolution_with(preamble_ru="Старая"), "preamble_ru", "closing_kk"),
]
STALE = (
    "Someone else saved this after you opened it. Their changes are listed here and are now in "
    "the form, except where you typed something else: that is kept. Check it and save again."
)
MODELS = {
    "round table": RoundTable,
    "programme item": ProgrammeItem,
    "person": Person,
    "paper": Paper,
    "proceedings": Proceedings,
    "resolution": Resolution,
}


@pytest.mark.parametrize(("what", "make", "saved", "typed"), EDITS, ids=[e[0] for e in EDITS])
def test_a_stale_form_is_refused_with_the_changes_and_keeps_the_input(what, make, saved, typed):
    obj = make()
    old = getattr(obj, saved)
    url = change_url(obj)
    first, second = signed_in(), signed_in()
    first_page, second_page = first.get(url), second.get(url)
    # A browser sends it back: the hidden field is on the page, not only in the form.
    assert 'type="hidden" name="edited_from"' in second_page.text

    mine = admin_form_data(first_page)
    mine[saved] = "Новое 1"
    assert first.post(url, mine).status_code == 302

    theirs = admin_form_data(second_page)
    theirs[typed] = "Жаңа мәтін"
    refused = second.post(url, theirs)

    assert refused.status_code == 200
    page = text_of(refused.text)
    assert "Someone else saved this after you opened it." in page
    field = MODELS[what]._meta.get_field(saved)
    assert f"{field.verbose_name}: {old} → Новое 1" in page
    assert refused.context["adminform"].form[typed].value() == "Жаңа мәтін"
    obj.refresh_from_db()
    assert (getattr(obj, saved), getattr(obj, typed)) == ("Новое 1", getattr(obj, typed))
    assert getattr(obj, typed) != "Жаңа мәтін"

    # The form now holds their change beside the input; saved again, both are kept.
    assert refused.context["adminform"].form[saved].value() == "Новое 1"
    again = admin_form_data(refused)
    assert second.post(url, again).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, saved), getattr(obj, typed)) == ("Новое 1", "Жаңа мәтін")


def test_an_unchanged_object_saves_from_the_page_as_opened():
    item = ProgrammeItemFactory(title_ru="Доклад")
    client = signed_in()
    data = admin_form_data(client.get(change_url(item)))
    data["title_kk"] = "Баяндама"

    assert client.post(change_url(item), data).status_code == 302
    item.refresh_from_db()
    assert (item.title_kk, item.title_ru) == ("Баяндама", "Доклад")


def test_a_programme_item_changed_meanwhile_is_refused_in_the_round_tables_inline():
    item = ProgrammeItemFactory(title_ru="Старое")
    event_url = change_url(item.event)
    first, second = signed_in(), signed_in()
    event_page = second.get(event_url)
    assert 'type="hidden" name="programme_items-0-edited_from"' in event_page.text

    mine = admin_form_data(first.get(change_url(item)))
    mine["title_ru"] = "Новое"
    assert first.post(change_url(item), mine).status_code == 302

    theirs = admin_form_data(event_page)
    theirs["programme_items-0-titles_en"] = "A talk"
    refused = second.post(event_url, theirs)

    assert refused.status_code == 200
    row = refused.context["inline_admin_formsets"][0].formset.forms[0]
    assert "title [ru]: Старое → Новое" in " ".join(row.non_field_errors())
    assert row["titles"].value()[-1] == "A talk"
    item.refresh_from_db()
    assert (item.title_ru, item.title_en or "") == ("Новое", "")


def test_a_room_changed_meanwhile_is_refused_in_the_round_tables_inline():
    room = RoomFactory(name_ru="Зал B", order=1)
    url = change_url(room.event)
    second = signed_in()
    event_page = second.get(url)
    assert 'type="hidden" name="rooms-0-edited_from"' in event_page.text
    room.name_ru = "Малый зал"  # saved meanwhile, as the timeline or the API would
    room.save()

    theirs = admin_form_data(event_page)
    theirs["rooms-0-order"] = "5"
    refused = second.post(url, theirs)

    assert refused.status_code == 200
    row = refused.context["inline_admin_formsets"][2].formset.forms[0]
    assert "name [ru]: Зал B → Малый зал" in " ".join(row.non_field_errors())
    room.refresh_from_db()
    assert (room.name_ru, room.order) == ("Малый зал", 1)  # theirs kept, the stale row refused


def test_the_refusal_speaks_the_organisers_language():
    event = RoundTableFactory(theme_ru="Старая тема")
    url = change_url(event)
    first, second = signed_in(), Client(HTTP_ACCEPT_LANGUAGE="kk")
    second.force_login(organiser())
    second_page = second.get(url)
    mine = admin_form_data(first.get(url))
    mine["theme_ru"] = "Новая тема"
    first.post(url, mine)

    refused = second.post(url, admin_form_data(second_page))

    with translation.override("kk"):
        expected = translation.gettext(STALE)
    assert expected != STALE
    assert expected in text_of(refused.text)


def test_a_damaged_hidden_field_is_refused_not_trusted():
    item = ProgrammeItemFactory(title_ru="Доклад")
    client = signed_in()
    data = admin_form_data(client.get(change_url(item)))
    data["edited_from"] = data["edited_from"][:-4] + "AAAA"
    data["title_ru"] = "Другой доклад"

    refused = client.post(change_url(item), data)

    assert refused.status_code == 200
    assert STALE in text_of(refused.text)
    item.refresh_from_db()
    assert item.title_ru == "Доклад"
