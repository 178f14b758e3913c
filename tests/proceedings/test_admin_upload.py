"""Organisers upload a version for the speaker from the paper's admin page: the speaker's checks,
whatever the status and the deadline, a reason for an accepted paper, every version kept, and
the preview the speaker sees."""

import datetime
import io
import re
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from proceedings import submission
from proceedings.models import Paper
from proceedings.uploads import MESSAGES
from tests import factories
from tests.pages import change_url, shown, text_of
from tests.proceedings import view_factories as make
from tests.proceedings.documents import PARAGRAPHS

pytestmark = pytest.mark.django_db

Status = Paper.Status
KAZAKH_SENTENCE = "Қоғамдық қауіпсіздік — мемлекеттің негізгі міндеттерінің бірі."
assert PARAGRAPHS[0].startswith(KAZAKH_SENTENCE)
REASON = "The speaker sent the corrected file by e-mail."


def upload_url(paper):
    return reverse("admin:proceedings_paper_upload", args=[paper.pk])


def preview_url(paper, language="en", name="preview"):
    with translation.override(language):
        return reverse(f"proceedings:{name}", args=[paper.pk])


@pytest.fixture
def chair(client, organiser):
    """The signed-in organiser, whose browser asks for English."""
    client.force_login(organiser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return organiser


@pytest.fixture
def accepted(speaker):
    """An accepted paper whose version 1 is the speaker's PDF, the deadline long past."""
    event = factories.RoundTableFactory()
    paper = make.paper_of(speaker, event, status=Status.SUBMITTED)
    make.upload(paper, speaker, make.pdf_file("Мақала.pdf"))
    event.papers_deadline = timezone.now() - datetime.timedelta(days=30)
    event.save()
    Paper.objects.filter(pk=paper.pk).update(status=Status.ACCEPTED)
    paper.refresh_from_db()
    return paper


def test_the_papers_admin_page_offers_the_upload(client, chair, accepted):
    page = client.get(change_url(accepted)).text

    assert f'href="{upload_url(accepted)}"' in page
    form = client.get(upload_url(accepted))
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert "Required: the paper is accepted." in text_of(form.text)


def test_an_organiser_uploads_a_docx_for_an_accepted_paper_and_sees_the_speakers_preview(
    client, chair, accepted, speaker
):
    first = accepted.current_version

    response = client.post(
        upload_url(accepted), {"file": make.docx_file("Түзетілген.docx"), "reason": REASON}
    )

    assert response.status_code == 302
    assert response["Location"] == preview_url(accepted)
    accepted.refresh_from_db()
    version = accepted.current_version
    assert (version.number, version.kind, version.original_name) == (2, "docx", "Түзетілген.docx")
    assert (version.uploaded_by, version.reason) == (chair, REASON)
    assert accepted.status == Status.ACCEPTED
    assert list(accepted.versions.values_list("number", flat=True)) == [2, 1]
    old = client.get(first.get_download_url())
    assert b"".join(old.streaming_content) == first.file.open("rb").read()
    # The preview the speaker sees: the converted text, typeset as in the book.
    preview = client.get(response["Location"])
    assert KAZAKH_SENTENCE in text_of(preview.text)
    assert shown(preview)[0].startswith("Version 2 of “")
    pdf = PdfReader(io.BytesIO(client.get(preview_url(accepted, name="preview_pdf")).content))
    assert KAZAKH_SENTENCE in re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    # The list of versions says who uploaded each one and why.
    listed = text_of(client.get(change_url(accepted)).text)
    assert f"{chair.username}, for the speaker" in listed
    assert f"{speaker.username}, the speaker" in listed
    assert REASON in listed


def test_an_organiser_replaces_an_accepted_papers_file_with_a_pdf(client, chair, accepted):
    response = client.post(
        upload_url(accepted), {"file": make.pdf_file("Final.pdf"), "reason": REASON}
    )

    accepted.refresh_from_db()
    assert (accepted.current_version.number, accepted.current_version.kind) == (2, "pdf")
    preview = client.get(response["Location"])
    assert "it goes into the book as it is" in text_of(preview.text)
    pdf = client.get(preview_url(accepted, name="preview_pdf"))
    assert pdf["Location"] == accepted.current_version.get_download_url()


def test_the_reason_is_required_for_an_accepted_paper(client, chair, accepted):
    before = make.stored_files()

    response = client.post(upload_url(accepted), {"file": make.docx_file(), "reason": "  "})

    assert response.status_code == 400
    assert str(submission.REASON_REQUIRED) in text_of(response.text)
    assert accepted.versions.count() == 1
    assert make.stored_files() == before


def test_any_status_and_the_deadline_do_not_stop_an_organiser(client, chair, accepted):
    """A withdrawn paper, past the deadline, not reopened: the speaker may not upload, an
    organiser may, and needs no reason."""
    Paper.objects.filter(pk=accepted.pk).update(status=Status.WITHDRAWN)

    response = client.post(upload_url(accepted), {"file": make.pdf_file(), "reason": ""})

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert (accepted.current_version.number, accepted.current_version.reason) == (2, "")
    assert accepted.status == Status.WITHDRAWN


def test_a_bad_file_is_refused_in_the_organisers_language(client, chair, accepted):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "kk"
    before = make.stored_files()

    response = client.post(upload_url(accepted), {"file": make.exe_file(), "reason": REASON})

    assert response.status_code == 400
    with translation.override("kk"):
        kazakh = str(MESSAGES["not_accepted"])
    with translation.override("en"):
        assert kazakh != str(MESSAGES["not_accepted"])
    assert kazakh in text_of(response.text)
    assert accepted.versions.count() == 1
    assert make.stored_files() == before


def test_a_file_over_the_limit_is_refused_while_it_streams_in(client, chair, accepted, settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000

    response = client.post(upload_url(accepted), {"file": make.docx_file(), "reason": REASON})

    assert response.status_code == 400
    assert "This file is larger than 1000" in text_of(response.text)
    assert accepted.versions.count() == 1


def test_the_upload_checks_the_csrf_token(chair, accepted):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(chair)

    response = browser.post(upload_url(accepted), {"file": make.pdf_file(), "reason": REASON})

    assert response.status_code == 403
    assert accepted.versions.count() == 1


@pytest.mark.parametrize("who", ["speaker", "staff"])
def test_only_organisers_upload_for_the_speaker(client, accepted, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(upload_url(accepted))
    posted = client.post(upload_url(accepted), {"file": make.pdf_file(), "reason": REASON})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert accepted.versions.count() == 1


def test_anonymous_visitors_are_sent_to_the_sign_in(client, accepted):
    response = client.post(upload_url(accepted), {"file": make.pdf_file(), "reason": REASON})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert accepted.versions.count() == 1


def test_the_domain_refuses_an_upload_for_the_speaker_by_others_or_without_a_reason(
    accepted, speaker, organiser
):
    with pytest.raises(PermissionDenied):
        submission.add_version(accepted, make.pdf_file(), speaker, for_speaker=True, reason="x")
    with pytest.raises(ValidationError) as refused:
        submission.add_version(accepted, make.pdf_file(), organiser, for_speaker=True)
    assert refused.value.message_dict == {"reason": [str(submission.REASON_REQUIRED)]}
    assert accepted.versions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_speaker_and_an_organiser_uploading_at_once_both_keep_their_version():
    """Both uploads wait on the lock of the paper's row; the later becomes current."""
    speaker = factories.speaker("serik")
    chair = factories.organiser("aigerim")
    paper = make.paper_of(speaker, factories.RoundTableFactory())
    make.upload(paper, speaker, make.pdf_file())

    def upload(user, **kwargs):
        try:
            submission.add_version(paper, make.docx_file(), user, **kwargs)
        finally:
            connection.close()

    uploads = [
        threading.Thread(target=upload, args=(speaker,)),
        threading.Thread(target=upload, args=(chair,), kwargs={"for_speaker": True}),
    ]
    with transaction.atomic():
        Paper.objects.select_for_update().get(pk=paper.pk)
        for thread in uploads:
            thread.start()
        both_waited = waiting_on_lock(2)
    for thread in uploads:
        thread.join(timeout=30)

    assert both_waited
    paper.refresh_from_db()
    versions = list(paper.versions.order_by("number"))
    assert [version.number for version in versions] == [1, 2, 3]
    assert {version.uploaded_by for version in versions[1:]} == {speaker, chair}
    assert paper.current_version == versions[-1]


def waiting_on_lock(count, seconds=30):
    """Whether `count` other connections come to wait for a lock within `seconds` (pg_locks is
    read anew each time, unlike pg_stat_activity within a transaction)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= count:
                return True
            time.sleep(0.05)
    return False
