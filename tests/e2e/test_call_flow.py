"""The open call in the browser: the organiser opens a call in the admin, a new person applies in
Kazakh with a DOCX, confirms the address from the letter, sets a password and finds the paper
submitted on "My papers"; the organiser finds the application and the paper in the admin."""

import re

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from proceedings.models import Application, Paper
from tests import factories
from tests.e2e.admin import sign_in_to_admin
from tests.factories import RoundTableFactory, SectionFactory
from tests.letters import deliver_letters
from tests.proceedings.documents import make_docx

SLUG = "call-2026"
NEW_PASSWORD = "Zhana-Kupiya-Soz-2026"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_an_application_from_the_call_to_a_submitted_paper(
    page: Page, browser: Browser, live_server, transactional_db
):
    event = RoundTableFactory(slug=SLUG, published=True)
    SectionFactory(event=event, name_kk="Құқық", name_ru="Право")
    factories.organiser("aigerim")
    desk_context = browser.new_context(locale="en-GB", base_url=live_server.url)
    desk = desk_context.new_page()
    try:
        # The organiser opens the call in the admin.
        sign_in_to_admin(desk, "aigerim")
        desk.goto("/admin/proceedings/call/add/")
        # The round table's field searches as the organiser types (the admin's autocomplete).
        desk.locator("#id_event + .select2").click()
        desk.locator(".select2-search__field").fill(SLUG)
        desk.locator(".select2-results__option", has_text="Тема").first.click()
        desk.locator("#id_opens_on").fill("2026-01-01")
        desk.locator("#id_closes_at_0").fill("2099-12-31")
        desk.locator("#id_closes_at_1").fill("18:00:00")
        # Kazakh and Russian papers are accepted unless the organiser says otherwise.
        expect(desk.locator('input[name="languages"][value="kk"]')).to_be_checked()
        desk.locator("#id_published").check()
        desk.locator('input[name="_save"]').click()
        expect(desk.locator(".messagelist")).to_contain_text("was added successfully")

        # A new person finds it on the round table's page and applies in Kazakh.
        page.goto(f"/kk/{SLUG}/")
        page.get_by_role("link", name="Өтінім қабылдау").click()
        expect(page.locator("h2#call-heading")).to_have_text("Өтінім қабылдау")
        page.get_by_role("link", name="Өтінім беру").click()
        page.locator("#id_surname_kk").fill("Есбулатова")
        page.locator("#id_given_name_kk").fill("Әлия")
        page.locator("#id_surname_ru").fill("Есбулатова")
        page.locator("#id_given_name_ru").fill("Алия")
        page.locator("#id_organisation").fill("Алматы академиясы")
        page.locator("#id_position").fill("аға оқытушы")
        page.locator("#id_city").fill("Алматы")
        page.locator("#id_country").fill("Қазақстан")
        page.locator("#id_phone").fill("+7 701 000 00 00")
        page.locator("#id_email").fill("aliya@example.kz")
        page.locator("#id_section").select_option(label="Құқық")
        page.locator("#id_paper_title").fill("Полиция және қоғам")
        page.locator("#id_file").set_input_files(
            {"name": "baiandama.docx", "mimeType": DOCX_TYPE, "buffer": make_docx()}
        )
        # Without the consent the form says why and keeps what was typed.
        page.get_by_role("button", name="Өтінімді жіберу").click()
        expect(page.locator(".field--error")).to_contain_text("Келісіміңізсіз")
        expect(page.locator("#id_surname_kk")).to_have_value("Есбулатова")
        page.locator("#id_file").set_input_files(
            {"name": "baiandama.docx", "mimeType": DOCX_TYPE, "buffer": make_docx()}
        )
        page.locator("#id_consent").check()
        page.get_by_role("button", name="Өтінімді жіберу").click()
        expect(page.locator("h2#applied-heading")).to_be_visible()
        expect(page.locator("[role=status]")).to_contain_text("aliya@example.kz")
        assert not Paper.objects.exists()

        # The letter's link confirms the address; the applicant sets a password.
        deliver_letters()
        (letter,) = [m for m in mail.outbox if m.to == ["aliya@example.kz"]]
        link = re.search(r"https?://\S+/call/confirm/\S+/", letter.body).group(0)
        page.goto(link)
        page.get_by_role("button", name="E-mail мекенжайымды растау").click()
        page.locator('input[name="new_password1"]').fill(NEW_PASSWORD)
        page.locator('input[name="new_password2"]').fill(NEW_PASSWORD)
        page.locator('button[type="submit"], input[type="submit"]').first.click()
        expect(page).to_have_url(re.compile(r"/kk/my/papers/$"))
        expect(page.locator("main")).to_contain_text("Полиция және қоғам")
        paper = Paper.objects.get()
        assert paper.status == Paper.Status.SUBMITTED

        # The organiser finds the confirmed application and its paper.
        desk.goto("/admin/proceedings/application/")
        expect(desk.locator("#result_list")).to_contain_text("aliya@example.kz")
        assert Application.objects.get().paper == paper
    finally:
        desk_context.close()
