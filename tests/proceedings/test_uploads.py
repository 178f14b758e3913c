"""Content checks of uploaded papers, on real files made here: PDFs written by pypdf and
WeasyPrint, DOCX written by python-docx, executables, archive bombs and damaged files."""

import hashlib
import io
import logging
import re
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory
from django.utils import translation
from docx import Document
from pypdf import PdfWriter
from weasyprint import HTML

from proceedings import uploads
from proceedings.uploads import UploadRefused, check, safe_file_name
from tests.proceedings.documents import make_docx, png_header_bytes

MB = 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_ACCEPTED = "This file is not a PDF or a Word document (.docx). Upload the paper as DOCX or PDF."
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(4000)
MZ = (
    b"MZ\x90\x00\x03\x00\x00\x00"
    + bytes(56)
    + b"This program cannot be run in DOS mode."
    + bytes(4000)
)


def pdf_bytes(*, pages=1, user_password=None, owner_password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes():
    document = Document()
    document.add_heading("Қоғамдық қауіпсіздік", level=1)
    document.add_paragraph("Мақаланың мәтіні. Текст статьи.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_part(name, write_part, compression=zipfile.ZIP_DEFLATED):
    """A real DOCX with one more part, streamed in by `write_part(entry)` so that large parts
    never sit in memory whole; compressed as hard as zip can, as archive bombs are."""
    out = io.BytesIO(docx_bytes())
    archive = zipfile.ZipFile(out, "a", compression, compresslevel=9)
    with archive, archive.open(name, "w") as entry:
        write_part(entry)
    return out.getvalue()


def zeros(megabytes):
    def write(entry):
        chunk = bytes(MB)
        for _ in range(megabytes):
            entry.write(chunk)

    return write


def ole2_bytes():
    """An OLE2 compound file (what Word 97–2003 saves .doc in): its header and an empty FAT."""
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),  # class id
        *(0x3E, 3, 0xFFFE, 9, 6),  # versions, byte order, sector sizes 512 and 64
        bytes(6),
        *(0, 1, 1, 0, 4096),  # directory sectors, FAT sectors, first directory sector, …
        *(0xFFFFFFFE, 0, 0xFFFFFFFE, 0),  # no mini FAT, no DIFAT sectors
    )
    difat = struct.pack("<I", 0) + b"\xff" * 4 * 108
    fat = struct.pack("<II", 0xFFFFFFFD, 0xFFFFFFFE) + b"\xff" * 504
    return header + difat + fat + bytes(512)


def upload(data, name="paper.pdf", content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def refusal(data, name="paper.pdf"):
    """The messages a speaker sees when uploading `data` as `name`."""
    with pytest.raises(UploadRefused) as refused:
        check(upload(data, name))
    return refused.value.messages


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# Accepted files


def test_a_pdf_made_with_pypdf_is_accepted():
    data = pdf_bytes(pages=3)

    checked = check(upload(data, "Мақала.pdf"))

    assert checked == uploads.CheckedUpload(
        kind="pdf", size=len(data), sha256=sha256(data), display_name="Мақала.pdf"
    )
    assert (checked.content_type, checked.extension) == ("application/pdf", ".pdf")


def test_a_pdf_made_with_weasyprint_is_accepted():
    data = HTML(string="<h1>Қоғамдық қауіпсіздік</h1><p>Мақаланың мәтіні.</p>").write_pdf()

    assert check(upload(data)).kind == "pdf"


def test_a_docx_made_with_python_docx_is_accepted():
    data = docx_bytes()

    checked = check(upload(data, "Мақала — Әлиева.docx"))

    assert checked == uploads.CheckedUpload(
        kind="docx", size=len(data), sha256=sha256(data), display_name="Мақала — Әлиева.docx"
    )
    assert (checked.content_type, checked.extension) == (DOCX_TYPE, ".docx")


def test_a_docx_with_a_large_picture_that_does_not_compress_is_accepted():
    data = docx_with_part(
        "word/media/image1.jpeg",
        lambda entry: entry.write(bytes(range(256)) * (8 * 1024)),  # 2 MB
        compression=zipfile.ZIP_STORED,
    )

    assert check(upload(data, "paper.docx")).kind == "docx"


def test_a_pdf_whose_header_is_within_the_first_kilobyte_is_accepted():
    assert check(upload(b"\n" * 1000 + pdf_bytes())).kind == "pdf"


def test_a_file_of_exactly_the_size_limit_is_accepted(settings):
    data = pdf_bytes()
    settings.PAPER_UPLOAD_MAX_BYTES = len(data)

    assert check(upload(data)).size == len(data)


def test_a_temporary_uploaded_file_is_checked_like_one_in_memory():
    data = docx_bytes()
    with TemporaryUploadedFile("paper.docx", DOCX_TYPE, len(data), None) as uploaded:
        uploaded.write(data)

        assert check(uploaded).sha256 == sha256(data)


# The type comes from the content


def test_the_content_type_sent_by_the_browser_is_not_trusted():
    uploaded = upload(ELF, "paper.pdf", content_type="application/pdf")

    with pytest.raises(UploadRefused) as refused:
        check(uploaded)

    assert refused.value.messages == [NOT_ACCEPTED]
    assert refused.value.code == "not_accepted"


def test_a_windows_executable_named_docx_is_refused():
    assert refusal(MZ, "paper.docx") == [NOT_ACCEPTED]


def test_a_zip_that_is_not_a_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("paper.txt", "Мақаланың мәтіні.")

    assert refusal(out.getvalue(), "paper.docx") == [NOT_ACCEPTED]


def test_a_pdf_header_after_the_first_kilobyte_is_not_looked_for():
    assert refusal(b"\n" * 1024 + pdf_bytes()) == [NOT_ACCEPTED]


def test_an_old_word_doc_gets_its_own_message():
    assert refusal(ole2_bytes(), "paper.doc") == [
        "Word 97–2003 (.doc) files are not accepted; save it as .docx (or PDF) and upload that."
    ]


def test_a_plain_text_file_is_refused():
    assert refusal("Мақаланың мәтіні.".encode(), "paper.txt") == [NOT_ACCEPTED]


# Sizes


def test_an_empty_file_is_refused():
    assert refusal(b"") == ["This file is empty (0 bytes). Upload the paper as DOCX or PDF."]


def test_a_file_over_the_limit_is_refused_by_check_too(settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000

    assert refusal(pdf_bytes() + bytes(1000)) == [
        "This file is larger than 1000\xa0bytes. Upload a DOCX or PDF of at most 1000\xa0bytes; "
        "compressing its pictures makes it smaller."
    ]


def test_the_default_limit_is_20_mb():
    handler = uploads.SizeLimitUploadHandler()

    assert handler.limit == 20 * MB


def test_the_upload_handler_passes_chunks_under_the_limit_on(settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000
    handler = uploads.SizeLimitUploadHandler()
    handler.new_file("file", "paper.pdf", "application/pdf", None)

    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    assert handler.receive_data_chunk(b"x" * 400, 600) == b"x" * 400
    assert handler.refusal is None


def test_the_upload_handler_skips_the_file_once_over_the_limit(settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000
    handler = uploads.SizeLimitUploadHandler()
    handler.new_file("file", "paper.pdf", "application/pdf", None)
    handler.receive_data_chunk(b"x" * 600, 0)

    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 600, 600)

    assert handler.refusal.messages == [
        "This file is larger than 1000\xa0bytes. Upload a DOCX or PDF of at most 1000\xa0bytes; "
        "compressing its pictures makes it smaller."
    ]


def test_limit_upload_size_installs_the_handler_first():
    request = RequestFactory().post("/upload/", {"title": "Мақала"})

    handler = uploads.limit_upload_size(request)

    assert request.upload_handlers[0] is handler
    assert len(request.upload_handlers) > 1  # Django's own handlers still store the file


def test_an_oversize_upload_is_left_out_of_the_request_and_its_other_fields_kept(settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000
    request = RequestFactory().post(
        "/upload/", {"file": upload(pdf_bytes() + bytes(100_000)), "title": "Мақала"}
    )

    handler = uploads.limit_upload_size(request)

    assert "file" not in request.FILES
    assert request.POST["title"] == "Мақала"
    assert handler.refusal.code == "too_large"


def test_an_upload_streamed_to_disk_within_the_limit_arrives_whole(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # written to a temporary file, as large uploads are
    data = pdf_bytes()
    request = RequestFactory().post("/upload/", {"file": upload(data)})
    handler = uploads.limit_upload_size(request)

    with request.FILES["file"] as uploaded:
        assert isinstance(uploaded, TemporaryUploadedFile)
        assert check(uploaded).sha256 == sha256(data)
    assert handler.refusal is None


# Damaged and protected PDFs


def test_a_password_protected_pdf_is_refused():
    assert refusal(pdf_bytes(user_password="secret")) == [
        "This PDF is password-protected. Upload a copy without a password, or the paper as DOCX."
    ]


def test_a_pdf_with_only_an_owner_password_is_refused_as_protected():
    data = pdf_bytes(user_password="", owner_password="secret")

    with pytest.raises(UploadRefused) as refused:
        check(upload(data))

    assert refused.value.code == "pdf_encrypted"


def test_a_truncated_pdf_is_refused():
    data = pdf_bytes()

    assert refusal(data[: len(data) // 2]) == [
        "This PDF is damaged and cannot be read. Export it again, or upload the paper as DOCX."
    ]


def test_a_pdf_without_pages_is_refused():
    assert refusal(pdf_bytes(pages=0)) == [
        "This PDF has no pages. Upload the paper as DOCX or PDF."
    ]


def test_pypdf_does_not_log_about_speakers_files(caplog):
    level = logging.getLogger("pypdf").level
    with caplog.at_level(logging.DEBUG):
        check(upload(b"\n" * 100 + pdf_bytes()))  # pypdf warns about the header and the xref
        with pytest.raises(UploadRefused):
            check(upload(pdf_bytes()[:300]))

    assert [record for record in caplog.records if record.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf").level == level


# Damaged DOCX and archive bombs


def test_a_truncated_docx_is_refused():
    data = docx_bytes()

    assert refusal(data[: len(data) // 2], "paper.docx") == [
        "This Word document is damaged and cannot be read. Save it again as .docx, or upload "
        "the paper as PDF."
    ]


@pytest.mark.slow
def test_a_docx_unpacking_to_300_mb_is_refused():
    data = docx_with_part("word/media/zeros.bin", zeros(300))

    assert len(data) < 2 * MB
    assert refusal(data, "paper.docx") == [
        "This Word document unpacks to more than 200.0\xa0MB. Upload a .docx of at most "
        "200.0\xa0MB unpacked (compress its pictures), or the paper as PDF."
    ]


def test_a_docx_of_5000_parts_is_refused():
    out = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(out, "a") as archive:
        for number in range(5000):
            archive.writestr(f"word/parts/part{number}.xml", "<a/>")

    assert refusal(out.getvalue(), "paper.docx") == [
        "This Word document is made of more than 2000 parts. Upload a .docx of at most 2000 "
        "parts, or the paper as PDF."
    ]


def test_a_large_part_compressed_more_than_200_times_is_refused():
    data = docx_with_part("word/media/image1.png", zeros(2))

    assert refusal(data, "paper.docx") == [
        "This Word document holds a part compressed more than 200 times, as archive bombs are. "
        "Save it again as .docx in Word, or upload the paper as PDF."
    ]


def test_the_docx_limits_come_from_the_settings(settings):
    settings.PAPER_DOCX_MAX_ENTRIES = 5

    with pytest.raises(UploadRefused) as refused:
        check(upload(docx_bytes(), "paper.docx"))

    assert refused.value.code == "docx_too_many_parts"


# Picture bombs: a few kilobytes of DOCX, gigabytes of pixels


PICTURE_TOO_LARGE = (
    "This Word document holds a picture of more than 40 megapixels; a whole page printed at "
    "300 dpi is about 6. Make the picture smaller and upload the paper again."
)


def test_a_docx_with_a_picture_of_12000_by_12000_pixels_is_refused_from_its_header():
    # The picture's data is one row of zeros: refused without decoding, or it would not be read.
    data = make_docx(pictures=[png_header_bytes(12000, 12000)])
    started = time.perf_counter()

    assert len(data) < 40 * 1024
    assert refusal(data, "paper.docx") == [PICTURE_TOO_LARGE]
    assert time.perf_counter() - started < 1


def test_a_picture_too_large_for_pillow_to_open_is_refused_all_the_same():
    data = make_docx(pictures=[png_header_bytes(30000, 30000)])

    assert refusal(data, "paper.docx") == [PICTURE_TOO_LARGE]


def test_a_picture_is_found_whatever_its_part_is_called():
    picture = png_header_bytes(12000, 12000)
    data = docx_with_part("customXml/item9.xml", lambda entry: entry.write(picture))

    assert refusal(data, "paper.docx") == [PICTURE_TOO_LARGE]


def test_pictures_too_large_together_are_refused():
    # 36 megapixels each; python-docx stores the same picture once, so each is another.
    data = make_docx(pictures=[png_header_bytes(6000, 6000 + n) for n in range(6)])

    assert refusal(data, "paper.docx") == [
        "The pictures of this Word document have more than 200 megapixels together; a whole "
        "page printed at 300 dpi is about 6. Make the pictures smaller and upload the paper "
        "again."
    ]


def test_a_camera_picture_is_accepted():
    data = make_docx(pictures=[png_header_bytes(6000, 4000)])  # a 24-megapixel camera

    assert check(upload(data, "paper.docx")).kind == "docx"


def test_the_picture_limits_come_from_the_settings(settings):
    settings.PAPER_IMAGE_MAX_PIXELS = 1000 * 1000
    data = make_docx(pictures=[png_header_bytes(1001, 1000)])

    assert refusal(data, "paper.docx") == [PICTURE_TOO_LARGE.replace("40", "1")]


def test_the_picture_refusal_is_in_kazakh_and_russian():
    data = make_docx(pictures=[png_header_bytes(12000, 12000)])

    with translation.override("kk"):
        kazakh = refusal(data, "paper.docx")
    with translation.override("ru"):
        russian = refusal(data, "paper.docx")

    assert kazakh == [
        "Бұл Word құжатында 40 мегапиксельден үлкен сурет бар; 300 dpi ажыратымдылықпен "
        "басылған тұтас бет шамамен 6 мегапиксель. Суретті кішірейтіп, мақаланы қайта жүктеңіз."
    ]
    assert russian == [
        "В этом документе Word есть изображение больше 40 мегапикселей; целая страница, "
        "напечатанная с разрешением 300 dpi, — это около 6. Уменьшите изображение и загрузите "
        "статью снова."
    ]


# Rewinding, names


def test_the_file_is_rewound_after_it_is_accepted():
    data = pdf_bytes()
    uploaded = upload(data)

    check(uploaded)

    assert uploaded.read() == data


def test_the_file_is_rewound_after_it_is_refused():
    uploaded = upload(ELF)

    with pytest.raises(UploadRefused):
        check(uploaded)

    assert uploaded.tell() == 0


def test_the_download_name_takes_the_extension_of_the_content():
    checked = check(upload(pdf_bytes(), "paper.exe"))

    assert (checked.display_name, checked.extension) == ("paper.pdf", ".pdf")


@pytest.mark.parametrize(
    ("uploaded", "extension", "shown"),
    [
        pytest.param("../../etc/passwd.pdf", ".pdf", "passwd.pdf", id="parent-directories"),
        pytest.param(r"C:\Users\Әлиева\Мақала.docx", ".docx", "Мақала.docx", id="windows-path"),
        pytest.param("Мақала — Әлиева.docx", ".docx", "Мақала — Әлиева.docx", id="kazakh-kept"),
        pytest.param("evil\r\nname.pdf", ".pdf", "evil name.pdf", id="line-break"),
        pytest.param("invoice\u202efdp.exe", ".pdf", "invoice fdp.pdf", id="bidi-override"),
        pytest.param('a"b:c*d?e<f>g|h.pdf', ".pdf", "a b c d e f g h.pdf", id="unsafe-chars"),
        pytest.param("paper.exe", ".pdf", "paper.pdf", id="wrong-extension"),
        pytest.param("paper.PDF", ".docx", "paper.docx", id="pdf-name-docx-content"),
        pytest.param("Баяндама v1.2", ".pdf", "Баяндама v1.2.pdf", id="no-extension"),
        pytest.param("paper.pdf.", ".pdf", "paper.pdf", id="trailing-dot"),
        pytest.param(".hidden.pdf", ".pdf", "hidden.pdf", id="hidden-file"),
        pytest.param("..", ".pdf", "paper.pdf", id="only-dots"),
        pytest.param(".pdf", ".pdf", "paper.pdf", id="only-extension"),
        pytest.param("", ".docx", "paper.docx", id="no-name"),
        pytest.param("И\u0306ылдам.pdf", ".pdf", "Йылдам.pdf", id="decomposed-letters"),
        pytest.param("М" * 300 + ".pdf", ".pdf", "М" * 116 + ".pdf", id="very-long"),
        pytest.param("Ә" * 114 + " " + "Ә" * 9, ".docx", "Ә" * 114 + ".docx", id="cut-at-a-space"),
    ],
)
def test_file_names_are_made_safe_to_show_and_download(uploaded, extension, shown):
    assert safe_file_name(uploaded, extension) == shown


def test_storage_names_cannot_be_guessed():
    checked = check(upload(docx_bytes(), "Мақала.docx"))

    first, second = uploads.storage_name(checked), uploads.storage_name(checked)

    assert re.fullmatch(r"papers/[0-9a-f]{32}\.docx", first)
    assert first != second
