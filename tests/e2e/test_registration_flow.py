"""Registration and check-in in the browser: a listener registers in Kazakh from the round
table's page, confirms the address from the letter, and at the door an organiser on a phone
(375×667) opens the check-in address read from the letter's QR code, decoded from its image,
and checks her in."""

import io
import re
from urllib.parse import urlsplit

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from participants.models import Attendance, Registration
from speakers.models import Letter
from tests import factories
from tests.e2e.admin import sign_in_to_admin
from tests.factories import RegistrationSettingsFactory

SLUG = "listeners-2026"
PHONE = {"width": 375, "height": 667}


def path_of(link):
    """A letter's link (on SITE_URL) as a path on the live server."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_listener_registers_and_is_checked_in_by_the_qr_code(
    page: Page, browser: Browser, live_server, transactional_db
):
    RegistrationSettingsFactory(event__slug=SLUG, event__published=True, onsite_capacity=30)
    factories.organiser("aigerim")

    # The listener finds the registration on the round table's page and registers in Kazakh.
    page.goto(f"/kk/{SLUG}/")
    page.get_by_role("link", name="Тыңдаушыларды тіркеу").click()
    expect(page.locator("h2#registration-heading")).to_have_text("Тыңдаушыларды тіркеу")
    page.locator("#id_surname").fill("Есбулатова")
    page.locator("#id_given_name").fill("Әлия")
    page.locator("#id_email").fill("aliya@example.kz")
    page.locator("#id_organisation").fill("Алматы академиясы")
    page.locator('input[name="mode"][value="onsite"]').check()
    # Without the consent the form says why and keeps what was typed.
    page.get_by_role("button", name="Тіркелу").click()
    expect(page.locator(".field--error")).to_contain_text("Келісіміңізсіз")
    expect(page.locator("#id_surname")).to_have_value("Есбулатова")
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Тіркелу").click()
    expect(page.locator("[role=status]")).to_contain_text("aliya@example.kz")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.UNCONFIRMED

    # The letter's link opens a page whose button confirms the address.
    letter = Letter.objects.get(kind=Letter.Kind.REGISTRATION_ADDRESS)
    link = re.search(r"https?://\S+/registration/\S+/confirm/", letter.body).group(0)
    page.goto(path_of(link))
    page.get_by_role("button", name="E-mail мекенжайымды растау").click()
    expect(page.locator(".registration-status")).to_have_text("тіркелді")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    # The confirmation letter shows the QR code; decoded, it is the check-in address.
    confirmed = Letter.objects.get(kind=Letter.Kind.REGISTRATION_CONFIRMED)
    image_link = re.search(r'<img src="([^"]+qr\.png)"', confirmed.html).group(1)
    image = page.request.get(path_of(image_link))
    assert image.ok and image.headers["content-type"] == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.body())))
    assert "/check-in/" in code.text

    # At the door, an organiser on a phone opens it and checks her in.
    phone = browser.new_context(locale="en-GB", base_url=live_server.url, viewport=PHONE)
    desk = phone.new_page()
    try:
        sign_in_to_admin(desk, "aigerim")
        desk.goto(path_of(code.text))
        expect(desk.locator(".check-in-name")).to_have_text("Есбулатова Әлия")
        assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The code's address is in the listener's language, Kazakh.
        desk.get_by_role("button", name="Келді деп белгілеу").click()
        expect(desk.locator(".messages")).to_contain_text("келді деп белгіленді")
        expect(desk.locator(".check-in-done")).to_be_visible()
    finally:
        phone.close()
    attendance = Attendance.objects.get()
    assert attendance.person == registration.person
    assert attendance.source == Attendance.Source.QR_CODE
