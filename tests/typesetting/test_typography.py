"""Russian and Kazakh typesetting rules: real WeasyPrint, read back with pypdf."""

import io
import re

from pypdf import PdfReader
from weasyprint import HTML

from typesetting.printing import BASE_URL, PrintURLFetcher
from typesetting.typography import running_title, tie, tie_html

LINE_ENDS_IN_INITIAL = re.compile(r"\b[А-ЯӘҒҚҢӨҰҮҺІA-Z]\.$")

NAMES = (
    "Баяндаманы И. М. Есбулатова және А. Т. Әлиев жасады, С. Джобса туралы айтты; "
    "мақаланы Ж. Б. Сейітов, М. К. Омарова, Р. Н. Ахметов және Д. Е. Қасымов "
    "оқыды, ал Н. Ә. Бекова мен Г. С. Тұрсынова талқылады."
)


def lines_of(html):
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=PrintURLFetcher()).write_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def narrow(text):
    return (
        '<html lang="kk"><body><p style="width: 3.5cm; font-size: 12pt; text-align: left">'
        f"{text}</p></body></html>"
    )


def test_no_line_of_a_narrow_paragraph_ends_in_an_initial():
    untied = lines_of(narrow(NAMES))
    tied = lines_of(tie_html(narrow(NAMES)))

    assert [line for line in untied if LINE_ENDS_IN_INITIAL.search(line)] != []
    assert [line for line in tied if LINE_ENDS_IN_INITIAL.search(line)] == []


def test_numbers_signs_units_and_dashes_keep_to_their_word():
    assert tie("№ 5, § 3, 25 %, 10 км, және т.б. Бұл — заң") == (
        "№\u00a05, §\u00a03, 25\u00a0%, 10\u00a0км, және\u00a0т.б. Бұл\u00a0— заң"
    )
    assert tie("Есбулатова И. М. мен А. Т. Әлиев") == (
        "Есбулатова\u00a0И.\u00a0М. мен А.\u00a0Т.\u00a0Әлиев"
    )


def test_tags_and_styles_are_left_as_they_are():
    html = '<p title="И. М. Есбулатова">И. М. Есбулатова</p><style>a — b</style>'

    assert tie_html(html) == (
        '<p title="И. М. Есбулатова">И.\u00a0М.\u00a0Есбулатова</p><style>a — b</style>'
    )


def test_a_long_running_title_ends_on_a_word_with_an_ellipsis():
    title = "«Құқық қорғау органдарының қоғаммен іс-қимылы» дөңгелек үстелінің материалдары"

    head = running_title(title)

    assert len(head) <= 60 and head.endswith("…")
    assert title.startswith(head[:-1]) and title[len(head) - 1] == " "
    assert running_title("Қысқа атау") == "Қысқа атау"


def test_a_running_title_of_authors_ends_on_a_whole_name():
    authors = "Бегалиев А.Т., Жұмабаева А.Т., Сейітов А.Т., Тұрсынбекова А.Т., Қасымов А.Т."

    head = running_title(authors)

    assert head.replace("\u00a0", " ") == "Бегалиев А.Т., Жұмабаева А.Т., Сейітов А.Т.…"
