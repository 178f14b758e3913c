"""The book's pages as pypdf handles them: uploaded papers fitted to A4, folios stamped on.

The parts of the book are typeset as separate documents without folios or running heads
(proceedings/book.py says why). Once they are merged, `stamp` lays a page of an overlay (a
WeasyPrint document whose pages carry only a running head or a folio) over each numbered page
of the book: the page of its running head, then its folio, which `Numbering` makes from a page
whose folio is all ten digits. The overlay page becomes a form XObject drawn after the page's
own content, wrapped in q/Q so the page's graphics state (WeasyPrint's flipped coordinates, an
uploaded PDF's transformations) cannot move it. This appends tiny content streams per page
instead of parsing and rewriting the page's content, which is what pypdf's `merge_page` does
and what would cost most of a rebuild.
"""

import io
import re

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    RectangleObject,
)

from typesetting import pdf_actions
from typesetting.font_sharing import read_widths

# A4 in PostScript points, as WeasyPrint sets it.
A4 = (595.2756, 841.8898)
# Sizes that differ by less than this (points) count as A4 already.
TOLERANCE = 2
STAMP = NameObject("/BookFolio")
HEAD_STAMP = NameObject("/BookHead")
MARKS = NameObject("/BookMarks")
# The folio of an overlay page that `Numbering` makes any page number from.
DIGITS = "0123456789"
# How WeasyPrint sets a line of glyphs: the text matrix, the font, the glyphs one by one.
LINE = re.compile(
    rb"1 0 0 -1 (?P<x>[-\d.]+) (?P<y>[-\d.]+) Tm\n(?P<font>/\S+) (?P<size>[\d.]+) Tf\n"
    rb"\[(?P<glyphs>(?:<[0-9a-f]+>-?[\d.]*)+)\] TJ"
)
GLYPH = re.compile(rb"<([0-9a-f]+)>")


def fit_to_a4(pdf):
    """An uploaded PDF with every page scaled (never enlarged) and centred onto an A4 page.

    The text is kept as it is: only the page's coordinate system changes. Rotated pages are
    turned upright first; of its actions only web and mail links stay (`pdf_actions`).
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    pdf_actions.make_inert(writer)
    for page in writer.pages:
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        left, bottom = float(box.left), float(box.bottom)
        if abs(width - A4[0]) < TOLERANCE and abs(height - A4[1]) < TOLERANCE and not left + bottom:
            continue
        scale = min(1, A4[0] / width, A4[1] / height)
        page.add_transformation(
            Transformation()
            .translate(-left, -bottom)
            .scale(scale)
            .translate((A4[0] - width * scale) / 2, (A4[1] - height * scale) / 2)
        )
        full = RectangleObject([0, 0, *A4])
        page.mediabox = page.cropbox = page.trimbox = page.bleedbox = page.artbox = full
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def frame_like(writer, index, like):
    """Give `writer`'s page `index` the page boxes of the page `like`, and draw `like` under it.

    `like` is a typeset blank page: in a book with bleed (a MediaBox larger than the trimmed A4)
    its crop marks are in the bleed, and an upload fitted to A4 is then cut, and marked, where
    the typeset pages are. Both draw A4 from the origin, so the upload stays where it is.
    """
    page = writer.pages[index]
    page.mediabox = RectangleObject(like.mediabox)
    page.cropbox = RectangleObject(like.cropbox)
    page.bleedbox = RectangleObject(like.bleedbox)
    page.trimbox = RectangleObject(like.trimbox)
    page.artbox = RectangleObject(like.artbox)
    add_form(page, MARKS, writer._add_object(form_of(writer, like, like.mediabox, {})))
    draw = writer._add_object(stream(b"q " + MARKS.encode() + b" Do Q\n"))
    page[NameObject("/Contents")] = ArrayObject([draw, *contents_list(page)])


def stamp(writer, overlay, pages, name=STAMP):
    """Draw `overlay[k]` (a pypdf page) over `writer`'s page `pages[k]` (an index), clipped to
    the overlay page's trim box: with bleed, its crop marks are the page's own already.

    `name` is the form's name in the page's resources: a page stamped twice needs two.
    """
    before = writer._add_object(stream(b"q\n"))
    # Marked as an artifact: a tagged book's readers skip running heads and folios.
    after = writer._add_object(stream(b"\nQ\nq /Artifact BMC " + name.encode() + b" Do EMC Q\n"))
    shared = {}  # id() of a resource of the book's pages → that resource as one indirect object
    forms = {}  # id() of an overlay page → its form: a page drawn on many pages is one form
    for index, overlay_page in zip(pages, overlay, strict=True):
        page = writer.pages[index]
        if id(overlay_page) not in forms:
            forms[id(overlay_page)] = writer._add_object(
                form_of(writer, overlay_page, overlay_page.trimbox, shared)
            )
        # A fresh resource dictionary per page: pages of one document may share theirs.
        page[NameObject("/Resources")] = shared_resources(
            writer, page.get("/Resources") or {}, shared
        )
        add_form(page, name, forms[id(overlay_page)])
        page[NameObject("/Contents")] = ArrayObject([before, *contents_list(page), after])


class Numbering:
    """Folios made from the overlay page `template`, whose folio is DIGITS: `page(number)` is
    that page with the folio `number` instead, the same glyphs of the same font at the same size,
    centred on the same point.

    Typesetting an overlay page per page of the book cost WeasyPrint about 8 ms a page, the most
    of it for the page's margin boxes; the template is read once, and each folio is a string.
    """

    def __init__(self, template):
        self.template, self.content = template, contents_of(template)
        lines = list(LINE.finditer(self.content))
        codes = GLYPH.findall(lines[0]["glyphs"]) if len(lines) == 1 else []
        if len(codes) != len(DIGITS):
            raise ValueError("The folio template carries more than DIGITS, or not as one line.")
        self.line, self.glyphs = lines[0], dict(zip(DIGITS, codes, strict=True))
        font = template["/Resources"]["/Font"][self.line["font"].decode()]
        self.widths = read_widths(font["/DescendantFonts"][0].get_object()["/W"])
        self.all_digits = self.width(codes)

    def width(self, codes):
        scale = float(self.line["size"]) / 1000
        return scale * sum(self.widths.get(int(code, 16), 0) for code in codes)

    def page(self, number):
        line, folio = self.line, [self.glyphs[digit] for digit in str(number)]
        x = float(line["x"]) + (self.all_digits - self.width(folio)) / 2
        replaced = b"1 0 0 -1 %.6f %s Tm\n%s %s Tf\n[%s] TJ" % (
            x,
            line["y"],
            line["font"],
            line["size"],
            b"".join(b"<%s>0" % code for code in folio),
        )
        page = PageObject()
        page.update(self.template)
        page[NameObject("/Contents")] = stream(
            self.content[: line.start()] + replaced + self.content[line.end() :]
        )
        return page


def form_of(writer, page, box, shared):
    """`page` (of another document) as a compressed form XObject for `writer`, clipped to `box`.

    Its resources are indirect, so that the overlay pages' alike dictionaries can become one
    (pypdf's compress_identical_objects, after the fonts are shared).
    """
    form = stream(contents_of(page)).flate_encode()
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject(box),
            NameObject("/Resources"): writer._add_object(
                shared_resources(writer, page["/Resources"], shared, clone=True)
            ),
        }
    )
    return form


def add_form(page, name, form):
    """Name the form XObject `form` `name` in `page`'s resources."""
    resources = DictionaryObject(page.get("/Resources") or {})
    xobjects = DictionaryObject(resources.get("/XObject") or {})
    xobjects[name] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources


def contents_list(page):
    """The page's content streams, as a list of references."""
    contents = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
    if not isinstance(contents.get_object(), ArrayObject):
        contents = ArrayObject([contents])
    return list(contents.get_object())


def shared_resources(writer, resources, shared, *, clone=False):
    """A new dictionary of `resources` whose entries (fonts, graphics states, colour spaces,
    often direct dictionaries repeated on every page) are indirect objects written once, kept in
    `shared` by the id of the entry they stand for. With `clone`, `resources` is another PDF's.
    """
    fresh = DictionaryObject()
    for key, value in resources.items():
        if isinstance(value, DictionaryObject) and key != "/XObject":
            if id(value) not in shared:
                shared[id(value)] = writer._add_object(value.clone(writer) if clone else value)
            value = shared[id(value)]
        elif clone:
            value = value.clone(writer)
        fresh[NameObject(key)] = value
    return fresh


def stream(data):
    result = DecodedStreamObject()
    result.set_data(data)
    return result


def contents_of(page):
    contents = page["/Contents"]
    if isinstance(contents, ArrayObject):
        return b"\n".join(part.get_object().get_data() for part in contents)
    return contents.get_data()
