"""Spreadsheets that organisers download: CSV in UTF-8 with a byte order mark, so that Excel on a
Kazakh or Russian Windows reads the letters right, comma-separated, with cells that a
spreadsheet shows as written and never evaluates as formulas (speakers write the titles)."""

import csv

from django.http import HttpResponse

BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A cell that a spreadsheet shows as written, never evaluates."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_response(filename, headers, rows):
    """An attachment `filename` with a header row, then `rows` (numbers stay numbers)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([value if isinstance(value, int) else as_text(value) for value in row])
    return response
