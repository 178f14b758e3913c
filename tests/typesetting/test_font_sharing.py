"""One font program per font in a PDF merged from separately typeset WeasyPrint documents: the
merged file is smaller, its text reads the same and its pages look the same."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from typesetting import font_sharing
from typesetting.printing import lay_out

PARTS = (
    "<p>Қоғамдық қауіпсіздікті қамтамасыз ету мемлекет пен азаматтық қоғамның "
    "<b>өзара іс-қимылына</b> негізделеді, <i>ынтымақтастық</i> дамиды.</p>",
    "<p>Обеспечение общественной безопасности основывается на <b>взаимодействии</b> "
    "государства и <i>гражданского общества</i>, 2025\u00a0г.</p>",
)


def document(body):
    html = f'<html lang="kk"><body style="font-family: \'PT Serif\'">{body}</body></html>'
    return lay_out(html).write_pdf()


@pytest.fixture(scope="module")
def parts():
    return [document(body) for body in PARTS]


def merged(parts, *, shared):
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    if shared:
        font_sharing.share_fonts(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def font_programs(pdf):
    """{font name without its subset tag: number of distinct FontFile2 streams}."""
    programs = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            name = str(descriptor["/FontName"]).split("+", 1)[1]
            stream = descriptor.raw_get("/FontFile2")
            programs.setdefault(name, set()).add(stream.idnum)
    return {name: len(streams) for name, streams in programs.items()}


def test_a_merged_pdf_has_one_program_per_font_and_is_smaller(parts):
    before, after = merged(parts, shared=False), merged(parts, shared=True)

    assert font_programs(before) == {"PT-Serif": 2, "PT-Serif-Bold": 2, "PT-Serif-Italic": 2}
    assert font_programs(after) == {"PT-Serif": 1, "PT-Serif-Bold": 1, "PT-Serif-Italic": 1}
    assert len(after) < len(before)
    assert PdfReader(io.BytesIO(after)).pages[1].extract_text()  # the file is whole


def test_the_text_reads_the_same(parts):
    before, after = merged(parts, shared=False), merged(parts, shared=True)

    texts = [
        [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        for pdf in (before, after)
    ]

    assert texts[0] == texts[1]
    assert "ынтымақтастық дамиды" in texts[1][0]
    assert "гражданского общества" in texts[1][1]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils' pdftoppm is not installed")
def test_the_pages_look_the_same(parts, tmp_path):
    for name, shared in (("before", False), ("after", True)):
        (tmp_path / f"{name}.pdf").write_bytes(merged(parts, shared=shared))
        subprocess.run(
            ["pdftoppm", "-r", "72", "-gray", tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )
    for page in (1, 2):
        before = (tmp_path / f"before-{page}.pgm").read_bytes()
        assert (tmp_path / f"after-{page}.pgm").read_bytes() == before


def test_a_subset_whose_glyphs_are_not_the_originals_keeps_its_own_program(parts):
    """As an uploaded PDF from another program would: glyph ids renumbered, same font name."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    font = next(font_sharing.embedded_fonts(writer))
    widths = dict(font.widths)
    # Each glyph id moved one on: the outlines at those ids are other letters'.
    font.widths.clear()
    font.widths.update({gid + 1: width for gid, width in widths.items()})

    assert font_sharing.original_of(font) is None
    assert font_sharing.original_of(next(font_sharing.embedded_fonts(writer))) is not None
