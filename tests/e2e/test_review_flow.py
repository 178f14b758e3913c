"""A paper from upload to decision through a double-blind review, in the browser: the organiser
uploads the file a second author sent by e-mail, spreads both papers of the call among two
reviewers, a reviewer sets a password from the letter and reviews without seeing the authors, the
organiser accepts with the reviews before them, and the author sees the decision."""

import re

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from proceedings.models import Paper, Review
from proceedings.models.calls import ReviewMode
from tests import factories
from tests.e2e.admin import sign_in_to_admin
from tests.factories import (
    AuthorFactory,
    CallFactory,
    PaperFactory,
    PersonFactory,
    SectionFactory,
    add_version,
)
from tests.letters import deliver_letters
from tests.proceedings.documents import make_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REVIEWER_PASSWORD = "Sarapshy-Kupiya-Soz-2026"


def test_a_double_blind_review_from_the_organisers_upload_to_the_decision(
    page: Page, browser: Browser, live_server, transactional_db
):
    call = CallFactory(event__slug="review-2026", review_mode=ReviewMode.DOUBLE_BLIND)
    event = call.event
    section = SectionFactory(event=event)
    author = factories.speaker("aliya", surname_kk="Есбулатова", language="kk")
    first = PaperFactory(event=event, section=section, speaker=author.person, status="submitted")
    AuthorFactory(paper=first, person=author.person, surname_kk="Есбулатова")
    add_version(first, make_docx(), kind="docx")
    emailed = PersonFactory(surname_kk="Кимова", email="kimova@example.kz")
    second = PaperFactory(event=event, section=section, speaker=emailed, status="submitted")
    AuthorFactory(paper=second, person=emailed, surname_kk="Кимова")
    reviewers = [
        PersonFactory(surname_kk=name, email=f"{slug}@example.kz", language="kk")
        for name, slug in (("Сарапшыұлы", "reviewer1"), ("Тексерушиева", "reviewer2"))
    ]
    factories.organiser("aigerim")
    desk_context = browser.new_context(locale="en-GB", base_url=live_server.url)
    desk = desk_context.new_page()
    try:
        # The organiser uploads the file the second author sent by e-mail.
        sign_in_to_admin(desk, "aigerim")
        desk.goto(f"/admin/proceedings/paper/{second.pk}/change/")
        desk.get_by_role("link", name="Upload a version").click()
        desk.locator("#id_file").set_input_files(
            {"name": "kimova.docx", "mimeType": DOCX_TYPE, "buffer": make_docx()}
        )
        desk.locator("#id_reason").fill("Sent by e-mail.")
        desk.locator('input[type="submit"][value="Upload"]').click()
        second.refresh_from_db()
        assert second.current_version is not None

        # Both papers go to two reviewers each.
        desk.goto("/admin/proceedings/paper/")
        for paper in (first, second):
            desk.locator(f'input[name="_selected_action"][value="{paper.pk}"]').check()
        desk.locator('select[name="action"]').select_option("spread_reviewers")
        desk.locator('button[name="index"]').click()
        desk.locator("#id_reviewers").select_option([str(r.pk) for r in reviewers])
        desk.locator('input[type="submit"][value="Assign"]').click()
        expect(desk.locator(".messagelist")).to_contain_text("4 reviewers assigned")

        # A reviewer sets a password from the letter and reviews without seeing the authors.
        deliver_letters()
        (letter,) = [m for m in mail.outbox if m.to == ["reviewer1@example.kz"]][:1]
        # The letters' links name the site (SITE_URL); the live server has its own port.
        password_link = re.search(r"https?://[^/]+(/\S+/accounts/invitation/\S+/)", letter.body)[1]
        reviewer_context = browser.new_context(locale="kk-KZ", base_url=live_server.url)
        reviewer = reviewer_context.new_page()
        try:
            reviewer.goto(password_link)
            reviewer.locator('input[name="new_password1"]').fill(REVIEWER_PASSWORD)
            reviewer.locator('input[name="new_password2"]').fill(REVIEWER_PASSWORD)
            reviewer.locator('button[type="submit"], input[type="submit"]').first.click()
            reviewer.goto("/kk/my/reviews/")
            reviewer.get_by_role("link", name=first.title_kk).click()
            expect(reviewer.locator(".review-blind")).to_be_visible()
            assert "Есбулатова" not in reviewer.content()
            for criterion in Review.CRITERIA:
                reviewer.locator(f'input[name="{criterion}"][value="4"]').check()
            reviewer.locator('input[name="recommendation"][value="accept"]').check()
            reviewer.locator('textarea[name="comments"]').fill("Тақырыбы өзекті.")
            reviewer.locator('button[name="submit"]').click()
            expect(reviewer.locator(".review-form .notice")).to_be_visible()
        finally:
            reviewer_context.close()

        # The organiser decides with the review in front of them.
        desk.goto(f"/admin/proceedings/paper/{first.pk}/change/")
        expect(desk.locator("body")).to_contain_text("Тақырыбы өзекті.")
        desk.locator("a.paper-decision-link", has_text="Accept").click()
        desk.locator('input[type="submit"][value="Accept"]').click()
        expect(desk.locator(".messagelist")).to_contain_text("Accepted")
    finally:
        desk_context.close()

    # The author sees the decision, and the letter passes the reviewer's comment on unnamed.
    page.goto("/kk/accounts/login/")
    page.locator("#id_username").fill(author.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator('button[type="submit"], input[type="submit"]').first.click()
    page.goto("/kk/my/papers/")
    expect(page.locator(".paper-status--accepted")).to_be_visible()
    assert Paper.objects.get(pk=first.pk).status == Paper.Status.ACCEPTED
    deliver_letters()
    (decision,) = [m for m in mail.outbox if m.to == [author.email]]
    assert "Тақырыбы өзекті." in decision.body and "Сарапшыұлы" not in decision.body
