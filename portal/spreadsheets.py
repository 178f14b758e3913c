"""Spreadsheets that organisers download, with cells that a spreadsheet shows as written and
never evaluates as formulas (speakers write the titles).

CSV in UTF-8 with a byte order mark and semicolon-separated, as Excel on a Kazakh or Russian
Windows reads it (its list separator there is the semicolon; with commas every row lands in one
cell); and XLSX, which any Excel opens the same.
"""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

BOM = "\ufeff"
DELIMITER = ";"
# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_text(value):
    """A cell that a spreadsheet shows as written, never evaluates."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def cells(row):
    return [value if isinstance(value, int) else as_text(value) for value in row]


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename, headers, rows):
    """An attachment `filename` with a header row, then `rows` (numbers stay numbers)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BOM)
    writer = csv.writer(response, delimiter=DELIMITER)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(cells(row))
    return attachment(response, filename)


def xlsx_response(filename, title, headers, rows):
    """The same as an Excel workbook of one sheet `title`, its header row bold and frozen.
    openpyxl writes text cells as strings, so a cell starting with "=" is no formula unless it
    is given as one; they are escaped all the same, as in the CSV."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for a sheet's name
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(cells(row))
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(6, width + 2))
    content = io.BytesIO()
    workbook.save(content)
    return attachment(HttpResponse(content.getvalue(), content_type=XLSX), filename)
