import subprocess
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from proceedings import review
from proceedings.models import Paper
from speakers import invitations, letters
from speakers.models import Invitation, Letter
from tests.factories import (
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    RoundTableFactory,
    organiser,
)
from tests.letters import MailServer, closed_port, deliver_letters
from tests.pages import change_url, text_of
from tests.processes import ROOT, WORKER, worker_environment

pytestmark = pytest.mark.django_db

LETTER = {
    "note_subject.txt": "{% load i18n %}{% get_current_language as code %}[{{ code }}] "
    "{{ event.theme }}\n",
    "note.txt": "{% load i18n %}{% autoescape off %}{% get_current_language as code %}"
    "{{ person.full_name }} <{{ code }}> {{ event.theme }} {% url 'login' %}{% endautoescape %}",
    "note.html": "{% load i18n %}{% get_current_language as code %}"
    '<p lang="{{ code }}">{{ event.theme }}</p>',
}


@pytest.fixture
def note(settings, tmp_path):
    """A letter `note` in a template directory of its own, with an HTML version."""
    folder = tmp_path / "speakers" / "letters"
    folder.mkdir(parents=True)
    for name, text in LETTER.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    return "note"


def event():
    return RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік", theme_ru="Общественная безопасность")


@pytest.mark.parametrize(
    ("language", "theme", "name"),
    [("kk", "Қоғамдық қауіпсіздік", "ҚОЙШЫБАЕВ"), ("ru", "Общественная безопасность", "КОЙШИБАЕВ")],
)
def test_a_letter_is_written_in_the_persons_language(note, language, theme, name):
    person = PersonFactory(email="asel@example.kz", language=language)
    letters.send_letter(person, note, {"event": event()})
    deliver_letters()
    [message] = mail.outbox
    assert message.subject == f"[{language}] {theme}"  # one line: the trailing newline goes
    assert name in message.body and theme in message.body
    assert f"/{language}/accounts/login/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'<p lang="{language}">{theme}</p>' == html
    assert translation.get_language() == "en"  # the caller's language is back


def test_a_letter_goes_to_the_person_from_the_site_address(note, settings):
    settings.DEFAULT_FROM_EMAIL = "Round tables <noreply@roundtable.example.kz>"
    person = PersonFactory(email="asel@example.kz")
    written = letters.send_letter(person, note, {"event": event()}, reply_to=["org@example.kz"])
    deliver_letters()
    [message] = mail.outbox
    assert message.subject == written.subject
    assert message.to == ["asel@example.kz"]
    assert message.from_email == "Round tables <noreply@roundtable.example.kz>"
    assert message.reply_to == ["org@example.kz"]


def test_the_html_version_is_optional():
    person = PersonFactory(email="asel@example.kz", language="ru")
    letters.send_letter(person, "invitation", letter_context())
    deliver_letters()
    assert mail.outbox[0].alternatives == []


def test_a_person_without_an_address_gets_no_letter():
    person = PersonFactory(email="")
    with pytest.raises(letters.NoAddress, match="has no e-mail address"):
        letters.send_letter(person, "invitation", letter_context())
    assert mail.outbox == []


def letter_context():
    return {
        "event": event(),
        "link": "https://example.kz/x/",
        "login_link": "https://example.kz/login/",
        "account_email": "asel@example.kz",
        "has_password": False,
        "valid_days": 14,
        "invited_by": None,
    }


def test_a_sent_letter_keeps_its_record_but_not_its_text():
    person = PersonFactory(email="asel@example.kz", language="ru")
    written = letters.send_letter(person, "invitation", letter_context())
    assert written.status == Letter.Status.QUEUED and "https://example.kz/x/" in written.body

    deliver_letters()

    written.refresh_from_db()
    assert (written.status, written.attempts, written.last_error) == (Letter.Status.SENT, 1, "")
    assert written.sent_at is not None
    assert written.body == "" and written.subject == mail.outbox[0].subject


def test_the_letters_list_shows_no_letters_text(client, mail_server_down):
    letters.send_letter(PersonFactory(email="asel@example.kz"), "invitation", letter_context())
    deliver_letters()
    client.force_login(organiser())

    listing = client.get("/admin/speakers/letter/?q=asel", headers={"accept-language": "en"})
    page = client.get(
        f"/admin/speakers/letter/{Letter.objects.get().pk}/change/",
        headers={"accept-language": "en"},
    )

    assert "asel@example.kz" in listing.text and "waiting to be sent" in listing.text
    assert "ConnectionRefusedError" in page.text
    for html in (listing.text, page.text):
        assert "https://example.kz/x/" not in html  # the link that sets the password


# --- Through the task backend and its worker, against real SMTP ----------------------------------


def worker(*options, mail_port, retry_delays):
    """`manage.py db_worker` in a process of its own, sending by SMTP to 127.0.0.1:`mail_port`."""
    done = subprocess.run(
        [*WORKER, *options],
        cwd=ROOT,
        env={
            **worker_environment(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail_port),
            "LETTER_RETRY_DELAYS": retry_delays,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_letter_the_mail_server_refuses_is_tried_again_later_and_then_goes():
    event = RoundTableFactory(theme_kk="Қоғамдық қауіпсіздік")
    person = PersonFactory(email="asel@example.kz", language="kk")
    ParticipationFactory(event=event, person=person)
    invitation = invitations.invite(person, event, None, "https://rt.example.kz")
    letter = Letter.objects.get()
    assert letter.about == invitation

    worker("--max-tasks", "1", mail_port=closed_port(), retry_delays="2,2")

    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (Letter.Status.QUEUED, 1)
    assert "ConnectionRefusedError" in letter.last_error
    [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [letter.pk]
    assert retry.run_after - retry.enqueued_at >= timedelta(seconds=1.9)  # later, not at once
    while not DBTaskResult.objects.ready().filter(pk=retry.pk).exists():  # as the worker waits
        time.sleep(0.2)

    with MailServer() as server:
        worker("--batch", mail_port=server.port, retry_delays="2,2")

    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (Letter.Status.SENT, 2)
    [received] = server.received
    assert received["To"] == "asel@example.kz"
    assert received["Subject"] == letter.subject and "Қоғамдық қауіпсіздік" in letter.subject
    assert "https://rt.example.kz/kk/accounts/invitation/" in received.get_body().get_content()
    assert Invitation.objects.get() == invitation


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_decision_letter_that_never_goes_is_shown_to_organisers_who_send_it_again(client):
    chair = organiser(username="chair")
    paper = PaperFactory(status=Paper.Status.SUBMITTED, speaker__language="ru")
    review.move(paper, Paper.Status.ACCEPTED, chair, "Хорошая статья.")

    worker("--batch", mail_port=closed_port(), retry_delays="0,0")

    letter = Letter.objects.get()
    assert (letter.about, letter.status, letter.attempts) == (paper, Letter.Status.FAILED, 3)
    paper.refresh_from_db()  # the decision stands
    assert paper.status == Paper.Status.ACCEPTED and paper.status_changes.count() == 1

    client.force_login(chair)
    english = {"accept-language": "en"}
    warning = f"The letter “{letter.subject}” to {paper.speaker.email} was not sent"
    assert warning in text_of(client.get(change_url(paper), headers=english).text)
    failed = client.get("/admin/speakers/letter/?status__exact=failed", headers=english)
    assert letter.subject in failed.text and "not sent" in failed.text

    client.post(
        "/admin/speakers/letter/",
        {"action": "send_again", "_selected_action": [letter.pk]},
        headers=english,
    )
    with MailServer() as server:
        worker("--batch", mail_port=server.port, retry_delays="0,0")

    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (Letter.Status.SENT, 1)
    [received] = server.received
    assert received["To"] == paper.speaker.email
    assert "Хорошая статья." in received.get_body().get_content()
    assert warning not in text_of(client.get(change_url(paper), headers=english).text)
