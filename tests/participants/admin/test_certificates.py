"""The organisers' desk for certificates: templates, issuing and sending, revoking, mailings."""

import pytest

from participants import certificates
from participants.models import Certificate, CertificateBatch
from tests.factories import RoundTableFactory, attended, certificate_ready, superuser
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db

TEMPLATES = "/admin/participants/certificatetemplate/"
CERTIFICATES = "/admin/participants/certificate/"
BATCHES = "/admin/participants/certificatebatch/"


@pytest.fixture
def event():
    event = RoundTableFactory()
    certificate_ready(event)
    attended(event, 2, moderators=1)
    return event


@pytest.mark.parametrize("role", [*ROLES, "superuser"])
@pytest.mark.parametrize("page", [TEMPLATES, CERTIFICATES, BATCHES])
def test_only_organisers_and_superusers_reach_the_certificates(client, event, role, page):
    user = superuser() if role == "superuser" else user_in(role, event)
    if role != "anonymous":
        client.force_login(user)

    response = client.get(page, HTTP_ACCEPT_LANGUAGE="en")

    allowed = role in ("organiser", "superuser")
    assert response.status_code == (200 if allowed else 403 if role == "staff" else 302)


def test_an_organiser_issues_and_sends_and_sees_the_progress(
    client, organiser, event, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    template = event.certificate_template

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            TEMPLATES,
            {"action": "issue_and_send", "_selected_action": [template.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

    assert "2 certificates are being typeset and sent" in response.text
    assert Certificate.objects.filter(event=event).count() == 2
    batch = CertificateBatch.objects.get()
    assert batch.requested_by == organiser
    listing = client.get(BATCHES, HTTP_ACCEPT_LANGUAGE="en").text
    assert '<progress class="certificate-progress" max="100" value="0">' in listing
    assert 'http-equiv="refresh"' in listing  # the list follows the mailing while it runs

    CertificateBatch.objects.update(sent=2)
    listing = client.get(BATCHES, HTTP_ACCEPT_LANGUAGE="en").text
    assert 'value="100"' in listing
    assert 'http-equiv="refresh"' not in listing


def test_revoking_asks_for_the_reason_then_revokes(client, organiser, event):
    client.force_login(organiser)
    first, second = certificates.issue_all(event)
    selection = {"action": "revoke", "_selected_action": [first.pk]}

    asked = client.post(CERTIFICATES, selection, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    assert "reason for revocation" in asked.text.lower()
    assert Certificate.objects.get(pk=first.pk).revoked_at is None

    client.post(CERTIFICATES, {**selection, "reason": "Did not attend"})
    first.refresh_from_db()
    assert first.is_revoked and first.revocation_reason == "Did not attend"
    assert not Certificate.objects.get(pk=second.pk).is_revoked


def test_issuing_again_keeps_the_number_and_typesets_the_pdf(client, organiser, event):
    client.force_login(organiser)
    first, _second = certificates.issue_all(event)
    certificates.revoke(first, "mistake")

    client.post(CERTIFICATES, {"action": "issue_again", "_selected_action": [first.pk]})

    again = Certificate.objects.get(pk=first.pk)
    assert not again.is_revoked and again.number == first.number and again.pdf


def test_the_pdf_is_typeset_on_first_download_and_only_for_organisers(client, organiser, event):
    first, _second = certificates.issue_all(event)
    address = f"{CERTIFICATES}{first.pk}/pdf/"

    assert client.get(address).status_code == 302  # to sign in
    client.force_login(organiser)
    response = client.get(address)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Certificate.objects.get(pk=first.pk).pdf


def test_no_one_adds_a_certificate_by_hand(client, organiser, event):
    client.force_login(organiser)

    assert client.get(f"{CERTIFICATES}add/").status_code == 403
