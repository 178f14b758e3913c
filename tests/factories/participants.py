"""Listeners: a round table's registration settings, registrations and attendance."""

import datetime

import factory
from django.utils import timezone

from participants.models import Attendance, Mode, Registration, RegistrationSettings
from tests.factories.people import PersonFactory
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


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(RoundTableFactory)
    person = factory.SubFactory(PersonFactory)
    source = Attendance.Source.MANUAL
