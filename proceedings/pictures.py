"""How many pixels a paper's pictures may have, and fitting them to print.

A picture costs its pixels, not its bytes: a PNG of one colour claiming 12000 × 12000 pixels is
a few kilobytes in the DOCX and more than half a gigabyte once decoded, every time the preview
or the book is typeset. Two bounds keep that cost small:

- `fit_for_print`: no picture needs more than PRINT_DPI over the book's text block (A4 less the
  margins of print/print.css, 170 × 255 mm: 2008 × 3012 pixels); larger ones are scaled down to
  that when the DOCX is converted, so the preview and the book never decode more;
- `oversize`: a picture past PAPER_IMAGE_MAX_PIXELS, or pictures past PAPER_IMAGES_MAX_PIXELS
  together, are refused at upload, judged from their headers alone: scaling them down would
  itself decode them whole.
"""

import io

from django.conf import settings

PRINT_DPI = 300
TEXT_BLOCK_MM = (170, 255)
PRINT_BOX = tuple(round(mm / 25.4 * PRINT_DPI) for mm in TEXT_BLOCK_MM)
JPEG_QUALITY = 90
PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}


def oversize(pixels):
    """What is refused of pictures with these pixel counts: "picture" when one of them is too
    large, "pictures" when they are together; None when they are fine."""
    if any(count > settings.PAPER_IMAGE_MAX_PIXELS for count in pixels):
        return "picture"
    if sum(pixels) > settings.PAPER_IMAGES_MAX_PIXELS:
        return "pictures"
    return None


def fit_for_print(image):
    """`image` (opened by Pillow, not yet loaded), scaled down to fit PRINT_BOX if larger, as
    (format, bytes): JPEG stays JPEG, anything else becomes PNG; None if it already fits."""
    width, height = image.size
    if width <= PRINT_BOX[0] and height <= PRINT_BOX[1]:
        return None
    jpeg = image.format in {"JPEG", "MPO"}
    image.thumbnail(PRINT_BOX)  # a JPEG is decoded at a reduced scale (Pillow's draft mode)
    if jpeg:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
        return "JPEG", out.getvalue()
    return "PNG", png(image)


def png(image):
    """`image` as PNG bytes, in a mode PNG holds."""
    out = io.BytesIO()
    (image if image.mode in PNG_MODES else image.convert("RGBA")).save(out, format="PNG")
    return out.getvalue()
