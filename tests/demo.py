"""The demo round table (the real one of 23 May 2025), for end-to-end and page tests.

The first test of a process that asks for the demo imports it as `manage.py import_roundtable`
(imports/round_tables.py) does; the rows that import wrote are then kept in memory, in
PostgreSQL's COPY format, and every later test gets the same rows copied back into its own
transaction in a few milliseconds instead of a fresh import (~0.6 s each, most of it checking
the file against the database's vocabularies). No test sees another's changes, and the tests
that do not ask for the demo see an empty database.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from imports.reading import load, read_source
from imports.round_tables import read_plan, write
from roundtable.models import RoundTable

DEMO_FILE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
DEMO_SLUG = "public-safety-2025"


@dataclass
class TableRows:
    """The rows one table gained from the import, as COPY … TO STDOUT wrote them."""

    table: str
    columns: str
    data: bytes


# The rows of this process's first import (each pytest-xdist worker has its own database).
imported_rows: list[TableRows] | None = None


def import_demo():
    """The demo round table in this test's database, as `make demo` imports it."""
    global imported_rows
    if not connection.in_atomic_block:
        import_file()
    elif imported_rows is None:
        imported_rows = import_and_keep_rows()
    else:
        copy_rows_in(imported_rows)
    return RoundTable.objects.get(slug=DEMO_SLUG)


def tables():
    """Every table of an installed model that has an integer `id` (those the import can write)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if pk.column == "id" and pk.get_internal_type() in ("AutoField", "BigAutoField"):
            found.append(model._meta.db_table)
    return sorted(set(found))


def import_file():
    plan = read_plan(load(read_source(DEMO_FILE)), None)
    with transaction.atomic():
        write(plan)


def import_and_keep_rows():
    highest = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
            highest[table] = cursor.fetchone()[0]
    import_file()
    kept = []
    with connection.cursor() as cursor:
        for table, before in highest.items():
            cursor.execute(
                "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
                " FROM information_schema.columns WHERE table_name = %s"
                " AND table_schema = current_schema() AND is_generated = 'NEVER'",
                [table],
            )
            columns = cursor.fetchone()[0]
            data = bytearray()
            query = f'COPY (SELECT {columns} FROM "{table}" WHERE id > {int(before)}) TO STDOUT'
            with cursor.cursor.copy(query) as copy:
                for block in copy:
                    data += block
            if data:
                kept.append(TableRows(table, columns, bytes(data)))
    return kept


def copy_rows_in(kept):
    """Write the kept rows back; foreign keys are checked at commit (Django makes them
    deferrable), so the order of the tables does not matter. Sequences move past the copied ids,
    so rows a test creates afterwards never collide with them."""
    with transaction.atomic(), connection.cursor() as cursor:
        for rows in kept:
            with cursor.cursor.copy(f'COPY "{rows.table}" ({rows.columns}) FROM STDIN') as copy:
                copy.write(rows.data)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) FROM \"{rows.table}\"",
                [f'"{rows.table}"'],
            )
