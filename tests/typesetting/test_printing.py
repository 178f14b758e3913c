"""The shared typesetter: real WeasyPrint, read back with pypdf.

Templates for these tests live in a locmem loader next to the project's own, so they extend the
real `print/base.html` and its stylesheet.
"""

import base64
import io
import re
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject
from weasyprint import HTML

from proceedings.book import STYLESHEETS
from typesetting.printing import (
    PrintURLFetcher,
    RefusedURL,
    lay_out,
    render_pdf,
    static_prefix,
)

KAZAKH = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"

TEST_TEMPLATES = {
    "test/letters.html": """{% extends "print/base.html" %}{% block content %}
<h1>Қазақ әліпбиі: {{ letters }}</h1>
<p>{{ letters }}</p>
<p><i>{{ letters }}</i></p>
<p><b>{{ letters }}</b></p>
{% endblock %}""",
    "test/pages.html": """{% extends "print/base.html" %}{% block content %}
{% for page in pages %}<p style="break-before: page">Бет {{ page }}</p>{% endfor %}
{% endblock %}""",
    "test/narrow.html": """{% extends "print/base.html" %}{% block content %}
<p lang="ru" style="width: 3.2cm; text-align: left">{{ russian }}</p>
<p lang="kk" style="width: 3.2cm; text-align: left">{{ kazakh }}</p>
{% endblock %}""",
    # Everything a hostile or careless text could make WeasyPrint fetch.
    "test/hostile.html": """{% extends "print/base.html" %}
{% block extra_head %}
<link rel="attachment" href="{{ secret_url }}" title="secret">
<link rel="attachment" href="file:///etc/hostname">
<link rel="stylesheet" href="{{ secret_url }}">
<style>@import url("file:///etc/hostname"); body { background: url("{{ secret_url }}"); }</style>
{% endblock %}
{% block content %}
<p>Ұсынылады: сыртқы файлдар енгізілмейді.</p>
<img src="{{ secret_url }}" alt="">
<img src="file:///etc/hostname" alt="">
<img src="http://127.0.0.1:9/x.png" alt="">
<a rel="attachment" href="{{ secret_url }}">тіркеме</a>
<img src="{{ data_image }}" alt="" style="width: 1cm">
{% endblock %}""",
}

# A 1×1 PNG: data: URLs are allowed.
DATA_IMAGE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4"
    "DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def test_templates():
    templates = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", TEST_TEMPLATES),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    with override_settings(TEMPLATES=templates):
        yield


def read(pdf):
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def all_text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def base_fonts(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def decoded_streams(reader):
    """Every stream in the file, decompressed (images, fonts, attachments, page contents)."""
    references = [
        (number, generation) for generation, numbers in reader.xref.items() for number in numbers
    ] + [(number, 0) for number in reader.xref_objStm]
    for number, generation in references:
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            yield obj.get_data()


def images(reader):
    return [image for page in reader.pages for image in page.images]


# --- Fonts, pages, metadata ------------------------------------------------------------------


def test_every_kazakh_letter_in_pt_serif_regular_bold_and_italic():
    reader = read(render_pdf("test/letters.html", {"letters": KAZAKH}, lang="kk", title="Әліпби"))
    text = re.sub(r"\s+", " ", all_text(reader))
    assert text.count(KAZAKH) == 4, text  # heading, regular, italic, bold: extracted intact
    fonts = {re.sub(r"[^a-z]", "", name.lower()) for name in base_fonts(reader)}
    assert fonts == {"ptserif", "ptserifbold", "ptserifitalic"}, fonts  # no DejaVu fallback


def test_metadata():
    reader = read(
        render_pdf(
            "test/letters.html",
            {"letters": KAZAKH},
            lang="kk",
            title="Дөңгелек үстел қарары",
            authors=["Алматы академиясы", "Ахманов А.Т."],
            keywords=["қоғамдық қауіпсіздік", "полиция"],
        )
    )
    assert reader.metadata.title == "Дөңгелек үстел қарары"
    assert reader.metadata.author == "Алматы академиясы, Ахманов А.Т."
    assert reader.metadata["/Keywords"] == "қоғамдық қауіпсіздік, полиция"
    assert str(reader.trailer["/Root"]["/Lang"]) == "kk"
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.5)


def test_the_template_is_rendered_in_the_document_language():
    reader = read(render_pdf("test/letters.html", {"letters": "-"}, lang="ru", title="T"))
    assert str(reader.trailer["/Root"]["/Lang"]) == "ru"


def test_pages_are_numbered_in_the_footer():
    reader = read(render_pdf("test/pages.html", {"pages": [1, 2, 3]}, lang="kk", title="Беттер"))
    assert len(reader.pages) == 3
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert lines == [f"Бет {number}", str(number)]


def pdftotext(pdf):
    """The PDF's text as poppler's pdftotext reads it, as many search indexers do."""
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_russian_and_kazakh_are_hyphenated_with_a_visible_hyphen_and_extract_whole():
    russian = "совершенствование профилактических правоохранительных взаимодействий"
    kazakh = "жауапкершілігін қамтамасыз ынтымақтастықты профилактикалық"
    context = {"russian": russian, "kazakh": kazakh}
    pdf = render_pdf("test/narrow.html", context, lang="ru", title="T")
    lines = [line.strip() for line in all_text(read(pdf)).splitlines() if line.strip()]
    kazakh_lines = [line for line in lines if set(line) & set("әғқңөұүһі")]
    russian_lines = [line for line in lines if line not in kazakh_lines and not line.isdigit()]
    # The page shows a hyphen where a word breaks: a glyph drawn at the line end (pypdf reads
    # every line on its own). Russian by pyphen's patterns, Kazakh by ours
    # (typesetting/hyphenation.py).
    for words, broken in ((russian, russian_lines), (kazakh, kazakh_lines)):
        assert len(broken) > len(words.split()), lines
        assert any(line.endswith("-") and line[-2].isalpha() for line in broken), lines
    # Copied or indexed, every word is whole: pdftotext joins a line ending in the break.
    extracted = pdftotext(pdf).split()
    for word in [*russian.split(), *kazakh.split()]:
        assert word in extracted, extracted


# --- The URL fetcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x",
        f"{static_prefix()}../../config/settings.py",
        f"{static_prefix()}%2e%2e/%2e%2e/config/settings.py",
        f"{static_prefix()}/etc/passwd",
        f"{static_prefix()}print/missing.css",
        "https://print.invalid/config/settings.py",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(RefusedURL):
        PrintURLFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_urls():
    response = PrintURLFetcher().fetch(f"{static_prefix()}print/print.css")
    assert response.content_type == "text/css"
    assert b'"PT Serif"' in response.read()
    assert PrintURLFetcher().fetch(DATA_IMAGE).read().startswith(b"\x89PNG")


def test_no_local_file_or_network_resource_reaches_the_pdf(tmp_path):
    secret = f"SECRET-{uuid.uuid4().hex}".encode()
    secret_file = tmp_path / "secret.txt"
    secret_file.write_bytes(secret)
    hostname = Path("/etc/hostname")
    hostname_bytes = hostname.read_bytes().strip() if hostname.exists() else b""
    context = {"secret_url": secret_file.as_uri(), "data_image": DATA_IMAGE}

    started = time.perf_counter()
    pdf = render_pdf("test/hostile.html", context, lang="kk", title="Қауіпсіздік")
    assert time.perf_counter() - started < 10  # refused at once: nothing waits on a socket

    reader = read(pdf)
    assert "Ұсынылады: сыртқы файлдар енгізілмейді." in all_text(reader)
    catalog = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in catalog.get("/Names", {})
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert not [a for a in annotations if a.get("/Subtype") == "/FileAttachment"]
    assert len(images(reader)) == 1  # the data: image only
    streams = list(decoded_streams(reader))
    assert streams  # the check below reads something
    assert not [s for s in streams if secret in s]
    assert secret not in pdf
    if len(hostname_bytes) >= 6:
        assert not [s for s in streams if hostname_bytes in s]


def test_the_check_would_see_an_attachment(tmp_path):
    """WeasyPrint's own fetcher embeds the file: the test above can tell."""
    secret = f"SECRET-{uuid.uuid4().hex}".encode()
    secret_file = tmp_path / "secret.txt"
    secret_file.write_bytes(secret)
    html = f'<html><head><link rel="attachment" href="{secret_file.as_uri()}"></head><p>x</p>'
    reader = read(HTML(string=html).write_pdf())
    assert "/EmbeddedFiles" in reader.trailer["/Root"]["/Names"]
    assert [s for s in decoded_streams(reader) if secret in s]


def descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from descendants(child)


def test_stylesheets_applied_apart_keep_a_wide_pictures_proportions():
    """The book applies its stylesheets parsed once, as the user's: a picture's own width and
    height (presentational hints) must not outrank `height: auto`, or a picture narrowed to the
    measure would be squashed."""
    png = io.BytesIO()
    Image.new("RGB", (1200, 600), "white").save(png, "PNG")
    picture = base64.b64encode(png.getvalue()).decode()
    html = (
        '<html lang="kk"><body><p><img src="data:image/png;base64,'
        f'{picture}" width="1200" height="600" alt=""></p></body></html>'
    )
    document = lay_out(html, STYLESHEETS)
    image = next(
        box
        for box in descendants(document.pages[0]._page_box)
        if type(box).__name__ == "InlineReplacedBox"
    )
    assert image.width < 1200
    assert image.height == pytest.approx(image.width / 2, rel=0.01)
