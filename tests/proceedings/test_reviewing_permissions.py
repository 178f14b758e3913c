"""Who reaches the reviewers' pages: only the reviewer the organisers assigned, and under a
double-blind call not even they get the uploaded file. Nobody makes themselves a reviewer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from proceedings import reviewing
from proceedings.models import Application, Review, ReviewAssignment, ReviewMode
from tests.factories import (
    AuthorFactory,
    CallFactory,
    PaperFactory,
    RoundTableFactory,
    add_version,
    organiser,
    speaker,
    staff,
    superuser,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant",
    "speaker",
    "other_speaker",
    "reviewer",
    "other_reviewer",
    "organiser",
    "staff",
    "superuser",
]
TITLE = "Жол қауіпсіздігі және полиция"
SCORES = {"relevance": "4", "novelty": "4", "structure": "4", "references": "4", "language": "4"}


@pytest.fixture
def world():
    """A submitted paper with one assigned reviewer, and a person for every other role."""
    event = RoundTableFactory()
    call = CallFactory(event=event)
    author = speaker("serik")
    paper = PaperFactory(event=event, speaker=author.person, status="submitted", title_kk=TITLE)
    AuthorFactory(paper=paper)
    add_version(paper, name="Ахманов.pdf")
    chair = organiser("chair")
    assigned, unassigned = speaker("reviewer"), speaker("other-reviewer")
    assignment = reviewing.assign(paper, assigned.person, chair)
    # The other reviewer reviews another paper of the round table, not this one.
    reviewing.assign(PaperFactory(event=event, status="submitted"), unassigned.person, chair)
    return {
        "call": call,
        "paper": paper,
        "assignment": assignment,
        "users": {
            "anonymous": AnonymousUser(),
            "applicant": applicant(call),
            "speaker": author,
            "other_speaker": speaker("dana"),
            "reviewer": assigned,
            "other_reviewer": unassigned,
            "organiser": chair,
            "staff": staff("guest"),
            "superuser": superuser(username="root"),
        },
    }


def applicant(call):
    """An account made from a confirmed application with a paper of its own in the call."""
    user = speaker("aliya")
    paper = PaperFactory(event=call.event, speaker=user.person, status="submitted")
    Application.objects.create(
        call=call,
        organisation="Академия",
        position="оқытушы",
        city="Алматы",
        country="Қазақстан",
        phone="+77010000000",
        email=user.email,
        paper_language="kk",
        paper_title="Басқа мақала",
        consent_at=timezone.now(),
        confirmed_at=timezone.now(),
        person=user.person,
        paper=paper,
    )
    return user


def client_as(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def urls(assignment):
    return {
        "list": reverse("reviews:my_reviews"),
        "page": reverse("reviews:review", kwargs={"pk": assignment.pk}),
        "file": reverse("reviews:download", kwargs={"pk": assignment.pk}),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_review_list_shows_only_ones_own_assignments(client, world, role):
    response = client_as(client, world["users"][role]).get(urls(world["assignment"])["list"])

    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    assert (TITLE in response.text) == (role == "reviewer")


@pytest.mark.parametrize("role", ROLES)
def test_the_review_page_and_the_file_are_the_assigned_reviewers_only(client, world, role):
    client_as(client, world["users"][role])
    expected = {"anonymous": 302, "reviewer": 200}.get(role, 404)

    for name in ("page", "file"):
        response = client.get(urls(world["assignment"])[name])
        assert response.status_code == expected, name
        if expected == 404:
            assert TITLE not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_only_the_assigned_reviewer_submits_the_review(client, world, role):
    client_as(client, world["users"][role])

    response = client.post(
        urls(world["assignment"])["page"],
        {**SCORES, "recommendation": "accept", "comments": "Жақсы.", "submit": ""},
    )

    assert response.status_code == {"anonymous": 302, "reviewer": 302}.get(role, 404)
    assert Review.objects.filter(submitted_at__isnull=False).exists() == (role == "reviewer")


def test_a_double_blind_reviewer_is_refused_the_file_and_told_why(client, world):
    world["call"].review_mode = ReviewMode.DOUBLE_BLIND
    world["call"].save()
    client_as(client, world["users"]["reviewer"])

    response = client.get(urls(world["assignment"])["file"])

    assert response.status_code == 403
    assert "the uploaded file carries the authors" in response.text
    assert "Ахманов" not in response.text
    page = client.get(urls(world["assignment"])["page"]).text
    assert "This paper was uploaded as a PDF" in page
    assert "Ахманов" not in page


@pytest.mark.parametrize(
    "role", ["applicant", "speaker", "other_speaker", "reviewer", "other_reviewer", "staff"]
)
def test_no_role_but_the_organisers_makes_anyone_a_reviewer(client, world, role):
    user = world["users"][role]
    paper = world["paper"]
    before = ReviewAssignment.objects.count()

    with pytest.raises(PermissionDenied):
        reviewing.assign(paper, user.person if hasattr(user, "person") else None, user)
    change = client_as(client, user).post(
        reverse("admin:proceedings_paper_change", args=[paper.pk]),
        {"assignments-TOTAL_FORMS": "1", "assignments-0-reviewer": "1"},
    )

    assert change.status_code in (302, 403)
    assert ReviewAssignment.objects.count() == before


@pytest.mark.parametrize("name", ["paper", "preview", "preview_pdf"])
def test_the_speakers_own_pages_of_the_paper_stay_closed_to_its_reviewer(client, world, name):
    """They show the authors and every version: a reviewer reads the paper on the review page."""
    paper = world["paper"]
    client_as(client, world["users"]["reviewer"])

    response = client.get(reverse(f"proceedings:{name}", kwargs={"pk": paper.pk}))
    download = client.get(paper.current_version.get_download_url())

    assert response.status_code == 404
    assert download.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_an_originality_report_is_the_organisers_only(client, world, role):
    paper = world["paper"]
    check = paper.originality_checks.create(
        service="Antiplagiat",
        original_share=81,
        checked_at=timezone.localdate(),
        report=SimpleUploadedFile("report.pdf", b"%PDF-1.7 report"),
    )
    client_as(client, world["users"][role])

    response = client.get(
        reverse("admin:proceedings_paper_originality_report", args=[paper.pk, check.pk])
    )

    if role in ("organiser", "superuser"):
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
        assert "report" not in response.get("Content-Disposition", "")
