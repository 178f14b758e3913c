"""Finding talks by title and speaker in every language (roundtable/programme_search.py), and the
programme page's `?q=`, which filters without a script."""

import datetime
import re

import pytest
from django.utils import translation

from roundtable import programme_search
from tests.factories import (
    PersonFactory,
    ProgrammeItemFactory,
    RoundTableFactory,
    programme_of,
    release,
)
from tests.pages import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = RoundTableFactory()
    asel = PersonFactory(
        surname_kk="Қасымова", given_name_kk="Әсел", surname_ru="Касымова", surname_en="Kassymova"
    )
    ProgrammeItemFactory(
        event=event,
        title_kk="Қоғамдық қауіпсіздік",
        title_ru="",
        title_language="kk",
        speakers=[asel],
    )
    ProgrammeItemFactory(
        event=event,
        start=datetime.time(9, 10),
        end=datetime.time(9, 20),
        title_ru="Цифровые доказательства",
        title_en="Digital evidence",
    )
    ProgrammeItemFactory(event=event, start=None, end=None, kind="closing", title_ru="")
    return release(event)


def found(event, query):
    items = event.programme
    matching = programme_search.matching(items, query)
    if matching is None:
        return None
    return sorted(
        item.title_kk or item.title_ru or item.kind for item in items if item.item_key in matching
    )


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", None),
        ("   ", None),
        ("қауіпсіздік", ["Қоғамдық қауіпсіздік"]),
        ("ҚАУІПСІЗДІК", ["Қоғамдық қауіпсіздік"]),  # Kazakh capitals
        ("әсел", ["Қоғамдық қауіпсіздік"]),
        ("касымова", ["Қоғамдық қауіпсіздік"]),  # her Russian name
        ("Kassymova", ["Қоғамдық қауіпсіздік"]),  # her English one
        ("digital", ["Цифровые доказательства"]),  # the English title
        ("доказательства  цифровые", ["Цифровые доказательства"]),  # every word, in any order
        ("цифровые қауіпсіздік", []),
        ("nothing", []),
    ],
)
def test_items_are_found_by_title_and_speaker_in_every_language(event, query, titles):
    assert found(event, query) == titles


def test_the_latin_kazakh_page_finds_by_latin_spelling_too(event):
    with translation.override("kk-latn"):
        assert found(event, "qauıpsızdık") == ["Қоғамдық қауіпсіздік"]
        assert found(event, "kasymova") == ["Қоғамдық қауіпсіздік"]  # her Russian name
        assert found(event, "қауіпсіздік") == ["Қоғамдық қауіпсіздік"]  # typed in Cyrillic
    assert found(event, "qauıpsızdık") == []


def shown_items(html):
    return re.findall(r'<li class="programme-item [^"]*" id="item-\d+" data-search="[^"]*">', html)


def test_the_page_filters_by_q_without_a_script(client, event, django_assert_num_queries):
    url = event.get_absolute_url()
    # Not kept: the searcher's own page, so no version is read. The event, items, speakers,
    # participations, the papers in the book.
    with django_assert_num_queries(5):
        html = client.get(f"/ru{url[3:]}?q=Касымова").text
    assert len(shown_items(html)) == 1
    assert 'value="Касымова"' in html
    assert "Найден 1 пункт." in html
    assert "Показать всю программу" in html
    assert html.count(" hidden>") >= 2  # the other two items are there, hidden
    whole = client.get(f"/ru{url[3:]}?q=").text
    assert len(shown_items(whole)) == 3
    assert "Найден 1" not in whole and "Показать всю программу" not in whole


def test_a_search_is_never_kept_for_the_next_visitor(client, event):
    url = event.get_absolute_url()
    client.get(f"{url}?q=digital")
    assert len(shown_items(client.get(f"{url}?q=nothing").text)) == 0
    assert len(shown_items(client.get(url).text)) == 3


def test_each_item_carries_what_the_script_finds_it_by(client, event):
    html = page(client, "en", "roundtable:event", slug=event.slug)
    assert 'data-search="қоғамдық қауіпсіздік қасымова касымова kassymova әсел' in html
    assert '<script src="/static/roundtable/programme_filter.js" defer></script>' in html
    assert '<input type="search" id="programme-query" name="q" value=""' in html


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
def test_a_search_costs_the_same_queries_however_long_the_programme(
    client, talks, django_assert_num_queries
):
    event = programme_of(RoundTableFactory(), talks)
    with django_assert_num_queries(5):
        client.get(f"{event.get_absolute_url()}?q=доклад")
