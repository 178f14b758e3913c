"""Listeners and participants: a round table's registration settings, registrations and
attendance; its certificate template with signatories."""

import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from participants.models import (
    Attendance,
    CertificateTemplate,
    Mode,
    Registration,
    RegistrationSettings,
    Signatory,
)
from tests.factories.people import ParticipationFactory, PersonFactory
from tests.factories.programme import RoundTableFactory


def in_a_month():
    return timezone.localdate() + datetime.timedelta(days=30)


class RegistrationSettingsFactory(factory.django.DjangoModelFactory):
    """Registration open now for a round table a month ahead, with no limit of places."""

    class Meta:
        model = RegistrationSettings

    event = factory.SubFactory(RoundTableFactory, date=factory.LazyFunction(in_a_month))
    is_open = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration as the form leaves it: its address not yet confirmed."""

    class Meta:
        model = Registration

    event = factory.SubFactory(RoundTableFactory, date=factory.LazyFunction(in_a_month))
    surname = "Есбулатова"
    given_name = "Әлия"
    patronymic = "Талғатқызы"
    email = factory.Sequence(lambda n: f"listener{n}@example.kz")
    organisation = "Алматы академиясы"
    language = "kk"
    mode = Mode.ONSITE
    consent_at = factory.LazyFunction(timezone.now)
    consent_text = "Келісемін."


def picture(width=400, height=160, colour=(30, 60, 140)):
    """A small PNG, as an organiser uploads a logo or a signature."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse([10, 10, width - 10, height - 10], outline=colour, width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(RoundTableFactory)
    person = factory.SubFactory(PersonFactory, email=factory.Sequence(lambda n: f"p{n}@example.kz"))
    source = Attendance.Source.MANUAL


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    event = factory.SubFactory(RoundTableFactory)
    title_kk = "Қатысу сертификаты"
    title_ru = "Сертификат участника"
    title_en = "Certificate of participation"
    wording_kk = "халықаралық дөңгелек үстелдің жұмысына қатысқаны үшін"
    wording_ru = "за участие в работе международного круглого стола"
    wording_en = "for taking part in the work of the international round table"
    logo = factory.LazyFunction(lambda: ContentFile(picture(), name="logo.png"))


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    template = factory.SubFactory(CertificateTemplateFactory)
    name_kk = "Ә. Сейітқали"
    name_ru = "А. Сеиткали"
    position_kk = "Академия бастығы"
    position_ru = "Начальник академии"
    signature = factory.LazyFunction(lambda: ContentFile(picture(300, 100), name="signature.png"))
    order = factory.Sequence(int)


def attended(event, count=1, *, moderators=0, speakers=0):
    """`count` people who attended `event`, the first `moderators` of them moderating and the
    next `speakers` speaking (by their participation)."""
    people = []
    for index in range(count):
        attendance = AttendanceFactory(event=event)
        if index < moderators + speakers:
            ParticipationFactory(
                event=event,
                person=attendance.person,
                is_moderator=index < moderators,
                is_speaker=index >= moderators,
            )
        people.append(attendance.person)
    return people


def certificate_ready(event=None, signatories=2):
    """A round table's certificate template with its signatories."""
    template = CertificateTemplateFactory(**({"event": event} if event else {}))
    SignatoryFactory.create_batch(signatories, template=template)
    return template
