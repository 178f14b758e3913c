"""The demo round table (the real one of 23 May 2025), for end-to-end and page tests.

The fixture file is parsed once per test process (YAML parsing is most of an import's time); each
test that asks for the demo has it checked and written into its own transaction, as
`manage.py import_roundtable` (imports/round_tables.py) does, so no test sees another's changes
and the tests that do not ask for it see an empty database. (Checking matches degrees, titles and
ranks to the database's vocabularies, so only the parsed document is kept.)
"""

import functools

from django.conf import settings
from django.db import transaction

from imports.reading import load, read_source
from imports.round_tables import read_plan, write
from roundtable.models import RoundTable

DEMO_FILE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
DEMO_SLUG = "public-safety-2025"


@functools.cache
def demo_document():
    """The demo file parsed (plain data with line numbers; the importer only reads it)."""
    return load(read_source(DEMO_FILE))


def import_demo():
    """Import the demo fixture as `make demo` does; returns the round table."""
    plan = read_plan(demo_document(), None)
    with transaction.atomic():
        write(plan)
    return RoundTable.objects.get(slug=DEMO_SLUG)
