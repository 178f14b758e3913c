"""Issuing a round table's certificates and mailing them, as background tasks with progress.

`issue_and_send` (the admin's action) numbers the certificates in the request, which takes
moments, and records a CertificateBatch; once the transaction commits, tasks of CHUNK
certificates each typeset them, keep the PDFs and write each owner a letter in their language
with their private link (speakers/letters.py sends it, retrying). Every certificate done
counts in the batch as sent or failed, which the admin shows as its progress.
"""

import logging
from functools import partial
from itertools import batched

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.tasks import task

from participants import certificates
from participants.models import CertificateBatch
from speakers import letters
from speakers.models import Letter

CHUNK = 25

logger = logging.getLogger(__name__)


def issue_and_send(event, user):
    """Issue `event`'s certificates and queue their mailing; the batch that counts them."""
    with transaction.atomic():
        issued = certificates.issue_all(event)
        batch = CertificateBatch.objects.create(event=event, requested_by=user, total=len(issued))
        ids = [certificate.pk for certificate in issued]
        transaction.on_commit(partial(enqueue, batch, ids))
    return batch


def enqueue(batch, ids):
    """A task per CHUNK certificates; those the backend refuses count as failed at once."""
    for chunk in batched(ids, CHUNK):
        try:
            send_certificates.enqueue(batch.pk, list(chunk))
        except Exception as error:
            logger.exception("Certificates of batch %s could not be queued", batch.pk)
            count(batch.pk, failed=len(chunk), error=letters.describe(error))


@task
def send_certificates(batch_id, certificate_ids):
    """Typeset the certificates `certificate_ids`, keep them and write their letters."""
    chosen = certificates.for_typesetting().filter(pk__in=certificate_ids, revoked_at=None)
    chosen = list(chosen.order_by("serial"))
    count(batch_id, failed=len(certificate_ids) - len(chosen))
    try:
        pdfs = certificates.typeset(chosen)
    except Exception as error:
        logger.exception("Certificates of batch %s could not be typeset", batch_id)
        count(batch_id, failed=len(chosen), error=letters.describe(error))
        return
    for certificate, pdf in zip(chosen, pdfs, strict=True):
        try:
            send(certificate, pdf)
        except letters.NoAddress as error:
            count(batch_id, failed=1, error=str(error))
        else:
            count(batch_id, sent=1)


def send(certificate, pdf):
    """Keep the PDF (organisers can hand it over when the letter cannot go), then the letter."""
    certificates.store(certificate, pdf)
    letters.send_letter(
        certificate.person,
        Letter.Kind.CERTIFICATE,
        {
            "certificate": certificate,
            "event": certificate.event,
            "download_url": certificates.download_url(certificate),
            "verify_url": certificates.verify_url(certificate),
        },
        about=certificate,
    )


def count(batch_id, *, sent=0, failed=0, error=""):
    """Add to a batch's counts (an UPDATE, so that parallel tasks add up)."""
    if not (sent or failed):
        return
    changes = {"sent": F("sent") + sent, "failed": F("failed") + failed}
    if error:
        changes["errors"] = Concat(F("errors"), Value(error[:500] + "\n"))
    CertificateBatch.objects.filter(pk=batch_id).update(**changes)
