"""Files for one reader only (a speaker's stored paper, a book build in the admin, the organisers'
spreadsheets of names and e-mail addresses): always an attachment, never sniffed into something a
browser would run, and kept by no cache on the way."""

import re
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

# What no file name should hold on any system: path separators, reserved and control characters.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
NAME_AT_MOST = 120


def private(response):
    """`response`, which holds what only its reader may see, kept by no cache on the way."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def attachment(response, filename, ascii_filename):
    """`response` as an attachment named `filename` (any script), or `ascii_filename` by clients
    that read no filename* (RFC 6266: filename="…"; filename*=utf-8''…); never sniffed."""
    header = content_disposition_header(True, ascii_filename)
    name = " ".join(UNSAFE_IN_NAMES.sub(" ", filename).split()).lstrip(". ")  # no hidden file
    stem, dot, extension = name.rpartition(".")
    if len(name) > NAME_AT_MOST and dot:
        name = f"{stem[: NAME_AT_MOST - len(extension) - 1].rstrip()}.{extension}"
    if name and name != ascii_filename:
        header += f"; filename*=utf-8''{quote(name)}"
    response["Content-Disposition"] = header
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file(field_file, filename, content_type):
    """The stored `field_file` as the attachment `filename`; 404 when the storage has lost it."""
    try:
        stored = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)
