import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoundTableFactory,
    programme_of,
    release,
)
from tests.pages import page, text_of

pytestmark = pytest.mark.django_db


def test_kazakh_programme_lists_every_item_as_printed(client, demo_event):
    html = page(client, "kk", "roundtable:event", slug=demo_event.slug)
    text = text_of(html)
    assert '<html lang="kk">' in html
    assert html.count('class="programme-item ') == 27
    assert "2025 жылғы 23 мамыр" in text
    assert "Қоғамдық қауіпсіздікті қамтамасыз ету: ІІО-ның азаматтық қоғам" in text
    assert "КОЙШКЕН Ануар Талғатұлы" in text
    assert "Кіріспе сөз" in text
    assert (
        "Алматы қаласы ПД Жергілікті полиция қызметі басқармасының бастығы полиция полковнигі"
        in text
    )
    # A talk written in Russian keeps its Russian title, marked as Russian for screen readers.
    assert 'lang="ru">Мировая практика внедрения сервисной модели полиции</p>' in html


def test_russian_programme_prints_russian_names_and_date(client, demo_event):
    text = text_of(page(client, "ru", "roundtable:event", slug=demo_event.slug))
    assert "23 мая 2025 г." in text
    assert "КОЙШКЕН Ануар Талгатович" in text
    assert "АНЕС Асем Кыргызбековна" in text
    assert "Вступительное слово" in text
    assert "Обеспечение общественной безопасности: взаимодействие ОВД" in text
    assert "начальник Управления местной полицейской службы ДП г. Алматы" in text
    assert "Программа" in text


def test_english_page_reads_the_demo_in_english(client, demo_event):
    html = page(client, "en", "roundtable:event", slug=demo_event.slug)
    text = text_of(html)
    assert '<html lang="en">' in html
    assert "23 May 2025" in text
    assert "Programme" in text
    assert "Mixed (on site and remote)" in text
    # The theme and the titles are translated; names are written as Kazakh passports write them.
    assert '<h1 lang="en">Ensuring Public Safety: Interaction of the Internal Affairs' in html
    assert 'lang="en">KOISHKEN Anuar Talgatuly</a>' in html
    assert 'lang="en">World practice of introducing the service model of policing</p>' in html
    assert "Мировая практика" not in text
    # Positions in English, degrees and ranks spelled out; nothing is labelled as Russian.
    assert (
        'lang="en">Head of the Local Police Service Directorate of the Police Department of '
        "Almaty, Police Colonel</span>"
    ) in html
    assert "(in Russian)" not in text


def test_english_pages_say_which_language_a_text_without_english_is_shown_in(client):
    event = RoundTableFactory(theme_ru="Тема на русском")
    person = PersonFactory(surname_en="", position_ru="старший преподаватель")
    ParticipationFactory(event=event, person=person)
    ProgrammeItemFactory(
        event=event,
        title_kk="Қазақша баяндама",
        title_ru="",
        title_language="kk",
        speakers=[person],
    )
    release(event)

    html = page(client, "en", "roundtable:event", slug=event.slug)

    label = '<small class="shown-in" lang="en">({})</small>'
    assert f'<h1 lang="ru">Тема на русском {label.format("in Russian")}</h1>' in html
    assert f'lang="kk">Қазақша баяндама {label.format("in Kazakh")}</p>' in html
    assert f"старший преподаватель {label.format('in Russian')}" in html
    # The speaker saved without an English name got one, so it needs no label.
    assert f'lang="en">{person.surname_en} Anuar Talgatuly</a> —' in html
    for language in ("kk", "ru"):  # their pages print each title in its own language, unlabelled
        assert "shown-in" not in page(client, language, "roundtable:event", slug=event.slug)


def test_untimed_closing_item_comes_last(client, demo_event):
    html = page(client, "ru", "roundtable:event", slug=demo_event.slug)
    items = re.findall(r'class="programme-item programme-item--(\w+)"', html)
    assert items[0] == "opening"
    assert items[-2:] == ["discussion", "closing"]


def test_language_switcher_keeps_the_page(client, demo_event):
    html = page(client, "kk", "roundtable:speakers", slug=demo_event.slug)
    assert f'href="/ru/{demo_event.slug}/speakers/" hreflang="ru"' in html
    assert f'href="/en/{demo_event.slug}/speakers/" hreflang="en"' in html


def test_root_redirects_to_a_language(client):
    response = client.get("/", headers={"accept-language": "ru"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_home_lists_published_round_tables_only(client):
    RoundTableFactory(theme_kk="Жарияланған", published=True)
    RoundTableFactory(theme_kk="Жоба", published=False)
    text = text_of(page(client, "kk", "roundtable:home"))
    assert "Жарияланған" in text
    assert "Жоба" not in text


@pytest.mark.parametrize("name", ["event", "speakers", "participants"])
def test_unpublished_round_table_is_not_found_for_the_public(client, name):
    event = RoundTableFactory(published=False)
    response = client.get(reverse(f"roundtable:{name}", kwargs={"slug": event.slug}))
    assert response.status_code == 404


def test_organisers_preview_an_unpublished_round_table(client):
    event = RoundTableFactory(published=False)
    user = User.objects.create_user("org", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_roundtable"))
    client.force_login(user)
    text = text_of(page(client, "en", "roundtable:event", slug=event.slug))
    assert "Not published: only organisers see this page." in text


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
def test_event_page_queries_do_not_grow_with_the_programme(
    client, django_assert_num_queries, talks
):
    event = programme_of(RoundTableFactory(), talks)
    # the version (portal/page_cache.py), event with its release, items, their speakers,
    # participations, and the talks' papers in the book (proceedings/paper_links.py)
    with django_assert_num_queries(6):
        html = page(client, "kk", "roundtable:event", slug=event.slug)
    assert html.count('class="programme-item ') == talks
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        assert page(client, "kk", "roundtable:event", slug=event.slug) == html


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
def test_home_page_queries(client, django_assert_num_queries, talks):
    for _ in range(talks // 27):
        RoundTableFactory()
    with django_assert_num_queries(2):  # the versions (portal/page_cache.py), the list
        html = page(client, "kk", "roundtable:home")
    with django_assert_num_queries(1):  # the versions: the page comes from the cache
        assert page(client, "kk", "roundtable:home") == html


THEME = {
    "kk": "Қоғамдық қауіпсіздікті қамтамасыз ету",
    "ru": "Обеспечение общественной безопасности",
    "en": "Ensuring Public Safety",
}
KOYSHKEN = {"kk": "Талғатұлы", "ru": "Талгатович", "en": "Talgatuly"}  # en: from the Kazakh
DATE = {"kk": "2025 жылғы 23 мамыр", "ru": "23 мая 2025 г.", "en": "23 May 2025"}
NAVIGATION = {"kk": "Баяндамашылар", "ru": "Докладчики", "en": "Speakers"}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("roundtable:event", None),
        ("roundtable:speakers", None),
        ("roundtable:participants", None),
        ("roundtable:speaker", "koyshken"),
    ],
)
def test_every_event_page_speaks_the_chosen_language(client, demo_event, language, name, person):
    kwargs = {"slug": demo_event.slug} | ({"person": person} if person else {})
    html = page(client, language, name, **kwargs)
    text = text_of(html)
    assert f'<html lang="{language}">' in html
    assert THEME[language] in text
    assert DATE[language] in text
    assert NAVIGATION[language] in text
    assert KOYSHKEN[language] in text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_lists_the_demo_round_table_in_each_language(client, demo_event, language):
    text = text_of(page(client, language, "roundtable:home"))
    assert THEME[language] in text
    assert DATE[language] in text
