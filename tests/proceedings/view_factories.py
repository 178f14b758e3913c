"""Builders for the speaker's paper pages: people with accounts, a talk with its paper, and
versions uploaded the way speakers upload them (through `submission.add_version`, checks and
conversion included)."""

import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from proceedings import submission
from proceedings.dashboard import author_fields
from tests.factories import PaperFactory, ProgrammeItemFactory
from tests.proceedings.documents import make_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- People ------------------------------------------------------------------------------------


# --- Talks and papers --------------------------------------------------------------------------


def talk_of(speaker, event, **kwargs):
    """A talk of `event` by `speaker` (a person, or the account of one), its title in Kazakh,
    ten minutes after the event's last item."""
    begins = datetime.datetime.combine(event.date, datetime.time(9, 0)) + datetime.timedelta(
        minutes=10 * event.programme_items.count()
    )
    defaults = {
        "title_kk": "Құқық қорғау органдары мен қоғамның серіктестігі",
        "title_ru": "",
        "title_language": "kk",
        "start": begins.time(),
        "end": (begins + datetime.timedelta(minutes=10)).time(),
    }
    person = getattr(speaker, "person", speaker)
    return ProgrammeItemFactory(event=event, speakers=[person], **(defaults | kwargs))


def paper_of(user, event, talk=None, **kwargs):
    """A draft paper of the person of `user`, with them as its first author."""
    paper = PaperFactory(event=event, talk=talk, speaker=user.person, **kwargs)
    paper.authors.create(**author_fields(user.person))
    return paper


# --- Files -------------------------------------------------------------------------------------


def pdf_bytes(pages=1):
    """A real, small PDF of blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(name="Мақала.docx", **options):
    return SimpleUploadedFile(name, make_docx(**options), content_type=DOCX_TYPE)


def pdf_file(name="paper.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def exe_file(name="paper.docx"):
    """A Windows program renamed to look like a paper."""
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    return SimpleUploadedFile(name, content, content_type=DOCX_TYPE)


def upload(paper, user, uploaded=None):
    """`uploaded` (a DOCX by default) stored as the next version of `paper`, as `user`."""
    return submission.add_version(paper, uploaded or docx_file(), user)


def stored_files():
    """Every file in the papers' storage, as paths relative to it."""
    root = Path(settings.STORAGES["papers"]["OPTIONS"]["location"])
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}
