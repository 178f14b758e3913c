"""What a picture's header claims, read without decoding it: the proceedings' papers and the
certificates' logos and signatures are judged by their pixels before anything decodes them."""

import warnings
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image


class Header(NamedTuple):
    format: str  # Pillow's name: "PNG", "JPEG", …
    width: int
    height: int


def header(stream):
    """The format and size a picture's header claims, without decoding it; None if not a picture.

    Pillow refuses to even open pictures past twice its own MAX_IMAGE_PIXELS: those count as
    that many, too many for us as well.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                return Header(image.format, *image.size)
    except Image.DecompressionBombError:
        return Header("", 2 * Image.MAX_IMAGE_PIXELS + 1, 1)
    except Exception:  # not a picture Pillow knows; conversion drops those with a warning
        return None


def header_pixels(stream):
    """How many pixels a picture's header claims; None if not a picture."""
    found = header(stream)
    return None if found is None else found.width * found.height


PRINTED_PICTURE_FORMATS = {"PNG", "JPEG"}
PRINTED_PICTURE_MAX_SIDE = 4000


def validate_printed_picture(file):
    """A logo or signature to print: PNG or JPEG by its content, at most 4000 pixels a side."""
    position = file.tell() if hasattr(file, "tell") else 0
    found = header(file)
    file.seek(position)
    if found is None or found.format not in PRINTED_PICTURE_FORMATS:
        raise ValidationError(_("Upload a PNG or JPEG picture."), code="picture_format")
    if max(found.width, found.height) > PRINTED_PICTURE_MAX_SIDE:
        raise ValidationError(
            _("The picture is %(width)s × %(height)s pixels: at most %(limit)s a side."),
            code="picture_too_large",
            params={
                "width": found.width,
                "height": found.height,
                "limit": PRINTED_PICTURE_MAX_SIDE,
            },
        )
