"""Letters about papers: the organisers learn of submissions and new versions, speakers see the
deadline coming and are reminded of it once."""

import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML

from proceedings import reminders, review, reviewing, submission
from proceedings.models import Paper, Review
from speakers.models import Letter
from tests.factories import (
    PaperFactory,
    PersonFactory,
    RoundTableFactory,
    add_version,
    organiser,
    speaker,
    staff,
)
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


def test_a_submission_an_organiser_makes_for_the_speaker_tells_no_organiser(organisers):
    paper = paper_of(speaker("serik"))

    review.move(paper, Status.SUBMITTED, organiser("chair"), "By e-mail.", for_speaker=True)

    assert not Letter.objects.filter(kind=Letter.Kind.PAPER_SUBMITTED).exists()


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


# --- The deadline on the author's pages ------------------------------------------------------

DEADLINE = timezone.make_aware(datetime(2025, 6, 15, 18, 0))


@pytest.mark.parametrize(
    "language, left, expected",
    [
        ("en", timedelta(days=3, hours=5), "3 days left"),
        ("en", timedelta(days=1, hours=2), "1 day left"),
        ("en", timedelta(hours=5, minutes=59), "5 hours left"),
        ("en", timedelta(minutes=20), "less than an hour left"),
        ("ru", timedelta(days=1), "остался 1 день"),
        ("ru", timedelta(days=3), "осталось 3 дня"),
        ("ru", timedelta(days=5), "осталось 5 дней"),
        ("ru", timedelta(days=21), "остался 21 день"),
        ("ru", timedelta(hours=2), "осталось 2 часа"),
        ("kk", timedelta(days=3), "3 күн қалды"),
        ("kk", timedelta(hours=1), "1 сағат қалды"),
        ("kk", timedelta(0), "мерзімі өтті"),
        ("ru", -timedelta(days=2), "срок истёк"),
        ("en", -timedelta(seconds=1), "the deadline has passed"),
    ],
)
def test_the_time_left_reads_right_in_each_language(language, left, expected):
    with translation.override(language):
        assert submission.time_left(DEADLINE, now=DEADLINE - left) == expected


def test_my_papers_and_the_paper_page_show_the_deadline_with_its_time_zone_and_days_left(client):
    author = speaker("serik")
    paper = paper_of(author)
    paper.event.papers_deadline = timezone.now() + timedelta(days=3, hours=2)
    paper.event.save()
    client.force_login(author)

    for page in ("/ru/my/papers/", f"/ru/my/papers/{paper.pk}/"):
        html = client.get(page).text
        assert "(Asia/Almaty)" in html
        assert '<strong class="paper-deadline-left">осталось 3 дня</strong>' in html
    kazakh = client.get(f"/kk/my/papers/{paper.pk}/").text
    assert '<strong class="paper-deadline-left">3 күн қалды</strong>' in kazakh


def test_the_paper_page_says_when_the_deadline_has_passed(client):
    author = speaker("serik")
    paper = paper_of(author)
    paper.event.papers_deadline = timezone.now() - timedelta(hours=1)
    paper.event.save()
    client.force_login(author)

    html = client.get(reverse("proceedings:paper", args=[paper.pk])).text

    assert '<strong class="paper-deadline-left">the deadline has passed</strong>' in html
    assert 'class="paper-reopened"' not in html

    review.move(paper, Status.SUBMITTED, author)
    review.move(paper, Status.REVISION, organiser("chair"), "Add the references.")
    html = client.get(f"/ru/my/papers/{paper.pk}/").text

    assert (
        '<strong class="paper-deadline-left">срок истёк</strong> · <span class="paper-reopened">'
        "организаторы снова открыли для вас загрузку этой статьи</span>" in html
    )


# --- Reminders before the deadline -----------------------------------------------------------


def paper_due(event, status=Status.DRAFT, language="kk", **speaker_fields):
    person = PersonFactory(
        email=f"{status}-{language}@example.kz", language=language, **speaker_fields
    )
    return PaperFactory(event=event, speaker=person, status=status, title_kk="Полиция және қоғам")


def test_a_reminder_goes_once_in_the_speakers_language_to_papers_not_yet_submitted():
    event = RoundTableFactory(papers_deadline=DEADLINE)
    draft = paper_due(event, surname_kk="Ахметов", given_name_kk="Серік")
    revision = paper_due(event, Status.REVISION, language="ru")
    submitted = paper_due(event, Status.SUBMITTED)
    later = paper_due(RoundTableFactory(papers_deadline=DEADLINE + timedelta(days=10)))
    silent = PaperFactory(event=event, speaker=PersonFactory(email=""), status=Status.DRAFT)

    first = reminders.remind(now=DEADLINE - timedelta(days=2))
    again = reminders.remind(now=DEADLINE - timedelta(days=1))
    deliver_letters()

    assert sorted(letter.to for letter in first) == [
        "draft-kk@example.kz",
        "revision-ru@example.kz",
    ]
    assert again == []
    assert len(mail.outbox) == 2
    [kazakh] = [letter for letter in mail.outbox if letter.to == ["draft-kk@example.kz"]]
    assert kazakh.subject == "Мақалаларды қабылдау мерзімі жақындап қалды: Полиция және қоғам"
    assert "«Полиция және қоғам» мақалаңыз әлі қарауға жіберілмеген" in kazakh.body
    assert "(Asia/Almaty)" in kazakh.body
    assert f"/kk/my/papers/{draft.pk}/" in kazakh.body
    [russian] = [letter for letter in mail.outbox if letter.to == ["revision-ru@example.kz"]]
    assert "ещё не отправлена на рассмотрение" in russian.body
    assert f"/ru/my/papers/{revision.pk}/" in russian.body
    untold = {submitted.pk, later.pk, silent.pk}
    assert not Letter.objects.filter(about_id__in=[str(pk) for pk in untold]).exists()


def test_no_reminder_before_its_days_nor_after_the_deadline(settings):
    settings.PAPER_REMINDER_DAYS = 3
    paper_due(RoundTableFactory(papers_deadline=DEADLINE))

    assert reminders.remind(now=DEADLINE - timedelta(days=3, minutes=1)) == []
    assert reminders.remind(now=DEADLINE) == []
    assert reminders.remind(now=DEADLINE + timedelta(hours=1)) == []
    assert len(reminders.remind(now=DEADLINE - timedelta(days=3))) == 1


def test_a_moved_deadline_is_reminded_of_again():
    event = RoundTableFactory(papers_deadline=DEADLINE)
    paper_due(event)
    assert len(reminders.remind(now=DEADLINE - timedelta(days=1))) == 1

    event.papers_deadline = DEADLINE + timedelta(days=7)
    event.save()

    assert len(reminders.remind(now=DEADLINE + timedelta(days=5))) == 1
    assert reminders.remind(now=DEADLINE + timedelta(days=6)) == []


def test_the_command_writes_the_reminders_due_now():
    paper_due(RoundTableFactory(papers_deadline=timezone.now() + timedelta(days=2)))
    out = io.StringIO()

    call_command("remind_deadlines", stdout=out)
    call_command("remind_deadlines", stdout=out)

    assert out.getvalue() == "1 reminder written.\n0 reminders written.\n"


# --- Reminders of reviews due ------------------------------------------------------------------


def test_a_reviewer_is_reminded_once_of_a_review_due_and_not_of_one_submitted(settings):
    settings.PAPER_REMINDER_DAYS = 3
    chair = organiser("chair")
    due_on = DEADLINE.date()
    paper = PaperFactory(status=Status.SUBMITTED, title_kk="Полиция және қоғам")
    late = PersonFactory(email="late@example.kz", language="kk")
    done = PersonFactory(email="done@example.kz", language="ru")
    waiting = reviewing.assign(paper, late, chair, due_on)
    submitted = reviewing.assign(paper, done, chair, due_on)
    Review.objects.create(assignment=submitted, submitted_at=timezone.now())
    mail.outbox.clear()
    Letter.objects.all().delete()

    early = reminders.remind_reviewers(now=DEADLINE - timedelta(days=5))
    first = reminders.remind_reviewers(now=DEADLINE - timedelta(days=2))
    again = reminders.remind_reviewers(now=DEADLINE - timedelta(days=1))
    past = reminders.remind_reviewers(now=DEADLINE + timedelta(days=1))
    deliver_letters()

    assert early == [] and again == [] and past == []
    assert [letter.to for letter in first] == ["late@example.kz"]
    (letter,) = mail.outbox
    assert "Полиция және қоғам" in letter.body
    assert f"/kk/my/reviews/{waiting.pk}/" in letter.body
