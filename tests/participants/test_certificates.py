"""Certificates: who gets one, their numbers, the PDF read back (names, number, QR code)."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from pypdf import PdfReader

from participants import certificates
from participants.models import Certificate, CertificateTemplate, Signatory
from tests.factories import (
    AttendanceFactory,
    PersonFactory,
    RoundTableFactory,
    attended,
    certificate_ready,
    picture,
)

pytestmark = pytest.mark.django_db


def qr_codes_on(pdf_bytes, page_index=0):
    document = pypdfium2.PdfDocument(pdf_bytes)
    image = document[page_index].render(scale=200 / 72).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def pages_text(pdf_bytes):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


@pytest.fixture
def event():
    event = RoundTableFactory()
    certificate_ready(event)
    return event


def test_everyone_who_attended_gets_a_certificate_with_the_role_the_programme_gives(event):
    moderator, speaker, listener = attended(event, 3, moderators=1, speakers=1)
    AttendanceFactory()  # of another round table

    issued = certificates.issue_all(event)

    assert [(c.person, c.role) for c in issued] == [
        (moderator, Certificate.Role.MODERATOR),
        (speaker, Certificate.Role.SPEAKER),
        (listener, Certificate.Role.PARTICIPANT),
    ]


def test_numbers_run_through_the_year_with_a_random_check_part(event):
    attended(event, 2)
    other = RoundTableFactory()
    certificate_ready(other)
    attended(other, 1)

    first, second = certificates.issue_all(event)
    (third,) = certificates.issue_all(other)

    assert first.number.startswith("RT-2025-0001-")
    assert second.number.startswith("RT-2025-0002-")
    assert third.number.startswith("RT-2025-0003-")
    assert all(certificates.is_number(c.number) for c in (first, second, third))


def test_issuing_again_keeps_the_numbers_and_adds_newcomers(event):
    attended(event, 1)
    (first,) = certificates.issue_all(event)
    attended(event, 1)

    again = certificates.issue_all(event)

    assert again[0].number == first.number
    assert len(again) == 2
    assert Certificate.objects.count() == 2


def test_revoked_certificates_are_not_sent_again_and_reissue_keeps_the_number(event):
    attended(event, 2)
    revoked, kept = certificates.issue_all(event)
    certificates.revoke(revoked, "Did not attend")

    assert certificates.issue_all(event) == [kept]

    certificates.issue_again(revoked)
    revoked.refresh_from_db()
    assert not revoked.is_revoked
    assert revoked.pdf
    assert [c.number for c in certificates.issue_all(event)] == [revoked.number, kept.number]


def test_a_round_table_without_a_template_issues_nothing():
    event = RoundTableFactory()
    attended(event, 1)

    with pytest.raises(certificates.NoTemplate):
        certificates.issue_all(event)
    assert not Certificate.objects.exists()


def test_the_pdf_has_the_name_in_kazakh_and_russian_the_number_and_a_qr_code_to_verify(event):
    person = PersonFactory(
        surname_kk="ДИЛЬБАРХАНОВА",
        given_name_kk="Жанат",
        patronymic_kk="Рахымжанқызы",
        surname_ru="ДИЛЬБАРХАНОВА",
        given_name_ru="Жанат",
        patronymic_ru="Рахимжановна",
    )
    AttendanceFactory(event=event, person=person)
    (certificate,) = certificates.issue_all(event)

    pdf = certificates.typeset(certificates.for_typesetting().filter(pk=certificate.pk))[0]

    kazakh, russian = pages_text(pdf)
    assert "Дильбарханова Жанат Рахымжанқызы" in kazakh
    assert "Қатысу сертификаты".upper() in kazakh.upper()
    assert "Дильбарханова Жанат Рахимжановна" in russian
    assert "за участие в работе международного круглого стола" in russian
    assert certificate.number in kazakh and certificate.number in russian
    url = f"{settings.SITE_URL}/verify/{certificate.number}"
    assert qr_codes_on(pdf, 0) == [url]
    assert qr_codes_on(pdf, 1) == [url]


def test_english_is_a_third_page_on_request(event):
    person = PersonFactory(surname_en="DILBARKHANOVA", given_name_en="Zhanat", patronymic_en="")
    AttendanceFactory(event=event, person=person)
    (certificate,) = certificates.issue_all(event)
    Certificate.objects.filter(pk=certificate.pk).update(in_english=True)

    pdf = certificates.typeset(certificates.for_typesetting().filter(pk=certificate.pk))[0]

    pages = pages_text(pdf)
    assert len(pages) == 3
    assert "Dilbarkhanova Zhanat" in pages[2]
    assert "for taking part in the work of the international round table" in pages[2]


def test_several_certificates_are_typeset_in_order(event):
    attended(event, 3)
    issued = certificates.issue_all(event)

    pdfs = certificates.typeset(
        certificates.for_typesetting().filter(event=event).order_by("serial")
    )

    assert [c.number in pages_text(pdf)[0] for c, pdf in zip(issued, pdfs, strict=True)] == [
        True
    ] * 3


def test_logos_and_signatures_are_checked_by_content_and_pixels():
    template = CertificateTemplate(event=RoundTableFactory())
    template.logo = ContentFile(b"GIF89a not a picture", name="logo.png")
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "logo" in refused.value.message_dict

    signatory = Signatory(template=template)
    signatory.signature = ContentFile(picture(4100, 40), name="wide.png")
    with pytest.raises(ValidationError) as refused:
        signatory.full_clean(exclude=["template"])
    assert "4100" in str(refused.value.message_dict["signature"])
