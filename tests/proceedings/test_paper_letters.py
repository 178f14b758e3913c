"""Letters about papers: the organisers learn of submissions and new versions, speakers see the
deadline coming and are reminded of it once."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from proceedings import review, submission
from proceedings.models import Paper
from speakers.models import Letter
from tests.factories import PaperFactory, PersonFactory, add_version, organiser, speaker, staff
from tests.letters import deliver_letters

Status = Paper.Status

# Letters are written once the move commits: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def paper_of(user, **kwargs):
    paper = PaperFactory(speaker=user.person, title_kk="Полиция және қоғам", **kwargs)
    add_version(paper, user=user)
    return paper


def new_file(name="second.pdf"):
    """A real PDF, as a speaker uploads it."""
    data = HTML(string="<h1>Полиция және қоғам</h1><p>Мақаланың мәтіні.</p>").write_pdf()
    return SimpleUploadedFile(name, data, "application/pdf")


@pytest.fixture
def organisers():
    """Two organisers who get the letters, one in Russian (their person's language) and one in
    the site's Kazakh (an account with no person); an organiser without e-mail and staff outside
    the group get none. Returns the two addresses."""
    russian = organiser("marat", email="marat@example.kz")
    PersonFactory(user=russian, email=russian.email, language="ru")
    organiser("aigerim", email="aigerim@example.kz")
    organiser("nomail", email="")
    staff("guest", email="guest@example.kz")
    return ["aigerim@example.kz", "marat@example.kz"]


def letters_to(address):
    return [letter for letter in mail.outbox if letter.to == [address]]


def test_every_organiser_gets_one_letter_of_a_submission_in_their_language(organisers, settings):
    settings.SITE_URL = "https://papers.example.kz"
    author = speaker("serik", surname_kk="Ахметов", surname_ru="Ахметов")
    paper = paper_of(author)

    review.move(paper, Status.SUBMITTED, author)
    deliver_letters()

    assert sorted(letter.to[0] for letter in mail.outbox) == organisers
    [russian] = letters_to("marat@example.kz")
    assert russian.subject == "Статья подана на рассмотрение: Полиция және қоғам"
    assert "Ахметов" in russian.body
    assert "Статус: Отправлена на рассмотрение" in russian.body
    assert f"https://papers.example.kz/admin/proceedings/paper/{paper.pk}/change/" in russian.body
    [kazakh] = letters_to("aigerim@example.kz")
    assert kazakh.subject.startswith("Мақала қарауға жіберілді: ")


def test_a_paper_submitted_again_after_a_revision_request_is_told_again(organisers):
    author = speaker("serik")
    paper = paper_of(author, status=Status.REVISION)

    review.move(paper, Status.SUBMITTED, author)
    deliver_letters()

    [russian] = letters_to("marat@example.kz")
    assert "исправил статью" in russian.body
    assert Letter.objects.filter(kind=Letter.Kind.PAPER_SUBMITTED).count() == 2


def test_a_new_version_of_a_paper_under_review_is_told(organisers):
    author = speaker("serik")
    paper = paper_of(author, status=Status.SUBMITTED)

    submission.add_version(paper, new_file(), author)
    deliver_letters()

    [russian] = letters_to("marat@example.kz")
    assert russian.subject == "Новая версия статьи: Полиция және қоғам"
    assert "Версия: 2 (second.pdf)" in russian.body
    assert len(mail.outbox) == 2


def test_a_draft_given_a_new_version_or_a_decision_tells_no_organiser(organisers):
    author = speaker("serik")
    paper = paper_of(author)

    submission.add_version(paper, new_file(), author)
    review.move(paper, Status.SUBMITTED, author)
    review.move(paper, Status.ACCEPTED, organiser("chair", email="chair@example.kz"))
    deliver_letters()

    assert Letter.objects.filter(kind=Letter.Kind.PAPER_REVISED).count() == 0
    assert Letter.objects.filter(kind=Letter.Kind.PAPER_SUBMITTED).count() == 2


def test_a_failing_mail_server_leaves_the_submission_done_and_the_letter_queued(
    organisers, mail_server_down
):
    author = speaker("serik")
    paper = paper_of(author)

    review.move(paper, Status.SUBMITTED, author)
    deliver_letters()

    paper.refresh_from_db()
    assert paper.status == Status.SUBMITTED
    letters = Letter.objects.filter(kind=Letter.Kind.PAPER_SUBMITTED)
    assert {letter.status for letter in letters} == {Letter.Status.QUEUED}
    assert [letter.attempts for letter in letters] == [1, 1]
    assert all("Connection refused" in letter.last_error for letter in letters)
    assert mail.outbox == []
