"""The printed programme (/<lang>/<slug>/programme.pdf) of the real round table of 23 May 2025,
read back from the PDF: Kazakh then Russian, one language on request, who may download it, and its
query count."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests import factories
from tests.factories import PersonFactory, ProgrammeItemFactory, RoundTableFactory, release

pytestmark = pytest.mark.django_db


def url(slug, language="en"):
    with translation.override(language):
        return reverse("roundtable:programme_pdf", kwargs={"slug": slug})


def read(response):
    """(text, reader): the PDF's text with its lines joined by single spaces."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader


def fonts(reader):
    return {
        re.sub(r"[^a-z]", "", str(font["/BaseFont"]).split("+")[-1].lower())
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.mark.slow
def test_kazakh_part_then_russian_part_as_the_seed_prints_it(client, demo_event):
    text, reader = read(client.get(url(demo_event.slug)))
    kazakh, russian = text.split("КРУГЛЫЙ СТОЛ", 1)
    assert "ДӨҢГЕЛЕК ҮСТЕЛ" in kazakh
    assert "БАҒДАРЛАМА" in kazakh
    assert "ПРОГРАММА" not in kazakh
    assert "ПРОГРАММА" in russian
    # The Russian part starts on a page of its own.
    assert [page.extract_text().startswith("КРУГЛЫЙ СТОЛ") for page in reader.pages].count(
        True
    ) == 1
    assert "2025 жылғы 23 мамыр, 09:00" in kazakh
    assert "23 мая 2025 г., 09:00" in russian
    assert kazakh.index("Кіріспе сөз") < kazakh.index("Пікірталас, қарарды талқылау")
    assert russian.index("Вступительное слово") < russian.index("Дискуссия, обсуждение резолюции")
    assert "Қорытындылау, дөңгелек үстелді аяқтау" in kazakh
    for part in (kazakh, russian):
        for time in ("09:00–09:05", "10:20–10:30", "12:50–13:00", "13:00–13:15"):
            assert time in part
        assert "КОРЖУМБАЕВА Тамара Муслимовна" in part
        # Talk titles in the talk's own language in both programmes.
        assert "Мировая практика внедрения сервисной модели полиции" in part
        assert "Патрульдік полиция мен азаматтардың қоғамдық қауіпсіздікті" in part
    # Names and positions as each programme prints them.
    assert "РАХМЕТ Ерлан Даутқазыұлы" in kazakh
    assert "РАХМЕТ Ерлан Дауытқазыұлы" in russian
    assert "КОЙШКЕН Ануар Талғатұлы" in kazakh
    assert "КОЙШКЕН Ануар Талгатович" in russian
    assert "полиция полковнигі" in kazakh
    assert "полковник полиции" in russian
    # Kazakh letters come back out of the PDF, set in PT Serif.
    for letter in "әғқңөұүіҚӨҢҮІ":  # every one the demo programme has
        assert letter in kazakh, letter
    assert fonts(reader) == {"ptserif", "ptserifbold", "ptserifitalic"}  # no DejaVu fallback
    assert reader.metadata.title.startswith("Бағдарлама: Қоғамдық қауіпсіздікті")
    assert " / Программа: Обеспечение общественной безопасности" in reader.metadata.title
    assert reader.trailer["/Root"]["/Lang"] == "kk"


def test_programme_pdf_query_count(client, django_assert_num_queries):
    event = RoundTableFactory()
    for hour in (9, 10, 11):
        item = ProgrammeItemFactory(
            event=event, start=datetime.time(hour), end=datetime.time(hour, 30)
        )
        item.speakers.set([PersonFactory(), PersonFactory()])
    release(event)
    # the version (portal/page_cache.py), event, items, their speakers, participations
    with django_assert_num_queries(5):
        text, _reader = read(client.get(url(event.slug)))
    assert text.count("10:00–10:30") == 2
    with django_assert_num_queries(1):  # the version: the PDF comes from the page cache
        assert read(client.get(url(event.slug)))[0] == text
    # A made-up query string gets the same PDF, typeset no more.
    with django_assert_num_queries(1):
        assert read(client.get(url(event.slug) + "?utm_source=letter"))[0] == text


def test_one_language_on_request(client):
    event = RoundTableFactory(organiser_ru="Алматинская академия")
    ProgrammeItemFactory(event=event, title_ru="Доклад о сервисной полиции")
    release(event)
    text, reader = read(client.get(url(event.slug) + "?language=ru"))
    assert "ПРОГРАММА" in text
    assert "Доклад о сервисной полиции" in text
    assert "БАҒДАРЛАМА" not in text
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert reader.metadata.author == "Алматинская академия"


def test_unknown_language_is_not_found(client):
    event = RoundTableFactory()
    assert client.get(url(event.slug) + "?language=de").status_code == 404


def test_unpublished_round_table_programme_is_not_found_for_the_public(client):
    event = RoundTableFactory(published=False)
    assert client.get(url(event.slug)).status_code == 404
    client.force_login(factories.staff("guest"))
    assert client.get(url(event.slug)).status_code == 404


def test_organisers_print_an_unpublished_programme(client):
    event = RoundTableFactory(published=False)
    client.force_login(factories.organiser("aigerim"))

    text, _reader = read(client.get(url(event.slug) + "?language=kk"))

    assert " ".join(event.theme_kk.split()) in text
