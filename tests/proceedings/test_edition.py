"""The edition's imprint: the back of the title page and the output data on the last page, read
back from a really typeset book."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from proceedings import article_head, book, review
from proceedings.article import article
from proceedings.classification import validate_irsti, validate_udc
from proceedings.imprint import conventional_sheets
from speakers import orcid
from tests.factories import AuthorFactory, PaperFactory, ProceedingsFactory
from typesetting.printing import lay_out

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache(settings, tmp_path):
    settings.BOOK_CACHE_DIR = tmp_path / "book-cache"


def imprinted_proceedings(**fields):
    return ProceedingsFactory(
        udc="343.9:351.74",
        bbk="67.408",
        author_mark="М 34",
        signed_to_print=datetime.date(2026, 11, 20),
        paper_format="60x84/16",
        paper_kk="офсеттік",
        paper_ru="офсетная",
        typeface="PT Serif",
        print_run=300,
        order_number="117",
        printing_house_kk="Алматы академиясының баспаханасы",
        printing_house_ru="Типография Алматинской академии",
        printing_house_address_ru="г. Алматы, ул. Утепова, 29",
        **fields,
    )


def texts(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.mark.slow
def test_the_imprint_prints_the_codes_once_and_the_real_page_count():
    proceedings = imprinted_proceedings()
    reader, pages = texts(book.build(proceedings).pdf)
    count = len(reader.pages)
    whole = " ".join(pages)
    assert whole.count("343.9:351.74") == 1
    assert whole.count("67.408") == 1
    assert whole.count("М 34") == 1
    assert whole.count("978-") == 1  # the ISBN, at the imprint's foot only
    imprint = pages[3]
    assert f"– {count} б." in imprint
    assert f"– {count} с." in imprint
    assert count % 2 == 0


@pytest.mark.slow
def test_the_imprint_names_the_licence_with_its_address():
    _reader, pages = texts(book.build(imprinted_proceedings(licence="CC BY 4.0")).pdf)
    assert "CC BY 4.0: https://creativecommons.org/licenses/by/4.0/" in pages[3]
    _reader, pages = texts(book.build(imprinted_proceedings()).pdf)
    assert "creativecommons" not in " ".join(pages)


@pytest.mark.slow
def test_the_output_data_is_on_the_last_page_with_the_sheets_computed():
    proceedings = imprinted_proceedings()
    reader, pages = texts(book.build(proceedings).pdf)
    count = len(reader.pages)
    last = pages[-1]
    sheets = f"{conventional_sheets(count, '60x84/16'):.2f}".replace(".", ",")
    assert f"Усл. печ. л. {sheets}" in last
    assert f"Шартты баспа табағы {sheets}" in last
    assert "Подписано в печать 20.11.2026" in last
    assert "Формат 60×84/16" in last
    assert "Тираж 300 экз." in last
    assert "Заказ № 117" in last
    assert "Типография Алматинской академии, г. Алматы, ул. Утепова, 29" in last
    assert not any("Усл. печ. л." in page for page in pages[:-1])
    # No folio on it: the output data is not a numbered page.
    assert not re.search(rf"\b{count}\s*$", last)


@pytest.mark.parametrize(
    ("pages", "paper_format", "sheets"),
    [
        (176, "60x84/16", "10.23"),  # 176 / 16 × 0.93
        (182, "60x84/8", "21.16"),  # 182 / 8 × 0.93 = 21.1575
        (160, "70x100/16", "13.00"),  # 160 / 16 × 1.30
        (96, "84x108/32", "5.04"),  # 96 / 32 × 1.68
    ],
)
def test_conventional_printed_sheets_follow_pages_and_format(pages, paper_format, sheets):
    assert str(conventional_sheets(pages, paper_format)) == sheets


def test_an_organiser_saves_the_output_data_in_the_admin(client, organiser):
    proceedings = imprinted_proceedings()
    client.force_login(organiser)
    url = f"/admin/proceedings/proceedings/{proceedings.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | bool)
    }
    data.update({name: "on" for name, value in form.initial.items() if value is True})
    data.update(
        {
            "signed_to_print": "2026-12-01",
            "paper_format": "60x84/8",
            "print_run": "500",
            "order_number": "204",
            "printing_house_ru": "ТОО «Полиграф»",
            "builds-TOTAL_FORMS": "0",
            "builds-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    proceedings.refresh_from_db()
    assert proceedings.signed_to_print == datetime.date(2026, 12, 1)
    assert proceedings.paper_format == "60x84/8"
    assert proceedings.print_run == 500
    assert proceedings.order_number == "204"
    assert proceedings.printing_house_ru == "ТОО «Полиграф»"


def test_an_orcid_with_a_wrong_check_digit_is_refused():
    orcid.validate("0000-0002-1825-0097")
    orcid.validate("0000-0002-1694-233X")
    with pytest.raises(ValidationError, match="check digit"):
        orcid.validate("0000-0002-1825-0098")
    with pytest.raises(ValidationError):
        orcid.validate("0000-0002-1825")


@pytest.mark.parametrize("code", ["343.9:351.74", "351.74", "343.98(574)"])
def test_a_udc_as_collections_print_it_is_taken(code):
    validate_udc(code)


@pytest.mark.parametrize("code", ["343,9", "УДК 343.9", ":351"])
def test_a_malformed_udc_is_refused(code):
    with pytest.raises(ValidationError):
        validate_udc(code)


def test_an_irsti_has_two_or_three_groups_of_two_digits():
    validate_irsti("10.77.51")
    with pytest.raises(ValidationError):
        validate_irsti("10.7.51")


def complete_head(paper):
    AuthorFactory(
        paper=paper,
        organisation_kk="Алматы академиясы",
        city_kk="Алматы",
        country_kk="Қазақстан",
        email="author@example.kz",
        orcid="0000-0002-1825-0097",
    )
    paper.udc, paper.irsti = "343.9:351.74", "10.77.51"
    for lang in ("kk", "ru", "en"):
        setattr(paper, f"title_{lang}", getattr(paper, f"title_{lang}") or f"Title ({lang})")
        setattr(paper, f"abstract_{lang}", "Аңдатпа / Аннотация / Abstract")
        setattr(paper, f"keywords_{lang}", "қауіпсіздік, право, safety")
    paper.save()


def test_the_missing_list_names_what_the_head_lacks():
    paper = PaperFactory(
        title_kk="Полиция", title_en="", abstract_kk="Аңдатпа", keywords_kk="қауіпсіздік"
    )
    AuthorFactory(paper=paper, surname_kk="Ахманов", email="a@example.kz")
    lacks = article_head.missing(paper)
    # The English title too: the English card, Scholar and the indexers read it.
    assert "title in English" in lacks and "title in Kazakh" not in lacks
    assert "ORCID of Ахманов" in lacks
    assert "UDC" in lacks and "IRSTI (МРНТИ)" in lacks
    assert "abstract in English" in lacks and "abstract in Kazakh" not in lacks
    assert "e-mail of Ахманов" not in lacks


def test_acceptance_is_refused_while_a_required_head_is_incomplete(organiser):
    proceedings = ProceedingsFactory(require_article_head=True)
    paper = PaperFactory(event=proceedings.event, status="submitted")
    with pytest.raises(ValidationError, match=r"Missing: .*UDC"):
        review.move(paper, "accepted", organiser)
    paper.refresh_from_db()
    assert paper.status == "submitted"
    complete_head(paper)
    assert review.move(paper, "accepted", organiser).status == "accepted"


def test_acceptance_needs_no_head_unless_the_proceedings_require_it(organiser):
    proceedings = ProceedingsFactory()
    paper = PaperFactory(event=proceedings.event, status="submitted")
    assert review.move(paper, "accepted", organiser).status == "accepted"


@pytest.mark.slow
def test_the_article_head_prints_codes_contacts_title_and_abstracts_in_order():
    paper = PaperFactory(language="ru", title_ru="Полиция и общество")
    complete_head(paper)
    paper.abstract_ru, paper.abstract_kk, paper.abstract_en = (
        "Русская аннотация.",
        "Қазақша аңдатпа.",
        "English abstract.",
    )
    paper.save()
    html = book.render("print/book/paper.html", {"article": article(paper)}, "ru")
    reader = PdfReader(io.BytesIO(lay_out(html, book.STYLESHEETS).write_pdf()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    order = [
        "УДК 343.9:351.74",
        "МРНТИ 10.77.51",
        "ORCID 0000-0002-1825-0097",
        "Полиция и общество",
        "Аннотация. Русская аннотация.",
        "Қазақша аңдатпа.",
        "English abstract.",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, (positions, text)
    assert positions == sorted(positions), text
