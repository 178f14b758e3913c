"""A paper from invitation to acceptance in the browser.

The organiser invites a speaker from the admin's People list; the speaker opens the link of the
letter, sets a password and lands on "My papers", starts the paper of their talk, uploads a DOCX
(chosen in the file field, then a second version dropped on the form, both sent by the
progress-bar uploader; then a third with an abstract typed beside it, one Save keeping both),
reads the Kazakh text in the preview and submits the paper; the organiser accepts it from the
paper's page in the admin; the speaker sees it accepted.
"""

import base64
import re

from django.core import mail
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from proceedings.models import Paper
from tests import factories
from tests.e2e.admin import sign_in_to_admin
from tests.factories import ParticipationFactory, PersonFactory, RoundTableFactory
from tests.letters import deliver_letters
from tests.proceedings import view_factories as make
from tests.proceedings.documents import KAZAKH_LETTERS, make_docx

SLUG = "public-safety-2025"
TALK_TITLE = "Құқық қорғау органдары мен қоғамның серіктестігі"
KAZAKH_SENTENCE = "Қоғамдық қауіпсіздік — мемлекеттің негізгі міндеттерінің бірі."
NEW_PASSWORD = "Zhana-Kupiya-Soz-2025"
ABSTRACT = "Мақалада полиция мен қоғамның серіктестігінің жаңа түрлері қарастырылады."
DOCX_TYPE = make.DOCX_TYPE

# Counts the upload progress events of every XMLHttpRequest, across page loads of the tab.
WATCH_PROGRESS = """
const send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.send = function (body) {
  this.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) {
      sessionStorage.setItem("uploaded", String(Math.round((event.loaded * 100) / event.total)));
    }
  });
  return send.call(this, body);
};
"""

DROP_FILE = """([data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  return transfer;
}"""


def status_label(status, language="kk"):
    with translation.override(language):
        return str(Paper.Status(status).label)


def test_a_paper_from_invitation_to_acceptance(
    page: Page, browser: Browser, live_server, transactional_db
):
    event = RoundTableFactory(slug=SLUG)
    person = PersonFactory(email="serik@example.kz", language="kk")
    ParticipationFactory(event=event, person=person)
    talk = make.talk_of(person, event, title_kk=TALK_TITLE)
    factories.organiser("aigerim")
    mail.outbox.clear()

    # The organiser invites the speaker from the People list of the admin (in English).
    desk_context = browser.new_context(locale="en-GB", base_url=live_server.url)
    desk = desk_context.new_page()
    try:
        sign_in_to_admin(desk, "aigerim")
        desk.goto("/admin/speakers/person/")
        desk.locator(f'input[name="_selected_action"][value="{person.pk}"]').check()
        desk.locator('select[name="action"]').select_option("invite")
        desk.locator('button[name="index"]').click()
        expect(desk.locator(".messagelist")).to_contain_text("invited")
        deliver_letters()  # what the task worker does beside the server
        [letter] = mail.outbox
        link = re.search(r"https?://\S+/accounts/invitation/\S+/", letter.body).group(0)
        assert link.startswith(f"{live_server.url}/kk/")

        # The speaker opens the link, sets a password and lands on "My papers".
        page.goto(link)
        page.locator('input[name="new_password1"]').fill(NEW_PASSWORD)
        page.locator('input[name="new_password2"]').fill(NEW_PASSWORD)
        page.locator('main button[type="submit"]').click()
        expect(page).to_have_url(f"{live_server.url}/kk/my/papers/")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        card = page.locator(f"#talk-{talk.pk}")
        expect(card).to_contain_text(TALK_TITLE)

        # They start the paper of their talk: its page opens, titled as the talk.
        card.locator("form.start-form button").click()
        paper = Paper.objects.get()
        expect(page).to_have_url(f"{live_server.url}/kk/my/papers/{paper.pk}/")
        expect(page.locator("h1")).to_have_text(TALK_TITLE)
        expect(page.locator("#paper-status")).to_have_text(status_label("draft"))
        expect(page.locator('input[name="authors-0-surname_kk"]')).to_have_value(person.surname_kk)

        # A DOCX chosen in the file field goes up through the progress-bar uploader.
        page.add_init_script(WATCH_PROGRESS)
        page.reload()
        page.locator("#paper-file").set_input_files(
            files=[{"name": "Мақала.docx", "mimeType": DOCX_TYPE, "buffer": make_docx()}]
        )
        with page.expect_response(re.compile(rf"/my/papers/{paper.pk}/$")) as sent:
            page.locator(".upload-form button[type=submit]").click()
        assert sent.value.request.headers["accept"] == "application/json"
        assert sent.value.status == 200
        assert sent.value.headers["content-type"] == "application/json"
        expect(page.locator("#version-1")).to_contain_text("Мақала.docx")
        expect(page.locator(".message--success")).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('uploaded')") == "100"

        # A second version dropped on the form replaces it; the first stays listed.
        page.evaluate("sessionStorage.removeItem('uploaded')")
        zone = page.locator(".drop-zone")
        expect(zone).to_be_visible()
        data = base64.b64encode(make_docx(title="Екінші нұсқа")).decode()
        transfer = page.evaluate_handle(DROP_FILE, [data, "Мақала-2.docx", DOCX_TYPE])
        zone.dispatch_event("drop", {"dataTransfer": transfer})
        expect(zone).to_contain_text("Мақала-2.docx")  # chosen, not yet sent
        with page.expect_response(re.compile(rf"/my/papers/{paper.pk}/$")):
            page.locator(".upload-form button[type=submit]").click()
        expect(page.locator("#version-2.version--current")).to_contain_text("Мақала-2.docx")
        expect(page.locator("#version-1")).to_be_visible()
        assert page.evaluate("sessionStorage.getItem('uploaded')") == "100"

        # A refused file is explained in place, and the page stays as it was.
        page.locator("#paper-file").set_input_files(
            files=[{"name": "virus.docx", "mimeType": DOCX_TYPE, "buffer": b"MZ" + b"\0" * 300}]
        )
        page.locator(".upload-form button[type=submit]").click()
        expect(page.locator(".upload-error")).to_contain_text(".docx")
        expect(page.locator("tr.version")).to_have_count(2)

        # An abstract typed, a file chosen, one Save: both are kept.
        page.locator("#id_abstract_kk").fill(ABSTRACT)
        page.locator("#paper-file").set_input_files(
            files=[
                {
                    "name": "Мақала-3.docx",
                    "mimeType": DOCX_TYPE,
                    "buffer": make_docx(title="Екінші нұсқа"),
                }
            ]
        )
        with page.expect_response(re.compile(rf"/my/papers/{paper.pk}/$")):
            page.locator(".upload-form button[type=submit]").click()
        expect(page.locator("#version-3.version--current")).to_contain_text("Мақала-3.docx")
        expect(page.locator("#id_abstract_kk")).to_have_value(ABSTRACT)

        # The preview shows the Kazakh text as the book will print it.
        page.locator(f'a[href="/kk/my/papers/{paper.pk}/preview/"]').click()
        article = page.locator('article.paper[lang="kk"]')
        expect(article.locator(".paper-title")).to_have_text(TALK_TITLE)
        expect(article.locator(".paper-body")).to_contain_text(KAZAKH_SENTENCE)
        expect(article.locator(".paper-body")).to_contain_text(KAZAKH_LETTERS)
        expect(article.locator(".paper-body h3")).to_have_text("Екінші нұсқа")

        # Back on the paper's page, the speaker submits it.
        page.goto(f"/kk/my/papers/{paper.pk}/")
        page.locator('form.move-form:has(input[value="submitted"]) button').click()
        expect(page.locator("#paper-status")).to_have_text(status_label("submitted"))

        # The organiser accepts it from the paper's page in the admin.
        desk.goto(f"/admin/proceedings/paper/{paper.pk}/change/")
        desk.locator("a.paper-decision-link", has_text="Accept").click()
        desk.locator("textarea[name=comment]").fill("Мақала жинаққа қабылданды.")
        desk.locator('input[type="submit"][value="Accept"]').click()
        expect(desk.locator(".messagelist")).to_contain_text("Accepted")
    finally:
        desk_context.close()

    # The speaker sees the decision and its comment, and the paper no longer changes.
    page.reload()
    expect(page.locator("#paper-status")).to_have_text(status_label("accepted"))
    expect(page.locator(".paper-history")).to_contain_text("Мақала жинаққа қабылданды.")
    expect(page.locator("#id_title_kk")).to_be_disabled()
    expect(page.locator("#paper-file")).to_have_count(0)
    page.goto("/kk/my/papers/")
    expect(page.locator(".paper-status--accepted")).to_have_text(status_label("accepted"))
    # The organiser was told of the submission, and the decision letter went out in Kazakh.
    deliver_letters()
    assert sorted(message.to for message in mail.outbox[-2:]) == [
        ["aigerim@example.org"],
        ["serik@example.kz"],
    ]
