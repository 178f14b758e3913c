"""Certificates in the browser: an organiser issues and sends them from the admin, and a stranger
opens the address the PDF's QR code holds and sees whose certificate it is."""

from urllib.parse import urlsplit

import pypdfium2
import zxingcpp
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Browser, expect

from participants import certificate_mailing
from participants.models import Certificate
from tests.e2e.admin import sign_in_to_admin
from tests.factories import (
    AttendanceFactory,
    PersonFactory,
    RoundTableFactory,
    certificate_ready,
    organiser,
)


def run_certificate_tasks():
    path = certificate_mailing.send_certificates.module_path
    for result in DBTaskResult.objects.filter(task_path=path):
        certificate_mailing.send_certificates.call(*result.args_kwargs["args"])


def qr_code_of(certificate):
    with certificate.pdf.open("rb") as stored:
        document = pypdfium2.PdfDocument(stored.read())
    image = document[0].render(scale=200 / 72).to_pil()
    (code,) = zxingcpp.read_barcodes(image)
    return code.text


def test_an_organiser_issues_certificates_and_a_stranger_verifies_one_by_its_qr_code(
    browser: Browser, live_server, transactional_db
):
    event = RoundTableFactory(theme_ru="Общественная безопасность")
    certificate_ready(event)
    person = PersonFactory(
        surname_ru="ЖАКУПОВА", given_name_ru="Айгерим", patronymic_ru="", email="a@example.kz"
    )
    AttendanceFactory(event=event, person=person)
    organiser(username="chair")

    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    page = context.new_page()
    sign_in_to_admin(page, "chair")
    page.goto("/admin/participants/certificatetemplate/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("issue_and_send")
    page.locator(".actions button[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 certificate is being typeset")
    context.close()

    run_certificate_tasks()  # as the worker would
    certificate = Certificate.objects.get(person=person)
    address = qr_code_of(certificate)
    assert address.endswith(f"/verify/{certificate.number}")

    stranger = browser.new_context(locale="ru-RU", base_url=live_server.url)
    page = stranger.new_page()
    page.goto(urlsplit(address).path)
    expect(page.locator("main")).to_contain_text("ЖАКУПОВА Айгерим")
    expect(page.locator("main")).to_contain_text("Общественная безопасность")
    expect(page.locator("main")).to_contain_text("действителен")
    stranger.close()
