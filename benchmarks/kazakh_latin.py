"""What the Latin pages cost: the demo's programme page in Kazakh, and in the Latin alphabet.

    .venv/bin/python benchmarks/kazakh_latin.py [--rounds 30]

It imports the demo round table into a throwaway test database (dropped at the end) and renders
its programme page (the site's largest) with the view alone, without the page cache: in kk, and
in kk-latn with its conversion (portal/kazakh_latin_pages.py), and prints the medians and their
ratio. A kept page costs neither: the cache holds it converted.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

from portal.kazakh_latin_pages import to_latin_page  # noqa: E402
from roundtable.views import event  # noqa: E402
from tests.demo import DEMO_SLUG, import_demo  # noqa: E402


def render(language):
    """The programme page's HTML in `language`, and the seconds its view took."""
    request = RequestFactory().get(f"/{language}/{DEMO_SLUG}/")
    request.user = AnonymousUser()
    with translation.override(language):
        started = time.perf_counter()
        html = event(request, DEMO_SLUG).content.decode()
        return html, time.perf_counter() - started


def main():
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 30
    setup_test_environment()  # the test settings, and the test client's host allowed
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import_demo()
        kazakh, latin, conversion = [], [], []
        for _round in range(rounds + 1):  # the first round warms the templates up
            kazakh.append(render("kk")[1])
            html, seconds = render("kk-latn")
            started = time.perf_counter()
            converted = to_latin_page(html)
            conversion.append(time.perf_counter() - started)
            latin.append(seconds + conversion[-1])
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    kk, latn, convert = (
        statistics.median(times[1:]) * 1000 for times in (kazakh, latin, conversion)
    )
    print(f"programme page, {len(converted.encode())} bytes, median of {rounds} renders")
    print(f"kk       {kk:7.1f} ms")
    print(f"kk-latn  {latn:7.1f} ms  (of which the conversion {convert:.1f} ms)")
    print(f"ratio    {latn / kk:7.2f}  (the conversion alone: {convert / kk:.1%} of the kk render)")


if __name__ == "__main__":
    main()
