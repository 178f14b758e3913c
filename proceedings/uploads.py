"""Whether a speaker's uploaded paper is accepted: a PDF or a DOCX, judged by its content.

The name and the content type the browser sends are never trusted: the first kilobyte tells the
type, then pypdf opens a PDF and a DOCX's zip directory is read (never extracted) to refuse
archive bombs, and the headers of its pictures to refuse picture bombs (proceedings/pictures.py).
Each refusal is an `UploadRefused` whose message says what was wrong and what is accepted
instead. Sizes are limited twice: while the request streams in (`SizeLimitUploadHandler`,
installed by `limit_upload_size`) and again in `check`.

Settings: PAPER_UPLOAD_MAX_BYTES, PAPER_DOCX_MAX_UNCOMPRESSED_BYTES, PAPER_DOCX_MAX_ENTRIES,
PAPER_IMAGE_MAX_PIXELS, PAPER_IMAGES_MAX_PIXELS.
"""

import hashlib
import logging
import re
import threading
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

from proceedings import pictures
from typesetting.pictures import header_pixels

MB = 1024 * 1024
# A DOCX part this large and this compressed is an archive bomb, not a paper.
SUSPICIOUS_PART_BYTES = 1 * MB
MAX_COMPRESSION_RATIO = 200

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# PDF readers look for the header anywhere in the first kilobyte.
HEAD_BYTES = 1024
PDF_HEADER = b"%PDF-"
ZIP_HEADER = b"PK\x03\x04"
OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 and other old Office files
DOCX_PARTS = {"[Content_Types].xml", "word/document.xml"}

MAX_NAME_LENGTH = 120
FALLBACK_STEM = "paper"
# Characters Windows refuses in file names; with control and format characters (CR, LF, bidi
# overrides…) they are also the ones that break or spoof a Content-Disposition header.
UNSAFE_IN_NAMES = set('"*/:<>?\\|')
# What the uploaded name ends with when it has an extension (".exe", ".pdf"), not "v1.2".
EXTENSION = re.compile(r"\.(?=[0-9]*[a-z])[a-z0-9]{1,5}$", re.IGNORECASE | re.ASCII)

MESSAGES = {
    "not_accepted": _(
        "This file is not a PDF or a Word document (.docx). Upload the paper as DOCX or PDF."
    ),
    "old_word": _(
        "Word 97–2003 (.doc) files are not accepted; save it as .docx (or PDF) and upload that."
    ),
    "empty": _("This file is empty (0 bytes). Upload the paper as DOCX or PDF."),
    "too_large": _(
        "This file is larger than %(limit)s. Upload a DOCX or PDF of at most %(limit)s; "
        "compressing its pictures makes it smaller."
    ),
    "pdf_encrypted": _(
        "This PDF is password-protected. Upload a copy without a password, or the paper as DOCX."
    ),
    "pdf_broken": _(
        "This PDF is damaged and cannot be read. Export it again, or upload the paper as DOCX."
    ),
    "pdf_no_pages": _("This PDF has no pages. Upload the paper as DOCX or PDF."),
    "docx_broken": _(
        "This Word document is damaged and cannot be read. Save it again as .docx, or upload "
        "the paper as PDF."
    ),
    "docx_too_many_parts": _(
        "This Word document is made of more than %(count)s parts. Upload a .docx of at most "
        "%(count)s parts, or the paper as PDF."
    ),
    "docx_too_large_unpacked": _(
        "This Word document unpacks to more than %(limit)s. Upload a .docx of at most %(limit)s "
        "unpacked (compress its pictures), or the paper as PDF."
    ),
    "docx_overcompressed": _(
        "This Word document holds a part compressed more than %(ratio)s times, as archive bombs "
        "are. Save it again as .docx in Word, or upload the paper as PDF."
    ),
    "docx_picture_too_large": _(
        "This Word document holds a picture of more than %(limit)s megapixels; a whole page "
        "printed at 300 dpi is about 6. Make the picture smaller and upload the paper again."
    ),
    "docx_pictures_too_large": _(
        "The pictures of this Word document have more than %(limit)s megapixels together; a "
        "whole page printed at 300 dpi is about 6. Make the pictures smaller and upload the "
        "paper again."
    ),
}


class UploadRefused(ValidationError):
    """An uploaded paper that is not accepted; `code` is a key of MESSAGES."""


def refusal(code, **params):
    return UploadRefused(MESSAGES[code], code=code, params=params)


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "pdf" or "docx"
    size: int
    sha256: str
    display_name: str  # safe to show and to send as the download name

    @property
    def content_type(self):
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self):
        return f".{self.kind}"


def too_large(limit):
    return refusal("too_large", limit=filesizeformat(limit))


def check(uploaded_file):
    """The CheckedUpload of a Django UploadedFile, or UploadRefused.

    The file is rewound afterwards, accepted or not, so that it can be saved.
    """
    try:
        size, sha256, head = read(uploaded_file)
        kind = sniff(head)
        CONTENT_CHECKS[kind](uploaded_file)
    finally:
        uploaded_file.seek(0)
    name = safe_file_name(uploaded_file.name or "", f".{kind}")
    return CheckedUpload(kind=kind, size=size, sha256=sha256, display_name=name)


def storage_name(checked):
    """A name nobody can guess from the paper or its speaker, e.g. papers/3f…9a.pdf."""
    return f"papers/{uuid.uuid4().hex}{checked.extension}"


def read(uploaded_file):
    """Size, SHA-256 and first kilobyte of the file, read in chunks and stopped over the limit."""
    limit = settings.PAPER_UPLOAD_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        digest.update(chunk)
        head += chunk[: HEAD_BYTES - len(head)]
    if not size:
        raise refusal("empty")
    return size, digest.hexdigest(), head


def sniff(head):
    """The kind of a file from its first bytes."""
    if head.startswith(OLE2_HEADER):
        raise refusal("old_word")
    if head.startswith(ZIP_HEADER):
        return "docx"
    if PDF_HEADER in head:
        return "pdf"
    raise refusal("not_accepted")


class QuietLogger:
    """Raises a logger to ERROR while any thread is inside the block.

    pypdf logs a warning for each defect it reads past, which in speakers' files is noise. Its
    modules log to child loggers of "pypdf": those inherit the parent's level, not its filters.
    """

    def __init__(self, name):
        self.logger = logging.getLogger(name)
        self.lock = threading.Lock()
        self.users = 0
        self.saved_level = logging.NOTSET

    def __enter__(self):
        with self.lock:
            if not self.users:
                self.saved_level = self.logger.level
                self.logger.setLevel(logging.ERROR)
            self.users += 1

    def __exit__(self, *exc_info):
        with self.lock:
            self.users -= 1
            if not self.users:
                self.logger.setLevel(self.saved_level)


QUIET_PYPDF = QuietLogger("pypdf")


def check_pdf(file):
    with QUIET_PYPDF:
        try:
            reader = PdfReader(file)
            encrypted = reader.is_encrypted
            pages = 0 if encrypted else len(reader.pages)
        except Exception as error:  # pypdf raises all kinds of errors on malformed files
            raise refusal("pdf_broken") from error
    if encrypted:
        raise refusal("pdf_encrypted")
    if not pages:
        raise refusal("pdf_no_pages")


def check_docx(file):
    """Refuse a DOCX from its zip directory, then from its pictures' headers: no part is
    unpacked whole, no picture decoded."""
    try:
        with zipfile.ZipFile(file) as archive:
            check_docx_entries(archive.infolist())
            check_pictures(archive)
    except UploadRefused:
        raise
    except Exception as error:  # BadZipFile mostly, NotImplementedError for odd versions
        raise refusal("docx_broken") from error


def check_docx_entries(entries):
    max_entries = settings.PAPER_DOCX_MAX_ENTRIES
    if len(entries) > max_entries:
        raise refusal("docx_too_many_parts", count=max_entries)
    max_unpacked = settings.PAPER_DOCX_MAX_UNCOMPRESSED_BYTES
    if sum(entry.file_size for entry in entries) > max_unpacked:
        raise refusal("docx_too_large_unpacked", limit=filesizeformat(max_unpacked))
    if any(overcompressed(entry) for entry in entries):
        raise refusal("docx_overcompressed", ratio=MAX_COMPRESSION_RATIO)
    if not DOCX_PARTS.issubset(entry.filename for entry in entries):
        raise refusal("not_accepted")


def check_pictures(archive):
    """Refuse pictures with more pixels than print could use (`pictures.oversize`).

    Every part is tried, whatever its name: Word finds pictures through the relationships, so
    a picture may be called anything. Only the first bytes of each part are unpacked.
    """
    pixels = []
    for entry in archive.infolist():
        if not entry.is_dir():
            with archive.open(entry) as stream:
                pixels.append(header_pixels(stream))
    too_large = pictures.oversize([count for count in pixels if count is not None])
    if too_large == "picture":
        raise refusal("docx_picture_too_large", limit=megapixels("PAPER_IMAGE_MAX_PIXELS"))
    if too_large == "pictures":
        raise refusal("docx_pictures_too_large", limit=megapixels("PAPER_IMAGES_MAX_PIXELS"))


def megapixels(setting):
    return round(getattr(settings, setting) / 1_000_000)


def overcompressed(entry):
    return (
        entry.file_size > SUSPICIOUS_PART_BYTES
        and entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size
    )


CONTENT_CHECKS = {"pdf": check_pdf, "docx": check_docx}


def safe_file_name(name, extension):
    """`name` as uploaded, fit to show and to download: its base name, without characters that
    are unsafe in file names or headers, at most MAX_NAME_LENGTH long, ending in `extension`.
    """
    name = unicodedata.normalize("NFC", name)  # macOS sends names decomposed
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join("".join(" " if unsafe(char) else char for char in name).split())
    stem = EXTENSION.sub("", name.rstrip(" ."))
    # No dot at the start (hidden files, "..") nor at the end (Windows drops it).
    stem = stem[: MAX_NAME_LENGTH - len(extension)].strip(" .") or FALLBACK_STEM
    return stem + extension


def unsafe(char):
    return char in UNSAFE_IN_NAMES or unicodedata.category(char).startswith("C")


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips an uploaded file as soon as more than PAPER_UPLOAD_MAX_BYTES of it arrive.

    The handlers after it never get the rest, so an oversize upload is not written to disk in
    full; the file is missing from request.FILES and `refusal` says why. The request's other
    fields still arrive.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PAPER_UPLOAD_MAX_BYTES
        self.refusal = None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.refusal = too_large(self.limit)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        """None: the handlers after this one make the uploaded file."""
        return None


def limit_upload_size(request):
    """Install a SizeLimitUploadHandler first in `request.upload_handlers` and return it.

    Call it before anything reads request.POST or request.FILES. The CSRF middleware reads
    them, so the view is csrf_exempt and checks the token after this call with csrf_protect,
    as Django's "Modifying upload handlers on the fly" describes.
    """
    handler = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler
