"""Certificates of participation: who gets one, their numbers, typesetting, revoking.

Everyone with an Attendance for a round table gets one, as its moderator, a speaker or a
participant (their Participation says which, the highest first). A certificate is numbered once,
`<prefix>-<year>-<serial>-<check>`: the serial runs through the round table's year across all
round tables, the check part is random, so knowing one number tells nothing of another, and
guessing one on /verify/ is useless. Revoking keeps the number, shown as revoked; issuing again
clears the revocation and keeps it too.

A certificate is one PDF, a page per language (Kazakh and Russian, English on request), typeset
once and kept in private storage: its owner's letter links to it, and the benchmark
(benchmarks/certificates.py) says typesetting 500 takes too long to do on every download. Many
are typeset together in forked processes over every core, sharing parsed stylesheets and fonts.
"""

import base64
import io
import multiprocessing
import os
import re
import secrets
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from participants.models import Attendance, Certificate, CertificateTemplate
from portal import versions
from speakers.models import Participation
from speakers.names import capitalise, full_name
from typesetting import printing
from typesetting.pictures import header

CHECK_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B to misread
CHECK_LENGTH = 5
NUMBER_PATTERN = re.compile(rf"[A-Z]{{1,10}}-\d{{4}}-\d{{4,}}-[{CHECK_ALPHABET}]{{{CHECK_LENGTH}}}")
STYLESHEET = "print/certificate.css"
# Serial numbers are handed out under this PostgreSQL advisory lock, one issuer at a time.
NUMBERING_LOCK = 0x43455254  # "CERT"

Role = Certificate.Role


class NoTemplate(ValueError):
    """The round table has no certificate template yet."""


def is_number(text):
    """Whether `text` is shaped like a certificate number (checked before any query)."""
    return NUMBER_PATTERN.fullmatch(text) is not None


def verify_url(certificate):
    """The address its QR code holds: no language prefix, the page answers in the reader's."""
    return settings.SITE_URL + reverse("certificate_verify", args=[certificate.number])


def download_url(certificate):
    """Its owner's private link to the PDF (in the certificate letter)."""
    return settings.SITE_URL + reverse("certificate_download", args=[certificate.download_token])


def role_of(participation):
    if participation is None:
        return Role.PARTICIPANT
    if participation.is_moderator:
        return Role.MODERATOR
    return Role.SPEAKER if participation.is_speaker else Role.PARTICIPANT


# --- Issuing --------------------------------------------------------------------------------------


@transaction.atomic
def issue_all(event):
    """A certificate for everyone who attended `event`; the certificates to send, revoked ones
    left out (an organiser issues those again one by one). Existing ones keep their numbers and
    get the role the programme now gives."""
    if not CertificateTemplate.objects.filter(event=event).exists():
        raise NoTemplate(event)
    participations = {p.person_id: p for p in Participation.objects.filter(event=event)}
    existing = {c.person_id: c for c in Certificate.objects.filter(event=event)}
    new, changed = [], []
    attendances = Attendance.objects.filter(event=event).select_related("person")
    for attendance in attendances.order_by("pk"):
        role = role_of(participations.get(attendance.person_id))
        certificate = existing.get(attendance.person_id)
        if certificate is None:
            new.append(
                Certificate(
                    event=event,
                    person=attendance.person,
                    role=role,
                    in_english=attendance.person.language == "en",
                )
            )
        elif certificate.role != role:
            certificate.role = role
            changed.append(certificate)
    number(new, event.date.year)
    Certificate.objects.bulk_create(new)
    Certificate.objects.bulk_update(changed, ["role"])
    versions.bump([event.pk])  # bulk writes send no signals
    issued = [c for c in existing.values() if not c.is_revoked] + new
    return sorted(issued, key=lambda certificate: certificate.serial)


def number(certificates, year):
    """Give `certificates` the next serials of `year` and their numbers (in the transaction)."""
    if not certificates:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBERING_LOCK])
    last = Certificate.objects.filter(year=year).aggregate(last=Max("serial"))["last"] or 0
    prefix = certificates[0].event.certificate_template.number_prefix
    for serial, certificate in enumerate(certificates, start=last + 1):
        check = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
        certificate.year, certificate.serial = year, serial
        certificate.number = f"{prefix}-{year}-{serial:04d}-{check}"


def revoke(certificate, reason):
    """Revoke `certificate`: /verify/ says so, with the date; its number stays."""
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])


def issue_again(certificate):
    """Lift a revocation and typeset the certificate anew, with the number it had."""
    certificate.revoked_at = None
    certificate.revocation_reason = ""
    certificate.issued_at = timezone.now()
    certificate.save(update_fields=["revoked_at", "revocation_reason", "issued_at"])
    store(certificate, typeset([certificate])[0])


def store(certificate, pdf):
    """Keep the typeset `pdf` as the certificate's file, replacing the one it had."""
    old = certificate.pdf.name
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(pdf), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    if old and old != certificate.pdf.name:
        certificate.pdf.storage.delete(old)


# --- Typesetting ----------------------------------------------------------------------------------


def for_typesetting():
    """Certificates with what their pages print, in one query a model."""
    return Certificate.objects.select_related(
        "event", "person", "event__certificate_template"
    ).prefetch_related("event__certificate_template__signatories")


@dataclass
class Artwork:
    """A template's pictures as data: URLs, read once for all its certificates."""

    logo: str
    signatures: dict  # signatory pk → data: URL or ""

    @classmethod
    def of(cls, template):
        return cls(
            picture_url(template.logo),
            {s.pk: picture_url(s.signature) for s in template.signatories.all()},
        )


def picture_url(field_file):
    """An uploaded picture as a data: URL (the print fetcher reads no uploads); "" if none."""
    if not field_file:
        return ""
    with field_file.open("rb") as stored:
        data = stored.read()
    found = header(io.BytesIO(data))
    kind = "jpeg" if found and found.format == "JPEG" else "png"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def html_of(certificate, artwork):
    """The certificate's HTML: a page per language, each in its own language."""
    template = certificate.event.certificate_template
    url = verify_url(certificate)
    qr_code = segno.make(url, error="m").svg_inline(omitsize=True, border=0)
    pages = [page(certificate, template, artwork, language) for language in certificate.languages]
    return render_to_string(
        "participants/certificate.html",
        {
            "certificate": certificate,
            "pages": pages,
            "qr_code": qr_code,
            "verify_url": url,
            "logo": artwork.logo,
        },
    )


def page(certificate, template, artwork, language):
    """What one language's page prints, read in that language."""
    person, event = certificate.person, certificate.event
    with translation.override(language):
        return {
            "lang": language,
            "title": template.title,
            "wording": template.wording,
            "name": full_name(capitalise(person.surname), person.given_name, person.patronymic),
            "role": str(certificate.get_role_display()),
            "theme": event.theme,
            "date": event.date,
            "signatories": [
                {
                    "name": signatory.name,
                    "position": signatory.position,
                    "signature": artwork.signatures.get(signatory.pk, ""),
                }
                for signatory in template.signatories.all()
            ],
        }


def typeset(certificates):
    """Each certificate's PDF (bytes), in order; over every core when there are several."""
    artworks = {}
    documents = []
    for certificate in certificates:
        template = certificate.event.certificate_template
        if template.pk not in artworks:
            artworks[template.pk] = Artwork.of(template)
        documents.append(html_of(certificate, artworks[template.pk]))
    workers = min(len(documents), os.cpu_count() or 1)
    if workers <= 1:
        return [typeset_one(html) for html in documents]
    # Forked workers start with Django, WeasyPrint, the fonts and the parsed stylesheet loaded
    # (warmed here first); they only lay out HTML and never touch the database.
    printing.TYPESETTER.stylesheet(STYLESHEET)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunk = max(1, len(documents) // (workers * 4))
        return list(pool.map(typeset_one, documents, chunksize=chunk))


def typeset_one(html):
    return printing.lay_out(html, stylesheets=[STYLESHEET]).write_pdf()
