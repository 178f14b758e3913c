"""The round table's change page in the admin on a 1366×768 laptop screen: the programme editor,
with the demo's 27 items, fits without scrolling sideways in Kazakh, Russian and English."""

import pytest
from playwright.sync_api import Browser, expect

from roundtable.models import RoundTable
from tests import factories
from tests.demo import DEMO_SLUG
from tests.e2e.admin import sign_in_to_admin
from tests.pages import change_url

LAPTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("locale", ["kk-KZ", "ru-RU", "en-GB"])
def test_programme_editor_fits_a_laptop_screen(browser: Browser, demo_site, locale):
    factories.organiser("chair")
    event = RoundTable.objects.get(slug=DEMO_SLUG)
    context = browser.new_context(locale=locale, base_url=demo_site, viewport=LAPTOP)
    page = context.new_page()
    try:
        sign_in_to_admin(page, "chair")
        page.goto(change_url(event))
        rows = page.locator("#programme_items-group tbody tr.form-row.has_original")
        expect(rows).to_have_count(event.programme_items.count())
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= LAPTOP["width"], f"{locale}: the page is {width}px wide"
        # Django's tabular inline scrolls inside its own box rather than widening the page.
        inline = page.locator("#programme_items-group .tabular")
        overflow = inline.evaluate("box => box.scrollWidth - box.clientWidth")
        assert overflow <= 0, f"{locale}: the programme scrolls {overflow}px sideways"
    finally:
        context.close()
