"""DOCX papers made with python-docx, converted by the real pandoc, read as a speaker would."""

import base64
import io
import re

import docx
import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import CSS, HTML

from proceedings.conversion import ConversionError, convert_docx, describe, sanitise
from tests.proceedings import documents
from tests.proceedings.documents import (
    BOLD_TEXT,
    FOOTNOTE_SOURCE,
    FOOTNOTES,
    ITALIC_TEXT,
    KAZAKH_LETTERS,
    LIST_ITEMS,
    PARAGRAPHS,
    REMOTE_IMAGE_URL,
    SECTION_HEADINGS,
    TITLE,
    make_docx,
    png_bytes,
)


def convert(**options):
    return convert_docx(io.BytesIO(make_docx(**options)))


def texts(html, tag):
    """The text of each `tag` element, tags inside it removed."""
    return [
        re.sub(r"<[^>]+>", "", inner)
        for inner in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    ]


def test_headings_start_at_h3_because_the_book_sets_the_title():
    html = convert().html

    assert texts(html, "h3") == [TITLE]
    assert texts(html, "h4") == list(SECTION_HEADINGS)
    assert "<h1" not in html
    assert "<h2" not in html


def test_text_bold_italic_and_every_kazakh_letter_survive():
    conversion = convert()

    assert f"<strong>{BOLD_TEXT}</strong>" in conversion.html
    assert f"<em>{ITALIC_TEXT}</em>" in conversion.html
    assert KAZAKH_LETTERS in conversion.html
    assert PARAGRAPHS[2] in conversion.html  # Russian too
    assert conversion.warnings == ()


def test_table_keeps_its_head_and_merged_cells():
    html = convert(with_table=True).html

    head = re.search(r"<thead>(.*)</thead>", html, re.S).group(1)
    assert '<th rowspan="2"><strong>Өңір</strong></th>' in head
    assert '<th colspan="2"><strong>Тіркелген қылмыстар</strong></th>' in head
    assert texts(html, "td") == [
        "Алматы облысы",
        "1 204",
        "1 118",
        "Қарағанды облысы",
        "987",
        "1 002",
    ]


def test_numbered_list_stays_a_list():
    html = convert(with_list=True).html

    assert re.search(r"<ol\b", html)
    assert texts(html, "li") == list(LIST_ITEMS)


def test_footnotes_sit_at_their_references_as_footnote_spans():
    html = convert(with_footnote=True).html

    first, second = re.findall(r'<span class="footnote">(.*?)</span>', html)
    assert first == FOOTNOTES[0]
    assert f"<em>{FOOTNOTE_SOURCE}</em>" in second
    assert re.sub(r"</?em>", "", second) == FOOTNOTES[1]
    # Each follows the end of the paragraph that refers to it, not an endnote list.
    assert f'қарастырылады.<span class="footnote">{first}</span></p>' in html
    assert f'{PARAGRAPHS[-1]}<span class="footnote">' in html
    assert "#fn" not in html
    assert "↩" not in html
    assert html.count(FOOTNOTES[0]) == 1


def test_picture_is_inlined_at_its_size_in_word():
    html = convert(with_image=True).html

    (image,) = re.findall(r"<img [^>]*>", html)
    src = re.search(r'src="data:image/png;base64,([^"]+)"', image).group(1)
    assert base64.b64decode(src) == png_bytes()
    # 4 cm wide in Word (151 CSS pixels), height in proportion to its 120 × 80 pixels.
    assert 'width="151"' in image
    assert 'height="101"' in image


def inlined_pictures(html):
    """Each inlined picture of the HTML, opened by Pillow."""
    return [
        Image.open(io.BytesIO(base64.b64decode(data)))
        for data in re.findall(r'src="data:image/[a-z]+;base64,([^"]+)"', html)
    ]


def test_a_picture_larger_than_print_needs_is_scaled_down_to_300_dpi_over_the_page():
    # 4000 pixels across would be 600 dpi over the 170 mm of the text block.
    html = convert(pictures=[png_bytes(size=(4000, 3000))]).html

    [picture] = inlined_pictures(html)
    assert (picture.format, picture.size) == ("PNG", (2008, 1506))
    assert 'width="151"' in html  # still 4 cm wide, as in Word


@pytest.mark.slow
def test_a_large_photo_stays_a_jpeg_when_scaled_down():
    photo = io.BytesIO()
    Image.new("RGB", (3000, 4500), (120, 90, 60)).save(photo, format="JPEG")

    [picture] = inlined_pictures(convert(pictures=[photo.getvalue()]).html)

    assert (picture.format, picture.size) == ("JPEG", (2008, 3012))


def test_a_picture_print_can_use_whole_is_kept_as_it_is():
    picture = png_bytes(size=(2008, 3012))

    assert base64.b64encode(picture).decode() in convert(pictures=[picture]).html


def test_picture_in_another_raster_format_is_printed_as_png():
    document = docx.Document(io.BytesIO(make_docx()))
    bmp = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 60)).save(bmp, format="BMP")
    document.add_picture(bmp)
    out = io.BytesIO()
    document.save(out)

    conversion = convert_docx(out)

    assert "data:image/png;base64," in conversion.html
    assert conversion.warnings == ()


def test_picture_the_book_cannot_print_is_dropped_with_a_warning():
    data = documents.replace_part(
        make_docx(with_image=True), "word/media/image1.png", documents.emf_bytes()
    )

    conversion = convert_docx(io.BytesIO(data))

    assert "<img" not in conversion.html
    assert [describe(warning) for warning in conversion.warnings] == [
        "1 image in a format the book cannot print (such as EMF or WMF) was dropped. "
        "Send it as PNG or JPEG."
    ]


def test_picture_linked_from_the_internet_is_dropped_with_a_warning():
    conversion = convert(with_remote_image=True)

    assert "<img" not in conversion.html
    assert REMOTE_IMAGE_URL not in conversion.html
    assert [describe(warning) for warning in conversion.warnings] == [
        "1 image linked from outside the document was dropped. Insert the picture itself."
    ]


def test_warning_counts_linked_pictures():
    document = docx.Document(io.BytesIO(make_docx(with_image=True)))
    documents.add_linked_picture(document, REMOTE_IMAGE_URL)
    documents.add_linked_picture(document, "file:///etc/hostname")
    out = io.BytesIO()
    document.save(out)

    conversion = convert_docx(out)

    assert len(re.findall("<img", conversion.html)) == 1  # the embedded one
    assert [describe(warning) for warning in conversion.warnings] == [
        "2 images linked from outside the document were dropped. Insert the pictures themselves."
    ]


def test_equation_is_dropped_with_a_warning_and_the_text_around_it_stays():
    conversion = convert(with_equation=True)

    assert "frac" not in conversion.html
    assert "$" not in conversion.html
    assert "<p></p>" not in conversion.html
    assert "<p>мұндағы S — орташа мән.</p>" in conversion.html
    assert [describe(warning) for warning in conversion.warnings] == [
        "1 equation was dropped: the book cannot typeset it. Send it as an image."
    ]


def test_simple_formula_stays_as_text():
    conversion = convert(with_inline_formula=True)

    assert (
        "<p>Мұндағы <em>x</em><sub><em>i</em></sub>\N{THREE-PER-EM SPACE}=\N{THREE-PER-EM SPACE}"
        "<em>y</em><sup>2</sup> болады.</p>" in conversion.html
    )
    assert conversion.warnings == ()


def test_chart_is_dropped_with_a_warning():
    conversion = convert(with_chart=True)

    assert "<p>2-сурет. Өңірлер бойынша қылмыстар</p>" in conversion.html
    assert [describe(warning) for warning in conversion.warnings] == [
        "1 chart or diagram was dropped: the book cannot draw it. Paste it as a picture."
    ]


def test_same_file_gives_the_same_html(tmp_path):
    path = tmp_path / "paper.docx"
    data = make_docx(path, with_table=True, with_footnote=True, with_image=True, with_equation=True)
    first = convert_docx(path)
    again = convert_docx(io.BytesIO(data))

    assert first.html == again.html
    assert first == again


def test_converted_html_is_already_clean():
    html = convert(with_table=True, with_footnote=True, with_image=True, with_list=True).html

    assert sanitise(html) == html


def test_a_file_that_is_not_a_docx_is_refused():
    with pytest.raises(ConversionError) as refused:
        convert_docx(io.BytesIO(b"%PDF-1.7 not a Word document"))

    assert str(refused.value.message) == (
        "The file could not be read as a Word document. Open it in Word and save it again."
    )


def test_sanitise_removes_scripts_handlers_and_dangerous_links():
    html = sanitise(
        '<p onclick="steal()" style="color: red" class="x">Сәлем'
        "<script>alert(1)</script>"
        '<a href="javascript:alert(1)">бір</a>'
        '<a href="JaVaScRiPt:alert(1)">екі</a>'
        '<a href="file:///etc/passwd">үш</a>'
        '<a href="https://example.kz/" target="_blank">сайт</a>'
        '<a href="mailto:hatshy@example.kz">пошта</a></p>'
        "<style>p { display: none }</style><iframe src='https://example.kz/'></iframe>"
    )

    assert html == (
        "<p>Сәлем<a>бір</a><a>екі</a><a>үш</a>"
        '<a href="https://example.kz/">сайт</a><a href="mailto:hatshy@example.kz">пошта</a></p>'
    )


def test_sanitise_keeps_only_inline_pictures():
    png = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    html = sanitise(
        f'<p>а<img src="file:///etc/passwd" alt="">ә'
        f'<img src="https://example.kz/x.png">б'
        f'<img src="data:image/svg+xml;base64,PHN2Zy8+">в'
        f'<img src="{png}" width="151" height="1cm" onerror="x()">г</p>'
    )

    assert html == f'<p>аәбв<img src="{png}" width="151">г</p>'


def test_sanitise_keeps_structure_footnotes_and_merged_cells():
    source = (
        '<h3 id="kirispe">Кіріспе</h3><p>Мәтін<span class="footnote note">Ескерту</span></p>'
        '<table><tr><td colspan="2" rowspan="x" style="width: 5cm">ұяшық</td></tr></table>'
        '<ol start="3" type="disc"><li>тармақ</li></ol><math><mi>x</mi></math>'
    )

    assert sanitise(source) == (
        '<h3>Кіріспе</h3><p>Мәтін<span class="footnote">Ескерту</span></p>'
        '<table><tbody><tr><td colspan="2">ұяшық</td></tr></tbody></table>'
        '<ol start="3"><li>тармақ</li></ol>'
    )


def test_footnotes_are_printed_at_the_foot_of_their_page():
    html = convert(paragraphs=PARAGRAPHS * 6, with_footnote=True).html
    stylesheet = CSS(string="@page { size: A5 } .footnote { float: footnote }")

    pdf = HTML(string=f'<html lang="kk"><body>{html}</body></html>').write_pdf(
        stylesheets=[stylesheet]
    )

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert pages[0].endswith(f"1. {FOOTNOTES[0]}")
    assert pages[-1].endswith(f"2. {FOOTNOTES[1]}")
