"""Building the proceedings in the browser: the organiser presses Build proceedings, a real
database worker takes the build up, and the page follows it to the end without a reload, then
offers the book."""

import subprocess

import pytest
from playwright.sync_api import Browser, expect

from proceedings.models import BookBuild
from tests.factories import PASSWORD, organiser, tiny_proceedings
from tests.pages import change_url
from tests.processes import ROOT, WORKER, stop, worker_environment


@pytest.fixture
def worker(transactional_db):
    process = subprocess.Popen(
        WORKER,
        cwd=ROOT,
        env=worker_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its typesetting processes go with it.
        start_new_session=True,
    )
    yield process
    stop(process)


def test_the_admin_follows_a_build_to_the_end_and_offers_the_book(
    browser: Browser, live_server, worker
):
    proceedings = tiny_proceedings(papers=2)
    organiser(username="chair")
    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/admin/login/?next={change_url(proceedings)}")
        page.get_by_label("Username").fill("chair")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        panel = page.locator("#book-build")
        expect(panel).to_contain_text("The book has not been built yet.")

        page.get_by_role("button", name="Build proceedings").click()
        expect(panel.locator("[data-build=status]")).to_have_text("Queued")
        page.wait_for_load_state("load")  # the page after the button's redirect
        reloads = []
        page.on("load", lambda _page: reloads.append(True))

        # The worker takes it up; the page polls and shows the end, with no reload.
        expect(panel.locator("[data-build=status]")).to_have_text("Succeeded", timeout=60_000)
        assert not reloads
        expect(panel.locator("[data-build=progress]")).to_have_attribute("value", "100")
        build = BookBuild.objects.get(proceedings=proceedings)
        expect(panel.locator("[data-build=pages]")).to_have_text(str(build.page_count))
        expect(page.get_by_role("button", name="Build proceedings")).to_be_enabled()
        with page.expect_download() as download:
            panel.locator("[data-build=book-link]").click()
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as book:
            assert book.read(5) == b"%PDF-"
    finally:
        context.close()
