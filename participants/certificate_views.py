"""The public check of a certificate (/verify/<number>, its QR code's address) and its owner's
private download link."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from participants import certificates
from participants.models import Certificate
from portal import downloads, throttling
from portal.page_cache import public_page


@public_page
@throttling.per_user("CERTIFICATE_VERIFY_RATE_LIMIT")
@require_safe
def verify(request, number):
    """Name, role, round table and date of the certificate `number`, and whether it is revoked;
    nothing else of the person. Numbers of unpublished round tables are not found."""
    if not certificates.is_number(number):
        raise Http404
    certificate = (
        Certificate.objects.select_related("event", "person")
        .filter(number=number, event__published=True)
        .first()
    )
    if certificate is None:
        raise Http404
    return render(request, "participants/verify.html", {"certificate": certificate})


@require_safe
def download(request, token):
    """The certificate's PDF for whoever has its letter's link; gone once revoked."""
    certificate = (
        Certificate.objects.filter(download_token=token, revoked_at=None).exclude(pdf="").first()
    )
    if certificate is None:
        raise Http404
    return downloads.stored_file(certificate.pdf, f"{certificate.number}.pdf", "application/pdf")
