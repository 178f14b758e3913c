"""Folios made from a typeset page of digits draw what WeasyPrint would have typeset."""

import io

import pytest
from pypdf import PdfReader

from typesetting import folios
from typesetting.printing import lay_out

# A folio in the foot margin, centred, as print/book.css sets it.
PAGE = """<!doctype html><html lang="kk"><head><style>
@page {{ size: A4; margin: 20mm 15mm 22mm 25mm;
  @bottom-center {{ content: "{folio}"; font-family: "PT Serif"; font-size: 10pt; }} }}
</style></head><body></body></html>"""


def typeset_folio(folio):
    pdf = lay_out(PAGE.format(folio=folio)).write_pdf()
    return PdfReader(io.BytesIO(pdf)).pages[0]


@pytest.fixture(scope="module")
def template():
    return typeset_folio(folios.DIGITS)


@pytest.mark.parametrize("number", [7, 42, 128, 1096])
def test_a_folio_made_from_the_digits_is_the_one_weasyprint_typesets(template, number):
    made = folios.Numbering(template).page(number)
    typeset = typeset_folio(str(number))
    line = folios.LINE.search(folios.contents_of(made))
    expected = folios.LINE.search(folios.contents_of(typeset))
    assert float(line["x"]) == pytest.approx(float(expected["x"]), abs=0.001)
    assert line["y"] == expected["y"]
    assert line["size"] == expected["size"]
    # The glyphs are the same font's (the documents name their subsets alike).
    assert folios.GLYPH.findall(line["glyphs"]) == folios.GLYPH.findall(expected["glyphs"])
    assert made.extract_text().split()[-1] == str(number)


def test_a_template_without_the_digits_alone_on_one_line_is_refused():
    with pytest.raises(ValueError, match="DIGITS"):
        folios.Numbering(typeset_folio("12"))
    with_text = lay_out(PAGE.format(folio=folios.DIGITS).replace("<body>", "<body><p>Бет</p>"))
    page = PdfReader(io.BytesIO(with_text.write_pdf())).pages[0]
    with pytest.raises(ValueError, match="DIGITS"):
        folios.Numbering(page)
