"""A speaker's DOCX paper as sanitised HTML, for the preview page and the typeset book.

Pandoc reads the DOCX (it keeps merged table cells, figure and table captions, picture sizes
and footnotes, and renders simple formulae as text). The HTML it writes is then shaped for
WeasyPrint and cleaned:

- each footnote is moved to its reference as `<span class="footnote">…</span>`, which the print
  stylesheet floats to the foot of the page (`float: footnote`);
- pictures are inlined as `data:` URLs (PNG, JPEG and GIF as they are; other raster formats
  converted to PNG; any larger than print needs scaled down, see proceedings/pictures.py),
  keeping the size they had in Word as `width`/`height` in CSS pixels;
- the paper's headings are shifted so that its top level is `<h3>`: the book sets the title;
- formulae pandoc could not render as text are dropped: WeasyPrint cannot typeset MathML or TeX;
- `sanitise` keeps only the allow-list below.

What was dropped is reported as warnings for the speaker: data such as
`{"kind": "equations", "count": 2}`, stored with the version and put into words by `describe`
in the reader's language when they are read. The HTML is the same for the
same DOCX, byte for byte.
"""

import base64
import io
import json
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import nh3
import pypandoc
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from lxml import etree
from PIL import Image

from proceedings import pictures

FOOTNOTE_CLASS = "footnote"
TOP_HEADING_LEVEL = 3

# Untrusted input: pandoc gets a minute and a gigabyte, and reads no file but the DOCX.
PANDOC_TIMEOUT = 60
PANDOC_OPTIONS = (
    *("+RTS", "-M1g", "-RTS"),
    *("--from=docx", "--to=html5", "--wrap=none", "--sandbox", "--quiet"),
)

WEB_IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "GIF": "image/gif",
}
CSS_PIXELS = {"in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4, "pt": 96 / 72, "px": 1}
SIZE = re.compile(r"(width|height)\s*:\s*([0-9.]+)\s*(in|cm|mm|pt|px)\b")

ALLOWED_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br"),
    *("strong", "em", "b", "i", "u", "sub", "sup", "span", "a"),
    *("ul", "ol", "li"),
    *("table", "caption", "thead", "tbody", "tr", "th", "td"),
    *("figure", "figcaption", "img"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "width", "height", "alt"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Removed with their content, not only their tags: text from these would be noise.
REMOVED_WITH_CONTENT = {"script", "style", "template", "noscript", "math", "svg", "colgroup"}
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/]+={0,2}")
NUMBER = re.compile(r"[0-9]{1,4}")
# What each allowed attribute may hold (`class` is filtered by nh3's allowed_classes).
ATTRIBUTE_VALUES = {
    "src": DATA_IMAGE.fullmatch,
    "href": re.compile(r"(https?|mailto):", re.IGNORECASE).match,
    "type": {"1", "a", "A", "i", "I"}.__contains__,
    "alt": lambda value: True,
    "class": lambda value: True,
    **dict.fromkeys(("width", "height", "colspan", "rowspan", "start"), NUMBER.fullmatch),
}

XML_NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
DRAWN_GRAPHICS = (
    "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "http://schemas.microsoft.com/office/drawing/2014/chartex",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram",
)
TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)

EQUATIONS_DROPPED = ngettext_lazy(
    "%(count)d equation was dropped: the book cannot typeset it. Send it as an image.",
    "%(count)d equations were dropped: the book cannot typeset them. Send them as images.",
    "count",
)
LINKED_IMAGES_DROPPED = ngettext_lazy(
    "%(count)d image linked from outside the document was dropped. Insert the picture itself.",
    "%(count)d images linked from outside the document were dropped. Insert the pictures "
    "themselves.",
    "count",
)
IMAGE_FORMATS_DROPPED = ngettext_lazy(
    "%(count)d image in a format the book cannot print (such as EMF or WMF) was dropped. "
    "Send it as PNG or JPEG.",
    "%(count)d images in a format the book cannot print (such as EMF or WMF) were dropped. "
    "Send them as PNG or JPEG.",
    "count",
)
GRAPHICS_DROPPED = ngettext_lazy(
    "%(count)d chart or diagram was dropped: the book cannot draw it. Paste it as a picture.",
    "%(count)d charts or diagrams were dropped: the book cannot draw them. Paste them as pictures.",
    "count",
)
UNSUPPORTED = _("Unsupported content was removed: %(details)s")
UNREADABLE = _("The file could not be read as a Word document. Open it in Word and save it again.")

# What each kind of warning tells the speaker; the warning's count or details fill it in.
MESSAGES = {
    "equations": EQUATIONS_DROPPED,
    "linked_images": LINKED_IMAGES_DROPPED,
    "image_formats": IMAGE_FORMATS_DROPPED,
    "graphics": GRAPHICS_DROPPED,
    "unsupported": UNSUPPORTED,
}


@dataclass(frozen=True)
class Conversion:
    html: str
    warnings: tuple[dict, ...]  # JSON-ready: {"kind": …, "count": n} or {"kind": …, "details": …}


class ConversionError(ValueError):
    """The file is not a DOCX pandoc can read (or took too long); `message` is for the speaker."""

    def __init__(self, message=UNREADABLE):
        super().__init__(message)
        self.message = message


def convert_docx(source):
    """Convert a DOCX (a path, or a file object read from its start) to a `Conversion`."""
    data = read_bytes(source)
    linked_images, graphics = count_unconvertible(data)
    with tempfile.TemporaryDirectory(prefix="docx-") as scratch:
        html, log = run_pandoc(data, Path(scratch))
        root = parse_fragment(html)
        inline_footnotes(root)
        equations = drop_equations(root)
        unwrap_spans_and_anchors(root)
        unprintable = inline_images(root, Path(scratch) / "media")
    demote_headings(root)
    counts = (
        ("equations", equations),
        ("linked_images", linked_images),
        ("image_formats", unprintable),
        ("graphics", graphics),
    )
    warnings = [{"kind": kind, "count": n} for kind, n in counts if n]
    warnings += [{"kind": "unsupported", "details": text} for text in pandoc_warnings(log)]
    return Conversion(html=sanitise(serialise(root)), warnings=tuple(warnings))


def describe(warning):
    """A warning as `convert_docx` gives it (and a version stores it), in the active language."""
    return MESSAGES[warning["kind"]] % warning


def read_bytes(source):
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        return source.read()
    return Path(source).read_bytes()


def count_unconvertible(data):
    """Pictures only linked (not embedded) and charts or SmartArt: pandoc drops both silently."""
    linked = graphics = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            names = set(docx.namelist())
            for name in (name for name in TEXT_PARTS if name in names):
                root = etree.fromstring(docx.read(name), XML_PARSER)
                linked += len(
                    root.xpath(".//a:blip[@r:link][not(@r:embed)]", namespaces=XML_NAMESPACES)
                )
                graphics += sum(
                    uri in DRAWN_GRAPHICS
                    for uri in root.xpath(
                        ".//a:graphicData[not(ancestor::mc:Fallback)]/@uri",
                        namespaces=XML_NAMESPACES,
                    )
                )
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise ConversionError() from error
    return linked, graphics


def run_pandoc(data, scratch):
    """Pandoc's HTML for the DOCX and its log; pictures are extracted under scratch/media."""
    docx = scratch / "paper.docx"
    docx.write_bytes(data)
    log = scratch / "log.json"
    command = [
        pypandoc.get_pandoc_path(),
        *PANDOC_OPTIONS,
        f"--extract-media={scratch}",
        f"--log={log}",
        str(docx),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, check=True, timeout=PANDOC_TIMEOUT, cwd=scratch
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise ConversionError() from error
    return result.stdout.decode(), json.loads(log.read_text())


def pandoc_warnings(log):
    """Pandoc's warnings this module does not handle itself, each once, in order."""
    handled = {"CouldNotConvertTeXMath"}
    texts = (
        entry["pretty"]
        for entry in log
        if entry.get("verbosity") == "WARNING" and entry.get("type") not in handled
    )
    return list(dict.fromkeys(texts))


def parse_fragment(html):
    return lxml.html.fragment_fromstring(html, create_parent="div", parser=HTML_PARSER)


def serialise(root):
    """The fragment inside `root`, the `<div>` that parse_fragment wrapped it in."""
    return lxml.html.tostring(root, encoding="unicode")[len("<div>") : -len("</div>")]


def inline_footnotes(root):
    """Put each footnote at its reference as a span; its paragraphs are separated by `<br>`."""
    for back_link in root.xpath(".//a[contains(@class, 'footnote-back')]"):
        back_link.drop_tree()
    notes = {item.get("id"): item for item in root.xpath(".//section[@id='footnotes']//li[@id]")}
    for reference in root.xpath(".//a[contains(@class, 'footnote-ref')]"):
        note = notes.get(reference.get("href", "").removeprefix("#"))
        if note is None:
            reference.drop_tree()
            continue
        span = footnote_span(note)
        span.tail = reference.tail
        reference.getparent().replace(reference, span)
    for section in root.xpath(".//section[@id='footnotes']"):
        section.drop_tree()


def footnote_span(note):
    """The footnote `<li>` as one span: its paragraphs (spans for now) between `<br>`s.

    Lists or tables in a footnote cannot go in a span; they become their text.
    """
    span = lxml.html.Element("span", {"class": FOOTNOTE_CLASS})
    span.text = (note.text or "").strip() or None
    for index, block in enumerate(note):
        if index:
            span.append(lxml.html.Element("br"))
        part = lxml.html.Element("span")
        if block.tag == "p":
            part.text = block.text
            part.extend(block)
        else:
            part.text = block.text_content()
        span.append(part)
    return span


def drop_equations(root):
    """Drop the formulae pandoc left as TeX ("$…$", "$$…$$"); returns how many.

    Pandoc writes simple formulae (x², aᵢ ≤ b) as text with `<sup>` and `<sub>`; those stay.
    A paragraph left empty goes too.
    """
    dropped = 0
    for math in root.xpath(".//span[contains(concat(' ', @class, ' '), ' math ')]"):
        if not math.text_content().startswith("$"):
            continue
        parent = math.getparent()
        math.drop_tree()
        dropped += 1
        if parent.tag == "p" and not len(parent) and not (parent.text or "").strip():
            parent.drop_tree()
    return dropped


def unwrap_spans_and_anchors(root):
    """Keep the text of spans other than footnotes and of links within the document."""
    for element in root.xpath(".//span[not(@class='footnote')] | .//a[starts-with(@href, '#')]"):
        element.drop_tag()


def inline_images(root, media):
    """Make each picture a data: URL with its Word size; returns how many could not be printed."""
    dropped = 0
    for image in list(root.iter("img")):
        data_url = image_data_url(media, image.get("src", ""))
        if data_url is None:
            image.drop_tree()
            dropped += 1
            continue
        style, alt = image.get("style", ""), image.get("alt", "")
        image.attrib.clear()
        image.set("src", data_url)
        for name, value, unit in SIZE.findall(style):
            if pixels := css_pixels(value, unit):
                image.set(name, str(pixels))
        image.set("alt", alt)
    return dropped


def image_data_url(media, src):
    """The picture pandoc extracted to `src` (under `media` only) as a data: URL, or None."""
    path = Path(src).resolve()
    if not path.is_relative_to(media.resolve()) or not path.is_file():
        return None
    printable = web_image(path.read_bytes())
    if printable is None:
        return None
    mime, data = printable
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def web_image(data):
    """(MIME type, bytes) WeasyPrint and browsers show: PNG, JPEG and GIF as they are, other
    raster formats Pillow reads as PNG, any of them scaled down to what print needs
    (`pictures.fit_for_print`); None for vector formats such as EMF and WMF."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if fitted := pictures.fit_for_print(image):
                image_format, data = fitted
                return WEB_IMAGE_TYPES[image_format], data
            if image.format in WEB_IMAGE_TYPES:
                return WEB_IMAGE_TYPES[image.format], data
            return "image/png", pictures.png(image)
    except (
        Exception
    ):  # Pillow's readers fail on damaged files in many ways (even ZeroDivisionError)
        return None


def css_pixels(value, unit):
    try:
        return round(float(value) * CSS_PIXELS[unit])
    except ValueError:
        return None


def demote_headings(root):
    """Shift headings so the paper's top level is TOP_HEADING_LEVEL (never beyond h6)."""
    headings = root.xpath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6")
    if not headings:
        return
    shift = TOP_HEADING_LEVEL - min(int(heading.tag[1]) for heading in headings)
    for heading in headings:
        heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"


def sanitise(html):
    """Keep only the allow-list: text structure, tables, inline pictures, web and mail links.

    A picture whose source is not an inline PNG, JPEG or GIF (a remote or `file:` URL, SVG) is
    removed whole; nh3 alone would keep an `<img>` without `src`.
    """
    root = parse_fragment(html)
    for image in root.xpath(".//img"):
        if not DATA_IMAGE.fullmatch(image.get("src", "")):
            image.drop_tree()
    return CLEANER.clean(serialise(root))


def allowed_value(tag, attribute, value):
    """nh3's attribute filter: the value if it is allowed, else None (the attribute goes)."""
    check = ATTRIBUTE_VALUES.get(attribute)
    return value if check and check(value) else None


CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=REMOVED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=allowed_value,
    allowed_classes={"span": {FOOTNOTE_CLASS}},
    url_schemes={"http", "https", "mailto", "data"},
    link_rel=None,
)
