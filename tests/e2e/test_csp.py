"""The Content-Security-Policy in a real browser: the public pages, a speaker's paper page (its
upload script at work), the admin pages of a paper and of the proceedings (the build panel, the
translation tabs) and the API's Swagger page run under the policy with no violation and no script
error."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from proceedings.models import Proceedings
from roundtable.models import RoundTable
from speakers.models import Participation
from tests import factories
from tests.factories import ProceedingsFactory
from tests.pages import change_url
from tests.proceedings import view_factories as make

# Reported by the page itself, so a violation of any kind (script, style, image, frame) shows up
# in the console even when the browser's own message changes wording.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ` +
                `${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(browser: Browser):
    """Opens pages whose CSP violations, console errors and failed requests are collected."""
    contexts = []

    def open_page(base_url, locale="kk-KZ"):
        context = browser.new_context(locale=locale, base_url=base_url)
        contexts.append(context)
        return watch(context)

    yield open_page
    for context in contexts:
        context.close()


def watch(context):
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.problems = []

    def console(message):
        # A missing resource is reported below, by its address.
        if message.text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            page.problems.append(f"{page.url}: {message.text}")

    def response(answer):
        # Browsers ask for /favicon.ico on their own; 429 is the refusal the test asks for.
        if answer.status >= 400 and answer.status != 429 and "favicon" not in answer.url:
            page.problems.append(f"{answer.url}: {answer.status}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: page.problems.append(f"{page.url}: {error}"))
    return page


def pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": make.pdf_bytes()}


def visit(page: Page, path):
    response = page.goto(path)
    assert response.status == 200, path
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    page.wait_for_load_state("networkidle")


@pytest.fixture
def site(demo_site):
    """The demo round table with a speaker's uploaded paper and the proceedings."""
    event = RoundTable.objects.get(slug="public-safety-2025")
    serik = factories.speaker("serik")
    paper = make.paper_of(serik, event, make.talk_of(serik, event))
    make.upload(paper, serik)
    proceedings = Proceedings.objects.filter(event=event).first() or ProceedingsFactory(event=event)
    factories.organiser("chair")
    return {"event": event, "paper": paper, "proceedings": proceedings, "url": demo_site}


def test_the_pages_run_under_the_policy_without_violations(watched, site):
    slug = site["event"].slug
    visitor = watched(site["url"])
    speaker_page = Participation.objects.filter(event=site["event"], is_speaker=True).first()
    with translation.override("kk"):
        speaker_page = speaker_page.get_absolute_url()
    public = ["/kk/", f"/kk/{slug}/", f"/en/{slug}/speakers/", speaker_page]
    for path in [*public, f"/ru/{slug}/resolution/", "/api/docs/"]:
        visit(visitor, path)
    expect(visitor.locator(".swagger-ui .info")).to_be_visible()  # its inline start-up ran

    speaker = watched(site["url"])
    paper = site["paper"]
    speaker.goto(f"/en/accounts/login/?next=/en/my/papers/{paper.pk}/")
    speaker.get_by_label("E-mail").fill("serik@example.kz")
    speaker.get_by_label("Password").fill(factories.PASSWORD)
    speaker.get_by_role("button", name="Sign in").click()
    visit(speaker, f"/kk/my/papers/{paper.pk}/")
    expect(speaker.locator(".drop-zone")).to_be_visible()  # upload.js took the form over
    # One upload an hour: the first goes up, the second is refused with the server's message.
    with override_settings(UPLOAD_RATE_LIMIT="1/h"):
        for number in (2, 3):
            speaker.locator("#paper-file").set_input_files(files=[pdf(f"paper-{number}.pdf")])
            with speaker.expect_response(re.compile(rf"/my/papers/{paper.pk}/$")) as sent:
                speaker.locator(".upload-form button[type=submit]").click()
            if number == 2:
                assert sent.value.status == 200
                expect(speaker.locator("#version-2")).to_contain_text("paper-2.pdf")
    assert sent.value.status == 429
    # In the page's language: "Try again in N minutes." in Kazakh.
    expect(speaker.locator(".upload-error")).to_contain_text(
        re.compile(r"\d+ минуттан кейін қайталап көріңіз\.")
    )
    assert paper.versions.count() == 2

    desk = watched(site["url"], locale="en-GB")
    desk.goto("/admin/login/?next=/admin/")
    desk.get_by_label("Username").fill("chair")
    desk.get_by_label("Password").fill(factories.PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    for obj in (paper, site["proceedings"]):
        visit(desk, change_url(obj))
        # modeltranslation's tabs (jQuery UI, under the nonce) were drawn.
        expect(desk.locator(".ui-tabs").first).to_be_visible()
    expect(desk.locator("#book-build")).to_be_visible()
    event = site["event"]
    visit(desk, reverse("admin:roundtable_roundtable_timeline", args=[event.pk]))
    expect(desk.locator(".timeline-item").first).to_be_visible()  # timeline.js drew the day
    visit(desk, "/admin/proceedings/paper/")  # the list, with its status badges and filters

    for page in (visitor, speaker, desk):
        assert page.problems == [], "\n".join(page.problems)
