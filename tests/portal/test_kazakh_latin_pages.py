"""The Kazakh pages in the Latin alphabet: /kk-latn/, its Kazakh converted, other languages kept."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.kazakh_latin_pages import to_latin_page
from tests.factories import ParticipationFactory, PersonFactory
from tests.pages import page, text_of

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)


def test_the_programme_reads_in_latin_letters_with_russian_titles_left_as_written(
    client, demo_event
):
    html = page(client, "kk-latn", "roundtable:event", slug=demo_event.slug)
    text = text_of(html)

    assert '<html lang="kk-Latn">' in html
    assert "Bağdarlama" in text  # the interface, from the generated catalogue
    assert "2025 jylğy 23 mamyr" in text
    assert "Qoğamdyq qauıpsızdıktı qamtamasyz etu: IIO-nyñ azamattyq qoğam" in text
    assert "KOİŞKEN Anuar Talğatūly" in text
    assert "Kırıspe söz" in text
    # A talk written in Russian keeps its Russian title, still marked as Russian.
    assert 'lang="ru">Мировая практика внедрения сервисной модели полиции</p>' in html
    # No Kazakh letter is left in Cyrillic but in the switcher's name of the Cyrillic pages.
    outside_russian = re.sub(r'<[^>]*lang="ru"[^>]*>[^<]*', "", html)
    assert not KAZAKH_LETTERS.search(outside_russian.replace(">Қазақша<", ""))


def test_a_russian_name_on_a_latin_page_stays_cyrillic(client):
    person = PersonFactory(surname_kk="", given_name_kk="", patronymic_kk="", surname_ru="ИВАНОВ")
    participation = ParticipationFactory(person=person)

    html = page(client, "kk-latn", "roundtable:participants", slug=participation.event.slug)

    assert re.search(r'lang="ru">ИВАНОВ Ануар Талгатович<', html)
    assert "Döñgelek üstel taqyryby" in text_of(html)


def test_the_switcher_and_the_alternates_offer_the_latin_pages(client, demo_event):
    kazakh = page(client, "kk", "roundtable:event", slug=demo_event.slug)
    latin = page(client, "kk-latn", "roundtable:event", slug=demo_event.slug)
    address = f"http://127.0.0.1:8000/kk-latn/{demo_event.slug}/"

    for html in (kazakh, latin):
        assert f'<link rel="alternate" hreflang="kk-Latn" href="{address}">' in html
    assert (
        f'<a href="/kk-latn/{demo_event.slug}/" hreflang="kk-Latn" lang="kk-Latn" '
        'translate="no">Qazaqşa</a>'
    ) in kazakh
    # On the Latin page, the Cyrillic pages keep their own name; the printed programme "in this
    # language" is the Kazakh one.
    assert (
        f'<a href="/kk/{demo_event.slug}/" hreflang="kk" lang="kk" translate="no">Қазақша</a>'
        in latin
    )
    assert f'href="/kk-latn/{demo_event.slug}/programme.pdf?language=kk"' in latin


def test_the_latin_page_reads_the_database_as_the_kazakh_page_does(client, demo_event):
    counts = {}
    for language in ("kk", "kk-latn"):
        with CaptureQueriesContext(connection) as queries:
            page(client, language, "roundtable:event", slug=demo_event.slug)
        counts[language] = len(queries)

    assert counts["kk-latn"] == counts["kk"]


def test_only_kazakh_text_for_reading_is_converted():
    html = (
        '<html lang="kk-Latn"><head><title>Бағдарлама</title>'
        '<meta name="description" content="Алматы"><meta name="keywords" content="Алматы">'
        "<script>let a = '<b>Алматы</b>';</script><style>p::before{content:'Алматы'}</style>"
        '</head><body><a href="/kk/Алматы/" title="Алматы">Алматы</a>'
        '<p lang="ru">Алматы <span>қала</span></p><p lang="kk">Алматы</p>'
        '<span translate="no">Қазақша</span><input value="Алматы" placeholder="Іздеу">'
        "<textarea>Алматы</textarea><!-- Алматы --></body></html>"
    )

    assert to_latin_page(html) == (
        '<html lang="kk-Latn"><head><title>Bağdarlama</title>'
        '<meta name="description" content="Almaty"><meta name="keywords" content="Алматы">'
        "<script>let a = '<b>Алматы</b>';</script><style>p::before{content:'Алматы'}</style>"
        '</head><body><a href="/kk/Алматы/" title="Almaty">Almaty</a>'
        '<p lang="ru">Алматы <span>қала</span></p><p lang="kk-Latn">Almaty</p>'
        '<span translate="no">Қазақша</span><input value="Алматы" placeholder="Izdeu">'
        "<textarea>Алматы</textarea><!-- Алматы --></body></html>"
    )


def test_a_meta_tag_marked_kazakh_is_converted_with_both_its_language_attributes():
    html = (
        '<meta name="DC.title" content="Полиция және қоғам" lang="kk" xml:lang="kk">'
        '<meta name="DC.title" content="Полиция и общество" lang="ru" xml:lang="ru">'
    )

    assert to_latin_page(html) == (
        '<meta name="DC.title" content="Politsiia jäne qoğam" lang="kk-Latn" xml:lang="kk-Latn">'
        '<meta name="DC.title" content="Полиция и общество" lang="ru" xml:lang="ru">'
    )
