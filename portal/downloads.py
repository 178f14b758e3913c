"""Files for one reader only (a speaker's stored paper, a book build in the admin, the organisers'
spreadsheets of names and e-mail addresses): always an attachment, never sniffed into something a
browser would run, and kept by no cache on the way."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control


def private(response):
    """`response`, which holds what only its reader may see, kept by no cache on the way."""
    patch_cache_control(response, private=True, no_store=True)
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
