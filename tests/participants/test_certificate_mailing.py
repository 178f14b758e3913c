"""Issuing and mailing certificates as tasks: a batch, its chunks, letters and progress."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from participants import certificate_mailing, certificates
from participants.models import Certificate, CertificateBatch
from speakers.models import Letter
from tests.factories import (
    AttendanceFactory,
    PersonFactory,
    RoundTableFactory,
    attended,
    certificate_ready,
    organiser,
)
from tests.letters import deliver_letters

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = RoundTableFactory()
    certificate_ready(event)
    return event


def run_queued_tasks():
    """Run the certificate tasks the backend holds, as the worker would."""
    path = f"{certificate_mailing.send_certificates.module_path}"
    for result in DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at"):
        certificate_mailing.send_certificates.call(*result.args_kwargs["args"])


def test_issuing_queues_a_task_per_chunk_and_counts_the_certificates(
    event, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(certificate_mailing, "CHUNK", 2)
    attended(event, 5)

    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_mailing.issue_and_send(event, organiser())

    assert batch.total == 5
    assert Certificate.objects.filter(event=event).count() == 5
    path = certificate_mailing.send_certificates.module_path
    assert DBTaskResult.objects.filter(task_path=path).count() == 3
    assert (batch.sent, batch.failed) == (0, 0)


def test_the_tasks_typeset_write_the_letters_and_count_progress(
    event, django_capture_on_commit_callbacks
):
    kazakh = PersonFactory(email="kk@example.kz", language="kk")
    russian = PersonFactory(email="ru@example.kz", language="ru")
    no_address = PersonFactory(email="")
    for person in (kazakh, russian, no_address):
        AttendanceFactory(event=event, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_mailing.issue_and_send(event, None)

    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()

    batch.refresh_from_db()
    assert (batch.total, batch.sent, batch.failed) == (3, 2, 1)
    assert batch.is_finished and batch.percent == 100
    assert "no e-mail address" in batch.errors
    letters = Letter.objects.filter(kind=Letter.Kind.CERTIFICATE).order_by("to")
    assert [letter.to for letter in letters] == ["kk@example.kz", "ru@example.kz"]
    # Typeset and kept for everyone: organisers hand over the one whose letter could not go.
    assert all(Certificate.objects.get(person=p).pdf for p in (kazakh, russian, no_address))

    deliver_letters()
    by_address = {message.to[0]: message for message in mail.outbox}
    kazakh_letter, russian_letter = by_address["kk@example.kz"], by_address["ru@example.kz"]
    assert "сертификатыңыз" in kazakh_letter.subject
    assert "сертификат участника" in russian_letter.subject
    certificate = Certificate.objects.get(person=russian)
    assert certificates.download_url(certificate) in russian_letter.body
    assert certificates.verify_url(certificate) in russian_letter.body


def test_the_download_link_gives_the_pdf_until_it_is_revoked(client, event):
    attended(event, 1)
    (certificate,) = certificates.issue_all(event)
    certificates.store(certificate, b"%PDF-1.7 typeset")
    link = certificates.download_url(certificate).removeprefix("http://127.0.0.1:8000")

    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 typeset"
    assert "no-store" in response["Cache-Control"]

    certificates.revoke(certificate, "mistake")
    assert client.get(link).status_code == 404
    assert client.get("/certificates/not-the-token.pdf").status_code == 404


def test_a_certificate_revoked_before_its_task_runs_is_counted_failed_and_not_sent(
    event, django_capture_on_commit_callbacks
):
    attended(event, 2)
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_mailing.issue_and_send(event, None)
    certificates.revoke(Certificate.objects.filter(event=event).first(), "mistake")

    run_queued_tasks()

    batch.refresh_from_db()
    assert (batch.sent, batch.failed) == (1, 1)
    assert Letter.objects.filter(kind=Letter.Kind.CERTIFICATE).count() == 1


def test_a_backend_that_refuses_counts_the_chunk_failed(event, monkeypatch):
    attended(event, 2)
    batch = CertificateBatch.objects.create(event=event, total=2)

    class RefusingTask:
        def enqueue(self, *args):
            raise RuntimeError("queue is down")

    monkeypatch.setattr(certificate_mailing, "send_certificates", RefusingTask())
    certificate_mailing.enqueue(batch, [1, 2])

    batch.refresh_from_db()
    assert batch.failed == 2
    assert "queue is down" in batch.errors
