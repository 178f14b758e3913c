"""The ISBN as the EAN-13 barcode a book's back cover carries, with its digits printed under it.

An ISBN-13 is an EAN-13 (the "Bookland" 978/979 prefixes), so the barcode encodes its 13 digits
as they are. python-barcode draws it: the check digit, the guard bars that reach below the others,
the digits set between them and the quiet zones on either side, which scanners need and which are
easy to get subtly wrong by hand.

Sizes are the EAN-13 nominal ones (ISO/IEC 15420, magnification 100 %): modules of 0.33 mm, bars
22.85 mm high, quiet zones of 11 modules on the left (7 would do on the right; the library makes
both sides alike). Bars and digits are in the black ink alone (the back cover is the print
book's), on no background of their own. The SVG goes into the book as a data: URL, which the print
fetcher reads.
"""

import base64

from barcode import EAN13
from barcode.writer import SVGWriter

from proceedings import isbn

MODULE_MM = 0.33
OPTIONS = {
    "module_width": MODULE_MM,
    "module_height": 22.85,
    "quiet_zone": 11 * MODULE_MM,
    "font_size": 9,
    "text_distance": 1.5,
    "foreground": "device-cmyk(0 0 0 1)",
    "background": None,
}


def isbn_barcode(value):
    """The barcode of the ISBN `value` as a data: URL of an SVG image; "" without an ISBN."""
    digits = isbn.compact(value)
    if not digits:
        return ""
    writer = SVGWriter()
    svg = EAN13(digits, writer=writer, guardbar=True).render(OPTIONS)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
