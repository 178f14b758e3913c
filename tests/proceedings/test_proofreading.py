import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from proceedings import article, proofreading
from proceedings.models import TextCorrection
from tests.factories import AuthorFactory, PaperFactory, add_version, organiser, speaker
from tests.pages import shown
from typesetting.printing import BASE_URL, PrintURLFetcher, static_prefix

pytestmark = pytest.mark.django_db

# The four slips found in the real papers: Latin c in a Russian word, Cyrillic І in a Roman
# numeral, Cyrillic Р in a Latin name, Cyrillic К in a country code.
REAL_SLIPS = {
    "cоотношение": "соотношение",
    "VІ": "VI",
    "Рolisia": "Polisia",
    "КZ": "KZ",
}
TEXT = (
    "<h2>Кіріспе</h2><p>Рассмотрим cоотношение сил в VІ главе (проект Рolisia, КZ).</p>"
    '<p class="Рolisia">Тег не трогаем.</p>'
)


def paper_with_slips():
    paper = PaperFactory(language="ru", title_ru="Полиция и cоотношение сил")
    AuthorFactory(paper=paper)
    add_version(paper, b"PK docx", kind="docx", name="paper.docx", html=TEXT)
    return paper


def test_the_real_slips_are_found_with_the_word_they_were_meant_to_be():
    found = proofreading.mixed_script_words(TEXT + " обычные words и слова")
    assert {mixed.word: mixed.corrected for mixed in found} == REAL_SLIPS
    for wrong, right in REAL_SLIPS.items():
        assert {proofreading.script_of(letter) for letter in right} < {"latin", "cyrillic"}, wrong


def test_a_word_whose_script_is_not_clear_gets_no_fix():
    # Latin-only z and Cyrillic-only ж: either could be the slip.
    (mixed,) = proofreading.mixed_script_words("zж")
    assert mixed.corrected is None
    # As many letters of each script, all with twins: no majority.
    (mixed,) = proofreading.mixed_script_words("Оp")
    assert mixed.corrected is None


def test_words_in_one_script_and_tags_are_left_alone():
    assert proofreading.mixed_script_words('<a href="/Рolisia">Казахстан Kazakhstan</a>') == []


@pytest.mark.parametrize(
    ("html", "counted"),
    [
        ("<h2>Әдебиеттер</h2><p>1. Ахметов А. Кітап.</p><p>2. Иванов И. Книга.</p>", (2, 0)),
        ("<p>Список литературы</p><p>Ахметов А. Кітап.</p><p>[2] Иванов И.</p>", (2, 1)),
        ("<h2>References</h2><ol><li>Smith J.</li><li>Doe J.</li></ol>", (2, 0)),
        ("<h2>Литература</h2><ul><li>Smith J.</li><li>Doe J.</li></ul><h2>Notes</h2>", (2, 2)),
    ],
)
def test_references_without_numbers_are_counted(html, counted):
    found = proofreading.unnumbered_references(html)
    assert (found.total, found.unnumbered) == counted


def test_a_text_without_a_reference_list_has_nothing_to_count():
    assert proofreading.unnumbered_references("<p>Кіріспе</p><p>Мәтін.</p>") is None


def test_a_correction_is_printed_in_the_text_and_made_in_the_metadata():
    paper = paper_with_slips()
    editor = organiser()
    correction = proofreading.correct(paper, "cоотношение", editor)
    paper.refresh_from_db()
    assert paper.title_ru == "Полиция и соотношение сил"
    assert (correction.original, correction.corrected, correction.made_by) == (
        "cоотношение",
        "соотношение",
        editor,
    )
    body = article.article(paper)["body"]
    assert "соотношение" in body and "cоотношение" not in body
    # The converted text of the version stays what the author's file gave.
    assert "cоотношение" in paper.current_version.html
    assert "cоотношение" not in {mixed.word for mixed in proofreading.findings(paper)}


def test_a_correction_carries_over_to_a_revised_version():
    paper = paper_with_slips()
    proofreading.correct(paper, "Рolisia", organiser())
    add_version(paper, b"PK docx 2", kind="docx", name="paper-2.docx", html=TEXT)
    body = article.article(paper)["body"]
    assert "проект Polisia" in body
    assert 'class="Рolisia"' in body


def test_a_word_corrected_meanwhile_is_not_corrected_twice():
    paper = paper_with_slips()
    proofreading.correct(paper, "VІ", organiser())
    with pytest.raises(proofreading.NothingToCorrect):
        proofreading.correct(paper, "VІ", organiser())
    with pytest.raises(proofreading.NothingToCorrect):
        proofreading.correct(paper, "zж", organiser())
    assert TextCorrection.objects.filter(paper=paper).count() == 1


@pytest.fixture
def editor(client):
    user = organiser(username="editor")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_the_paper_page_marks_the_odd_letters_and_corrects_with_one_click(editor, client):
    paper = paper_with_slips()
    page_url = reverse("admin:proceedings_paper_change", args=[paper.pk])
    html = client.get(page_url).content.decode()
    assert "<mark title='Latin letter'>c</mark>оотношение" in html
    assert "<mark title='Cyrillic letter'>Р</mark>olisia" in html
    assert "2 of the" not in html
    correct_url = reverse("admin:proceedings_paper_correct", args=[paper.pk])
    assert f"formaction='{correct_url}'" in html

    response = client.post(correct_url, {"word": "КZ"}, follow=True)
    assert "“КZ” is now written “KZ” in this paper." in shown(response)
    assert "(проект Рolisia, KZ)" in article.article(paper)["body"]
    html = response.content.decode()
    assert "“КZ” was written in one script by editor" in html

    again = client.post(correct_url, {"word": "КZ"}, follow=True)
    assert "nothing was changed" in shown(again)[0]
    assert TextCorrection.objects.filter(paper=paper).count() == 1


def test_the_paper_page_counts_unnumbered_references(editor, client):
    paper = PaperFactory(language="kk")
    add_version(
        paper,
        b"PK",
        kind="docx",
        name="p.docx",
        html="<h2>Әдебиеттер</h2><p>Ахметов А. Кітап.</p><p>2. Иванов И.</p>",
    )
    html = client.get(reverse("admin:proceedings_paper_change", args=[paper.pk])).content
    assert "1 of the 2 references have no number." in html.decode()


@pytest.mark.parametrize("role", ["anonymous", "speaker"])
def test_only_organisers_correct_a_paper(role, client):
    paper = paper_with_slips()
    if role == "speaker":
        client.force_login(speaker())
    response = client.post(
        reverse("admin:proceedings_paper_correct", args=[paper.pk]), {"word": "КZ"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not TextCorrection.objects.exists()


REFERENCE = (
    "Есбулатова И.М. Полиция и общество: партнёрство в обеспечении общественной "
    "безопасности // Вестник академии. – 2024. – № 3. – С. 17–24."
)


def line_starts(pdf):
    """The x of each line's first text run on the first page, top to bottom."""
    starts = {}

    def visit(text, cm, tm, font, size):
        y = round(cm[5] + tm[5])
        if text.strip() and y not in starts:
            starts[y] = cm[4] + tm[4]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    # WeasyPrint's text matrix counts y down the page.
    return [starts[y] for y in sorted(starts)]


def test_a_reference_list_hangs_its_numbers_instead_of_indenting_the_paragraph():
    html = f"<h3>Список литературы</h3><p>1. {REFERENCE}</p><p>2. {REFERENCE}</p>"
    hung = proofreading.references_hung(html)
    assert hung.count('<p class="reference">') == 2
    page = (
        f'<html lang="ru"><head><link rel="stylesheet" href="{static_prefix()}print/print.css">'
        f'</head><body><div class="paper-body">{hung}</div></body></html>'
    )

    pdf = HTML(string=page, base_url=BASE_URL, url_fetcher=PrintURLFetcher()).write_pdf()

    _heading, number, following, *_rest = line_starts(pdf)
    # The entry's second line starts right of its number (a paragraph indent does the reverse).
    assert following > number + 10
