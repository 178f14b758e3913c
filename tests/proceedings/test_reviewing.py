import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from proceedings import review, reviewing
from proceedings.models import Paper, Review, ReviewAssignment, ReviewMode
from tests.factories import (
    AuthorFactory,
    CallFactory,
    PaperFactory,
    PersonFactory,
    RoundTableFactory,
    SectionFactory,
    add_version,
    organiser,
    speaker,
)
from tests.letters import deliver_letters
from tests.pages import admin_form_data, change_url, shown, text_of

pytestmark = pytest.mark.django_db

Status = Paper.Status
BODY = (
    "<p>Ахманов А.Т. Алматы академиясы ahmanov@example.kz</p>"
    "<p>Полиция және қоғам: серіктестік</p><h2>Кіріспе</h2><p>Мақала мәтіні.</p>"
)


@pytest.fixture
def chair(client):
    user = organiser(username="chair")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def reviewer(username, language="ru"):
    """A person with an account who reviews, writing in `language`."""
    user = speaker(username, language=language)
    return user.person


def paper_in(event, mode=ReviewMode.SINGLE_BLIND, **kwargs):
    """A submitted Kazakh paper by Ахманов (Алматы академиясы), converted from a DOCX."""
    if not hasattr(event, "call"):
        CallFactory(event=event, review_mode=mode)
    paper = PaperFactory(
        event=event, status=Status.SUBMITTED, title_kk="Полиция және қоғам: серіктестік", **kwargs
    )
    AuthorFactory(paper=paper, email="ahmanov@example.kz")
    add_version(paper, kind="docx", name="Ахманов-мақала.docx", html=BODY)
    return paper


def review_url(assignment, language="en"):
    with translation.override(language):
        return reverse("reviews:review", kwargs={"pk": assignment.pk})


def submitted_review(assignment, comments, **scores):
    return Review.objects.create(
        assignment=assignment,
        **dict.fromkeys(Review.CRITERIA, 4),
        recommendation=Review.Recommendation.MINOR,
        comments=comments,
        confidential_comments="Между нами: слабая статья.",
        submitted_at=datetime.datetime.now(datetime.UTC),
        **scores,
    )


# --- Assigning -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_organiser_assigns_a_reviewer_by_hand_who_gets_a_letter_with_links(chair, client):
    paper = paper_in(RoundTableFactory())
    newcomer = PersonFactory(email="newcomer@example.kz", language="ru")
    client.force_login(chair)
    page = client.get(change_url(paper))
    data = admin_form_data(page) | {
        "assignments-TOTAL_FORMS": "1",
        "assignments-0-reviewer": str(newcomer.pk),
        "assignments-0-due_on": "2026-12-20",
    }

    response = client.post(change_url(paper), data)

    assert response.status_code == 302, response.context["errors"]
    [assignment] = paper.assignments.all()
    assert assignment.reviewer == newcomer
    assert assignment.assigned_by == chair
    deliver_letters()
    [letter] = mail.outbox
    assert letter.to == ["newcomer@example.kz"]
    assert "Полиция және қоғам: серіктестік" in letter.body
    assert f"/ru/my/reviews/{assignment.pk}/" in letter.body
    assert "/ru/accounts/" in letter.body  # the link that sets the new account's password
    assert "Срок рецензии: 20 декабря 2026 г." in letter.body


def test_nobody_is_assigned_their_own_paper_nor_a_co_authors(chair, client):
    paper = paper_in(RoundTableFactory())
    coauthor = reviewer("coauthor")
    AuthorFactory(paper=paper, person=coauthor)

    for person in (paper.speaker, coauthor):
        with pytest.raises(ValidationError, match="wrote this paper"):
            reviewing.assign(paper, person, chair)

    client.force_login(chair)
    data = admin_form_data(client.get(change_url(paper))) | {
        "assignments-TOTAL_FORMS": "1",
        "assignments-0-reviewer": str(coauthor.pk),
    }
    response = client.post(change_url(paper), data)
    assert response.status_code == 200
    assert "wrote this paper and cannot review it" in response.text
    assert not ReviewAssignment.objects.exists()


def test_spreading_gives_each_paper_n_reviewers_evenly_within_each_section(chair, client):
    event = RoundTableFactory()
    first, second = SectionFactory(event=event), SectionFactory(event=event)
    people = [reviewer(f"reviewer{n}") for n in range(4)]
    papers = [paper_in(event, section=first, position=n) for n in range(4)]
    papers += [paper_in(event, section=second, position=n) for n in range(2)]
    # The first reviewer wrote a paper of the first section: never theirs to review.
    AuthorFactory(paper=papers[0], person=people[0])
    client.force_login(chair)

    response = client.post(
        reverse("admin:proceedings_paper_changelist"),
        {
            "action": "spread_reviewers",
            "_selected_action": [paper.pk for paper in papers],
            "count": "2",
            "reviewers": [person.pk for person in people],
        },
        follow=True,
    )

    assert "12 reviewers assigned; each was written to." in shown(response)
    for paper in papers:
        assert paper.assignments.count() == 2
    assert not papers[0].assignments.filter(reviewer=people[0]).exists()
    for section, total in ((first, 8), (second, 4)):
        counts = [
            ReviewAssignment.objects.filter(paper__section=section, reviewer=person).count()
            for person in people
        ]
        assert sum(counts) == total
        assert max(counts) - min(counts) <= 1, counts


def test_spreading_counts_reviewers_a_paper_has_and_leaves_out_who_cannot_have_an_account(
    chair, client
):
    event = RoundTableFactory()
    papers = [paper_in(event) for _ in range(2)]
    reviewing.assign(papers[0], reviewer("early"), chair)
    # The address is a staff account's: it cannot be linked to a person, so no letter could go.
    staff_address = PersonFactory(email=organiser("boss@example.kz").username)
    people = [staff_address, reviewer("r1"), reviewer("r2")]

    made, short = reviewing.spread(papers, people, 2, chair)

    assert papers[0].assignments.count() == 2
    assert papers[1].assignments.count() == 2
    assert len(made) == 3 and short == []
    assert not ReviewAssignment.objects.filter(reviewer=staff_address).exists()

    client.force_login(chair)
    data = admin_form_data(client.get(change_url(papers[0]))) | {
        "assignments-TOTAL_FORMS": "3",
        "assignments-2-reviewer": str(staff_address.pk),
    }
    response = client.post(change_url(papers[0]), data, follow=True)
    assert response.status_code == 200
    assert any("is a staff account" in message for message in shown(response))


def test_spreading_asks_how_many_and_whom_first(chair, client):
    paper = paper_in(RoundTableFactory())
    client.force_login(chair)
    response = client.post(
        reverse("admin:proceedings_paper_changelist"),
        {"action": "spread_reviewers", "_selected_action": [paper.pk]},
    )
    assert response.status_code == 200
    assert "Reviewers per paper" in response.text
    assert not ReviewAssignment.objects.exists()


# --- The reviewer's pages ------------------------------------------------------------------------


def test_my_reviews_lists_the_assignments_with_due_date_and_state(
    chair, client, django_assert_num_queries
):
    person = reviewer("reviewer")
    event = RoundTableFactory()
    papers = [paper_in(event) for _ in range(5)]
    for paper in papers:
        reviewing.assign(paper, person, chair, datetime.date(2026, 12, 20))
    submitted_review(papers[0].assignments.get(), "Хорошо.")
    client.force_login(person.user)

    # The session, the account, the assignments with their papers and reviews: however many.
    with django_assert_num_queries(3):
        response = client.get(reverse("reviews:my_reviews"))

    text = text_of(response.text)
    assert text.count("Полиция және қоғам: серіктестік") == 5
    assert text.count("20 December 2026") == 5
    assert text.count("Submitted") == 1
    assert text.count("To review") == 4


def test_a_double_blind_review_page_shows_no_author(chair, client):
    paper = paper_in(RoundTableFactory(), mode=ReviewMode.DOUBLE_BLIND)
    # A file whose head block is not the paper's title, and whose references cite its author.
    paper.current_version.delete()
    add_version(
        paper,
        kind="docx",
        name="Ахманов-мақала.docx",
        html="<p>Ахманов А.Т., Алматы академиясы, ahmanov@example.kz</p><h2>Кіріспе</h2>"
        "<p>Мақала мәтіні.</p><h2>Әдебиеттер</h2><p>1. Ахманов А.Т. Бұрынғы еңбек. 2020.</p>",
    )
    assignment = reviewing.assign(paper, reviewer("reviewer"), chair)
    client.force_login(assignment.reviewer.user)

    page = client.get(review_url(assignment))

    assert page.status_code == 200
    assert "Мақала мәтіні." in page.text
    assert "1. […] А.Т. Бұрынғы еңбек. 2020." in page.text
    for trace in ("Ахманов", "Алматы академиясы", "ahmanov@example.kz", paper.speaker.surname):
        assert trace not in page.text
    assert "the uploaded file carries the authors" in page.text
    refused = client.get(reverse("reviews:download", kwargs={"pk": assignment.pk}))
    assert refused.status_code == 403
    assert "Ахманов" not in refused.text


def test_a_single_blind_review_page_shows_the_authors_and_the_file(chair, client):
    paper = paper_in(RoundTableFactory())
    assignment = reviewing.assign(paper, reviewer("reviewer"), chair)
    client.force_login(assignment.reviewer.user)

    assert "Ахманов" in client.get(review_url(assignment)).text
    download = client.get(reverse("reviews:download", kwargs={"pk": assignment.pk}))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]


def test_a_review_is_kept_then_submitted_and_then_read_only(chair, client):
    assignment = reviewing.assign(paper_in(RoundTableFactory()), reviewer("reviewer"), chair)
    client.force_login(assignment.reviewer.user)
    url = review_url(assignment)
    scores = dict.fromkeys(Review.CRITERIA, "4") | {"recommendation": "minor"}

    kept = client.post(url, {"relevance": "5", "comments": "Черновик.", "keep": ""}, follow=True)
    assert "Your review is kept; submit it when it is complete." in shown(kept)
    incomplete = client.post(url, {"relevance": "5", "submit": ""})
    assert incomplete.status_code == 400
    assert "Give every score and a recommendation" in incomplete.text
    submitted = client.post(url, {**scores, "comments": "Добавьте выводы.", "submit": ""})
    assert submitted.status_code == 302
    again = client.post(url, {**scores, "comments": "Переписано.", "submit": ""})

    review_ = Review.objects.get()
    assert review_.comments == "Добавьте выводы."
    assert review_.submitted_at is not None
    assert again.status_code == 400
    assert "This review is submitted already and can no longer change." in again.text
    page = client.get(url).text
    assert "it can no longer change" in page
    assert "Submit the review" not in page


# --- Deciding ------------------------------------------------------------------------------------


def test_the_paper_page_lists_every_review_beside_the_decisions(chair, client):
    paper = paper_in(RoundTableFactory())
    person = reviewer("reviewer")
    submitted_review(reviewing.assign(paper, person, chair), "Добавьте выводы.")
    client.force_login(chair)

    text = text_of(client.get(change_url(paper)).text)

    assert str(person) in text
    assert "Minor revision" in text
    assert "Добавьте выводы." in text
    assert "Между нами: слабая статья." in text
    assert "relevance: 4 — good" in text
    data = admin_form_data(client.get(change_url(paper))) | {"assignments-0-DELETE": "on"}
    kept = client.post(change_url(paper), data)
    assert kept.status_code == 200
    assert "has submitted a review: it stays with the paper." in kept.text
    assert paper.assignments.count() == 1
    decide = client.get(
        reverse("admin:proceedings_paper_decide", args=[paper.pk, Status.REVISION])
    ).text
    assert "Добавьте выводы." in decide


@pytest.mark.django_db(transaction=True)
def test_the_decision_letter_numbers_the_reviewers_comments_in_kazakh(client):
    chair = organiser(username="chair")
    paper = paper_in(RoundTableFactory())
    paper.speaker.language = "kk"
    paper.speaker.email = "author@example.kz"
    paper.speaker.save()
    first, second = reviewer("first"), reviewer("second")
    submitted_review(reviewing.assign(paper, first, chair), "Қорытындыны толықтырыңыз.")
    submitted_review(reviewing.assign(paper, second, chair), "Добавьте источники.")
    deliver_letters()
    mail.outbox.clear()

    review.move(paper, Status.REVISION, chair, "Түзетіңіз.")
    deliver_letters()

    [letter] = mail.outbox
    assert letter.to == ["author@example.kz"]
    assert "1-сарапшы:\n\nҚорытындыны толықтырыңыз." in letter.body
    assert "2-сарапшы:\n\nДобавьте источники." in letter.body
    for name in (first.surname, second.surname, first.surname_ru, second.surname_ru):
        assert name not in letter.body
    assert "Между нами" not in letter.body


def test_originality_below_the_calls_share_is_flagged_on_the_paper_page(chair, client):
    paper = paper_in(RoundTableFactory())
    client.force_login(chair)
    data = admin_form_data(client.get(change_url(paper))) | {
        "originality_checks-TOTAL_FORMS": "1",
        "originality_checks-0-service": "Antiplagiat",
        "originality_checks-0-original_share": "62.5",
        "originality_checks-0-checked_at": "2026-12-01",
        "originality_checks-0-report": SimpleUploadedFile("antiplagiat.pdf", b"%PDF-1.7 report"),
    }

    response = client.post(change_url(paper), data)

    assert response.status_code == 302, response.context["errors"]
    check = paper.originality_checks.get()
    assert check.recorded_by == chair
    page = client.get(change_url(paper)).text
    assert "62.5 % original (Antiplagiat) — below the required 70 %" in text_of(page)
    report_url = reverse("admin:proceedings_paper_originality_report", args=[paper.pk, check.pk])
    assert report_url in page and "/media/" not in page
    report = client.get(report_url)
    assert report.status_code == 200
    assert b"".join(report.streaming_content) == b"%PDF-1.7 report"
    assert "attachment" in report["Content-Disposition"]
