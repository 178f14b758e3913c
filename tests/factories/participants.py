"""Listeners' registrations for a round table."""

import factory
from django.utils import timezone

from participants.models import Mode, Registration
from tests.factories.programme import RoundTableFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration to listen on site; `mode=Mode.ONLINE`, `status=…` for others."""

    class Meta:
        model = Registration

    event = factory.SubFactory(RoundTableFactory)
    surname = "Жұмабаев"
    given_name = factory.Sequence(lambda n: f"Асқар{n}")
    email = factory.Sequence(lambda n: f"listener{n}@example.kz")
    language = "kk"
    mode = Mode.ONSITE
    status = Registration.Status.CONFIRMED
    consent_at = factory.LazyFunction(timezone.now)
    consent_text = "Дербес деректерімді өңдеуге келісемін."
    confirmed_at = factory.LazyFunction(timezone.now)
