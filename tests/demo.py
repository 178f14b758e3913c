"""The demo round table (the real one of 23 May 2025), for end-to-end and page tests."""

from django.conf import settings
from django.core.management import call_command

DEMO_FILE = settings.BASE_DIR / "fixtures" / "roundtable-2025-05-23.yaml"
DEMO_SLUG = "public-safety-2025"


def import_demo():
    """Import the demo fixture as `make demo` does; returns the round table."""
    from roundtable.models import RoundTable

    call_command("import_roundtable", DEMO_FILE, verbosity=0)
    return RoundTable.objects.get(slug=DEMO_SLUG)
