"""Variants of the book: the print book (bleed and crop marks, black in the black ink, every font
embedded, a back cover with the ISBN's barcode), and the screen book that stays the public one.

The books are tiny and real: built by the build machinery, read back with pypdf, the back cover
rendered to pixels with pypdfium2 and its barcode decoded with zxing-cpp.
"""

import io

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ContentStream
from weasyprint import HTML

from proceedings import builds
from proceedings.models import BookBuild, Paper
from tests.factories import AuthorFactory, PaperFactory, add_version, organiser, tiny_proceedings
from tests.pages import change_url, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

Variant = BookBuild.Variant
A4 = (595.2756, 841.8898)
BLEED = 3 / 25.4 * 72  # 3 mm in points
ISBN = "9786017943578"  # the factory's


def pdf_of(build):
    with build.pdf.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def built(proceedings, variant):
    build = builds.build_now(proceedings, variant=variant)
    assert build.status == BookBuild.Status.SUCCEEDED, build.error
    return build


def with_uploaded_paper(proceedings):
    """`proceedings` with a second paper uploaded as a PDF on US Letter paper."""
    paper = PaperFactory(
        event=proceedings.event,
        section=Paper.objects.get(event=proceedings.event).section,
        position=5,
        status=Paper.Status.ACCEPTED,
    )
    AuthorFactory(paper=paper)
    style = "@page { size: letter } p { font-family: PT Serif }"
    add_version(paper, HTML(string=f"<style>{style}</style><p>Uploaded</p>").write_pdf())
    return proceedings


def boxes(page):
    return {
        name: tuple(round(float(value), 2) for value in getattr(page, name))
        for name in ("mediabox", "bleedbox", "trimbox")
    }


# --- Bleed and crop marks ------------------------------------------------------------------------


def test_every_page_of_the_print_book_is_a4_trimmed_from_a_3_mm_bleed():
    proceedings = with_uploaded_paper(tiny_proceedings())

    pdf = pdf_of(built(proceedings, Variant.PRINT))

    first = boxes(pdf.pages[0])
    trim = (0, 0, round(A4[0], 2), round(A4[1], 2))
    assert first["trimbox"] == trim
    assert first["bleedbox"] == tuple(
        round(value, 2) for value in (-BLEED, -BLEED, A4[0] + BLEED, A4[1] + BLEED)
    )
    media = first["mediabox"]
    assert media[2] - media[0] > A4[0] + 16 and media[3] - media[1] > A4[1] + 16
    # Typeset, blank and uploaded pages alike: the printer cuts them all in one place.
    assert [boxes(page) for page in pdf.pages] == [first] * len(pdf.pages)
    blank = [page for page in pdf.pages if not page.extract_text().strip()]
    assert blank, "the book has blank pages (before parts, the cover's back)"
    # Sheets of four pages, the back cover last.
    assert len(pdf.pages) % 4 == 0


def test_every_page_of_the_print_book_has_crop_marks_in_its_bleed():
    build = built(with_uploaded_paper(tiny_proceedings()), Variant.PRINT)
    with build.pdf.open("rb") as stored:
        document = pypdfium2.PdfDocument(stored.read())

    marked = []
    for page in document:
        image = page.render(scale=4).to_pil().convert("L")  # 4 px a point
        # The top left corner of the bleed, up to the trim lines that the marks point at.
        corner = image.crop((0, 0, 36, 36))
        marked.append(min(corner.getdata()) < 128)
    assert marked == [True] * len(document)


def test_the_screen_book_built_after_a_print_one_has_no_bleed():
    proceedings = tiny_proceedings()
    built(proceedings, Variant.PRINT)

    # Its parts are not the print book's, cached a moment ago.
    pdf = pdf_of(built(proceedings, Variant.SCREEN))

    for page in pdf.pages:
        assert boxes(page)["mediabox"] == boxes(page)["trimbox"] == (0, 0, 595.28, 841.89)


# --- Black ink and fonts -------------------------------------------------------------------------

TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


def text_colours(content, resources, pdf):
    """The fill colours (colour space, components) that text is shown in, in `content` and the
    form XObjects it draws (the folio overlay), with q/Q respected."""
    colours, state, saved = [], ("/DeviceGray", (0,)), []
    xobjects = resources.get("/XObject", {})
    for operands, operator in ContentStream(content, pdf).operations:
        if operator == b"q":
            saved.append(state)
        elif operator == b"Q":
            state = saved.pop()
        elif operator == b"cs":
            state = (str(operands[0]), ())
        elif operator in (b"scn", b"sc"):
            state = (state[0], tuple(float(value) for value in operands))
        elif operator == b"rg":
            state = ("/DeviceRGB", tuple(float(value) for value in operands))
        elif operator == b"g":
            state = ("/DeviceGray", (float(operands[0]),))
        elif operator == b"k":
            state = ("/DeviceCMYK", tuple(float(value) for value in operands))
        elif operator in TEXT_SHOWING:
            colours.append(state)
        elif operator == b"Do" and operands[0] in xobjects:
            form = xobjects[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                colours += text_colours(form, form.get("/Resources", {}), pdf)
    return colours


def test_the_print_book_sets_text_folios_and_running_heads_in_black_ink_alone():
    proceedings = tiny_proceedings(papers=3)

    pdf = pdf_of(built(proceedings, Variant.PRINT))

    shown = []
    for page in pdf.pages:
        shown += text_colours(page.get_contents(), page["/Resources"], pdf)
    assert len(shown) > 100
    assert set(shown) == {("/DeviceCMYK", (0, 0, 0, 1))}
    # The folios and running heads (stamped from the overlay) are among them.
    stamped = [page for page in pdf.pages if "/BookFolio" in page["/Resources"].get("/XObject", {})]
    assert len(stamped) >= 4
    for page in stamped:
        folio = page["/Resources"]["/XObject"]["/BookFolio"].get_object()
        in_folio = text_colours(folio, folio["/Resources"], pdf)
        assert in_folio
        assert set(in_folio) == {("/DeviceCMYK", (0, 0, 0, 1))}


def fonts_of(resources):
    fonts = list(resources.get("/Font", {}).values())
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            fonts += fonts_of(xobject.get("/Resources", {}))
    return fonts


def font_files(font):
    font = font.get_object()
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return {name for name in ("/FontFile", "/FontFile2", "/FontFile3") if name in descriptor}


def test_every_font_of_the_print_book_is_embedded():
    pdf = pdf_of(built(tiny_proceedings(), Variant.PRINT))

    fonts = [font for page in pdf.pages for font in fonts_of(page["/Resources"])]

    assert len(fonts) > 3
    assert [font.get_object()["/BaseFont"] for font in fonts if not font_files(font)] == []


# --- The back cover ------------------------------------------------------------------------------


def barcodes_on(pdf_bytes, page_index):
    document = pypdfium2.PdfDocument(pdf_bytes)
    image = document[page_index].render(scale=300 / 72).to_pil()
    return zxingcpp.read_barcodes(image)


def test_the_back_cover_of_the_print_book_carries_the_isbn_as_a_barcode():
    build = built(tiny_proceedings(), Variant.PRINT)
    with build.pdf.open("rb") as stored:
        data = stored.read()

    found = barcodes_on(data, build.page_count - 1)

    assert [(code.format, code.text) for code in found] == [(zxingcpp.BarcodeFormat.EAN13, ISBN)]
    assert "978-601-7943-57-8" in PdfReader(io.BytesIO(data)).pages[-1].extract_text()
    # Nowhere else in the book, and not in the screen book.
    assert barcodes_on(data, 0) == []


def test_a_print_book_without_isbn_has_a_blank_back_cover():
    proceedings = tiny_proceedings()
    proceedings.isbn = ""
    proceedings.save()
    build = built(proceedings, Variant.PRINT)
    with build.pdf.open("rb") as stored:
        data = stored.read()

    assert barcodes_on(data, build.page_count - 1) == []
    assert PdfReader(io.BytesIO(data)).pages[-1].extract_text().strip() == ""
    assert build.page_count % 4 == 0


def test_the_screen_book_has_no_back_cover():
    screen = built(tiny_proceedings(), Variant.SCREEN)
    with screen.pdf.open("rb") as stored:
        data = stored.read()

    assert barcodes_on(data, screen.page_count - 1) == []
    # Its last page is the output data.
    assert "Шартты баспа табағы" in PdfReader(io.BytesIO(data)).pages[-1].extract_text()


def test_the_command_builds_the_print_book(tmp_path):
    proceedings = tiny_proceedings()
    output = tmp_path / "press.pdf"

    call_command(
        "build_proceedings", proceedings.event.slug, variant="print", output=output, verbosity=0
    )

    build = proceedings.builds.get()
    assert build.variant == Variant.PRINT
    pdf = PdfReader(output)
    assert len(pdf.pages) == build.page_count
    assert len(pdf.pages) % 4 == 0
    assert float(pdf.pages[0].mediabox.width) > A4[0] + 16
    # Asked again unless built: the print book is there, the screen book is not.
    call_command("build_proceedings", proceedings.event.slug, variant="print", unless_built=True)
    assert proceedings.builds.count() == 1
    call_command("build_proceedings", proceedings.event.slug, unless_built=True, verbosity=0)
    assert proceedings.current_build().variant == Variant.SCREEN


# --- The public book stays the screen book ------------------------------------------------------


def public_url(name, event, **kwargs):
    with translation.override("en"):
        return reverse(f"roundtable:{name}", kwargs={"slug": event.slug, **kwargs})


def test_the_site_and_the_offprints_serve_the_screen_book_after_a_later_print_build(client):
    proceedings = tiny_proceedings()
    proceedings.published = True
    proceedings.save()
    event = proceedings.event
    paper = Paper.objects.get(event=event)
    screen = built(proceedings, Variant.SCREEN)
    printed = built(proceedings, Variant.PRINT)
    assert printed.finished_at > screen.finished_at

    book = client.get(public_url("proceedings_pdf", event))
    offprint = client.get(public_url("article_pdf", event, pk=paper.pk))
    contents = client.get(public_url("proceedings", event))

    assert proceedings.current_build() == screen
    with screen.pdf.open("rb") as stored:
        assert b"".join(book.streaming_content) == stored.read()
    offprint_pdf = PdfReader(io.BytesIO(b"".join(offprint.streaming_content)))
    entry = screen.entries.get()
    assert len(offprint_pdf.pages) == entry.last_page - entry.first_page + 1
    assert boxes(offprint_pdf.pages[0])["mediabox"] == (0, 0, 595.28, 841.89)
    assert contents.status_code == 200
    assert f"{entry.first_page}" in contents.text
    # The API's papers give the screen book's pages too.
    api = client.get("/api/v1/papers/").json()
    results = api["results"] if isinstance(api, dict) else api
    assert [item["id"] for item in results] == [paper.pk]


# --- The admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", list(Variant))
def test_organisers_build_each_variant_from_the_admin(
    client, variant, django_capture_on_commit_callbacks
):
    proceedings = tiny_proceedings()
    screen = built(proceedings, Variant.SCREEN)
    client.force_login(organiser(username="chair"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(change_url(proceedings))
    assert f'<option value="{variant.value}"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:proceedings_proceedings_build", args=[proceedings.pk]),
            {"variant": variant.value},
        )
    assert response.status_code == 302
    build = proceedings.builds.latest("pk")
    assert build.variant == variant
    builds.run(build)  # what the worker does with the task

    page = client.get(change_url(proceedings))
    history = page.text[page.text.index("Build history") :]
    assert str(variant.label) in text_of(history)
    download = reverse("admin:proceedings_proceedings_book", args=[proceedings.pk, build.pk])
    assert f'href="{download}"' in history
    pdf = PdfReader(io.BytesIO(b"".join(client.get(download).streaming_content)))
    build.refresh_from_db()
    assert len(pdf.pages) == build.page_count
    # The panel's book is the screen book, whichever variant was built last.
    state = client.get(
        reverse("admin:proceedings_proceedings_build_status", args=[proceedings.pk])
    ).json()
    current = build if variant == Variant.SCREEN else screen
    assert state["book"]["url"] == reverse(
        "admin:proceedings_proceedings_book", args=[proceedings.pk, current.pk]
    )
    assert state["build"]["variant_display"] == variant.label


def test_an_unknown_variant_is_refused(client):
    proceedings = tiny_proceedings()
    client.force_login(organiser(username="chair"))

    response = client.post(
        reverse("admin:proceedings_proceedings_build", args=[proceedings.pk]),
        {"variant": "poster"},
    )

    assert response.status_code == 400
    assert not proceedings.builds.exists()


# --- The archive copy -----------------------------------------------------------------------------


def xmp_values(reader, name):
    tree = etree.fromstring(reader.root_object["/Metadata"].get_object().get_data())
    return [str(value) for value in tree.xpath(f"//@*[local-name()='{name}']")] + [
        "".join(element.itertext()) for element in tree.xpath(f"//*[local-name()='{name}']")
    ]


def test_the_archive_copy_claims_pdf_a_3u_with_its_output_intent_and_keeps_its_tags():
    proceedings = tiny_proceedings()

    archive = pdf_of(built(proceedings, Variant.ARCHIVE))
    screen = pdf_of(built(proceedings, Variant.SCREEN))

    assert xmp_values(archive, "conformance") == ["U"]
    assert "3" in xmp_values(archive, "part") and "1" in xmp_values(archive, "part")
    (intent,) = archive.root_object["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    first, second = (getattr(i, "original_bytes", i) for i in archive.trailer["/ID"])
    assert first == second and len(first) == 16
    assert archive.xmp_metadata.dc_title["x-default"] == archive.metadata.title
    # Every annotation is printed (PDF/A forbids hidden ones), the tags are kept.
    for page in archive.pages:
        for annotation in page.get("/Annots", []):
            assert int(annotation.get_object()["/F"]) & 4
    assert archive.root_object["/MarkInfo"]["/Marked"]
    # The screen book claims PDF/UA only.
    assert xmp_values(screen, "conformance") == [] and xmp_values(screen, "part") == ["1"]
    assert "/OutputIntents" not in screen.root_object
