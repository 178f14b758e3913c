import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from proceedings import review
from proceedings.models import Paper, PaperVersion
from tests.factories import PersonFactory, RoundTableFactory, UserFactory, organiser
from tests.letters import deliver_letters

pytestmark = pytest.mark.django_db

Status = Paper.Status


@pytest.fixture
def chair():
    return organiser(username="chair")


@pytest.fixture
def speaker():
    return UserFactory(username="speaker", email="speaker@example.kz")


def paper_of(user, *, uploaded=True, language="kk", **kwargs):
    person = PersonFactory(user=user, email=user.email if user else "", language=language)
    paper = Paper.objects.create(
        event=RoundTableFactory(),
        speaker=person,
        language=language,
        title_kk="Полиция және қоғам: серіктестік",
        title_ru="Полиция и общество: партнёрство",
        **kwargs,
    )
    if uploaded:
        version = PaperVersion(
            paper=paper,
            number=1,
            original_name="paper.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            uploaded_by=user,
        )
        version.file.save("papers/test.pdf", ContentFile(b"%PDF-1.7"), save=False)
        version.save()
        paper.current_version = version
        paper.save()
    return paper


def history(paper):
    return [
        (change.from_status, change.to_status, change.changed_by, change.comment)
        for change in paper.status_changes.all()
    ]


def test_a_paper_goes_from_draft_through_submission_to_acceptance(speaker, chair):
    paper = paper_of(speaker)

    review.move(paper, Status.SUBMITTED, speaker)
    review.move(paper, Status.ACCEPTED, chair, "Хорошая статья.")

    paper.refresh_from_db()
    assert paper.status == Status.ACCEPTED
    assert history(paper) == [
        ("draft", "submitted", speaker, ""),
        ("submitted", "accepted", chair, "Хорошая статья."),
    ]


def test_a_revision_goes_back_to_the_speaker_and_returns_for_review(speaker, chair):
    paper = paper_of(speaker, status=Status.SUBMITTED)

    review.move(paper, Status.REVISION, chair, "Add the references.")
    review.move(paper, Status.SUBMITTED, speaker)
    review.move(paper, Status.ACCEPTED, chair)

    assert [to for _from, to, _by, _comment in history(paper)] == [
        "revision",
        "submitted",
        "accepted",
    ]


@pytest.mark.parametrize(
    "start, to",
    [
        (Status.DRAFT, Status.ACCEPTED),
        (Status.DRAFT, Status.REJECTED),
        (Status.ACCEPTED, Status.REJECTED),
        (Status.WITHDRAWN, Status.SUBMITTED),
        (Status.REJECTED, Status.ACCEPTED),
    ],
)
def test_moves_outside_the_state_machine_are_refused_and_leave_no_trace(chair, start, to):
    paper = paper_of(UserFactory(), status=start)

    with pytest.raises(ValidationError, match="A paper cannot go from"):
        review.move(paper, to, chair, "comment")

    paper.refresh_from_db()
    assert paper.status == start
    assert not paper.status_changes.exists()


def test_only_organisers_decide(speaker):
    paper = paper_of(speaker, status=Status.SUBMITTED)

    with pytest.raises(PermissionDenied):
        review.move(paper, Status.ACCEPTED, speaker)


@pytest.mark.parametrize("who", ["another speaker", "anonymous", "organiser"])
def test_only_the_speaker_submits_and_withdraws(speaker, chair, who):
    user = {"another speaker": UserFactory(), "anonymous": AnonymousUser(), "organiser": chair}
    paper = paper_of(speaker)

    with pytest.raises(PermissionDenied):
        review.move(paper, Status.SUBMITTED, user[who])
    with pytest.raises(PermissionDenied):
        review.move(paper, Status.WITHDRAWN, user[who])


def test_a_paper_is_submitted_only_with_a_file(speaker):
    paper = paper_of(speaker, uploaded=False)

    with pytest.raises(ValidationError, match="Upload the paper before submitting it"):
        review.move(paper, Status.SUBMITTED, speaker)
    assert review.allowed_moves(speaker, paper) == [Status.WITHDRAWN]


@pytest.mark.parametrize("to", [Status.REVISION, Status.REJECTED])
def test_asking_for_a_revision_or_rejecting_needs_a_comment(speaker, chair, to):
    paper = paper_of(speaker, status=Status.SUBMITTED)

    with pytest.raises(ValidationError, match="Say what the speaker should change"):
        review.move(paper, to, chair, "   ")
    paper.refresh_from_db()
    assert paper.status == Status.SUBMITTED


def test_allowed_moves_for_each_role(speaker, chair):
    paper = paper_of(speaker, status=Status.SUBMITTED)

    assert review.allowed_moves(speaker, paper) == [Status.WITHDRAWN]
    assert review.allowed_moves(chair, paper) == [Status.REVISION, Status.ACCEPTED, Status.REJECTED]
    assert review.allowed_moves(UserFactory(), paper) == []


def test_a_revision_reopens_uploads_and_a_decision_closes_them(speaker, chair):
    paper = paper_of(speaker, status=Status.SUBMITTED)

    review.move(paper, Status.REVISION, chair, "Shorten the abstract.")
    paper.refresh_from_db()
    assert paper.uploads_reopened

    review.move(paper, Status.SUBMITTED, speaker)
    paper.refresh_from_db()
    assert paper.uploads_reopened

    review.move(paper, Status.ACCEPTED, chair)
    paper.refresh_from_db()
    assert not paper.uploads_reopened


def test_organisers_reopen_uploads_of_an_open_paper_only(speaker, chair):
    paper = paper_of(speaker, status=Status.SUBMITTED)
    review.reopen_uploads(paper, chair)
    paper.refresh_from_db()
    assert paper.uploads_reopened

    with pytest.raises(PermissionDenied):
        review.reopen_uploads(paper, speaker)
    accepted = paper_of(UserFactory(), status=Status.ACCEPTED)
    with pytest.raises(ValidationError):
        review.reopen_uploads(accepted, chair)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "language, theme", [("kk", "Полиция және қоғам"), ("ru", "Полиция и общество")]
)
def test_a_decision_is_mailed_to_the_speaker_in_the_speakers_language(language, theme):
    chair = organiser(username="chair")
    speaker = UserFactory(username="speaker", email="speaker@example.kz")
    paper = paper_of(speaker, status=Status.SUBMITTED, language=language)

    review.move(paper, Status.REVISION, chair, "Добавьте список литературы.")
    deliver_letters()

    [letter] = mail.outbox
    assert letter.to == ["speaker@example.kz"]
    assert theme in letter.body
    assert "Добавьте список литературы." in letter.body
    assert f"/{language}/my/papers/{paper.pk}/" in letter.body


@pytest.mark.django_db(transaction=True)
def test_submitting_sends_no_letter():
    speaker = UserFactory(username="speaker", email="speaker@example.kz")
    paper = paper_of(speaker)

    review.move(paper, Status.SUBMITTED, speaker)

    assert mail.outbox == []


def test_an_organiser_submits_on_the_speakers_behalf_and_is_named_in_the_history(speaker, chair):
    paper = paper_of(speaker)

    review.move(paper, Status.SUBMITTED, chair, "Received by e-mail.", for_speaker=True)

    assert history(paper) == [("draft", "submitted", chair, "Received by e-mail.")]
    with pytest.raises(PermissionDenied):
        review.move(paper, Status.WITHDRAWN, UserFactory(), for_speaker=True)
