"""The imprint's computed figures: the paper formats printers use and the conventional printed
sheets (усл. печ. л.) a book of so many pages takes in one of them.

A format such as 60×84/16 is the paper sheet (60 by 84 cm) and the share of it one page takes
(a sixteenth): one printed sheet, one side of the paper sheet, carries 16 pages. Conventional
sheets bring every format to the 60×90 cm sheet: physical sheets times the format's factor.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class PaperFormat(models.TextChoices):
    # The value is the sheet and its share; the label is what the output data prints.
    F60X84_8 = "60x84/8", "60×84/8"
    F60X84_16 = "60x84/16", "60×84/16"
    F60X84_32 = "60x84/32", "60×84/32"
    F60X90_8 = "60x90/8", "60×90/8"
    F60X90_16 = "60x90/16", "60×90/16"
    F70X100_16 = "70x100/16", "70×100/16"
    F70X108_16 = "70x108/16", "70×108/16"
    F84X108_16 = "84x108/16", "84×108/16"
    F84X108_32 = "84x108/32", "84×108/32"


# Each paper sheet's area over that of the 60×90 sheet, rounded as printers' tables give it.
FACTORS = {
    "60x84": Decimal("0.93"),
    "60x90": Decimal("1.00"),
    "70x100": Decimal("1.30"),
    "70x108": Decimal("1.40"),
    "84x108": Decimal("1.68"),
}


def conventional_sheets(pages, paper_format):
    """The conventional printed sheets of `pages` pages in `paper_format`, to two decimals."""
    sheet, share = paper_format.split("/")
    sheets = Decimal(pages) / Decimal(share) * FACTORS[sheet]
    return sheets.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def printed_sheets(pages, paper_format):
    """As the output data prints them: a decimal comma, two decimals (“10,23”)."""
    return f"{conventional_sheets(pages, paper_format):.2f}".replace(".", ",")
