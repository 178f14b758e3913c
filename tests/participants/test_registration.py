"""Registration's rules: open or not, a duplicate address, confirmation with places and a
waiting list, cancellation and the promotion of the first registrant waiting."""

import datetime
import io
import logging
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from participants import attendance, registration
from participants.models import Attendance, Mode, Registration
from roundtable.models import RoundTable
from speakers.models import Letter, Participation, Person
from tests.factories import PersonFactory, RegistrationFactory, RegistrationSettingsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_open():
    return RegistrationSettingsFactory(onsite_capacity=1, online_capacity=None)


def unsaved(event, **fields):
    return RegistrationFactory.build(event=event, **fields)


def confirmed(event, **fields):
    return registration.confirm(registration.register(unsaved(event, **fields)))


def test_a_registration_is_kept_unconfirmed_with_a_letter_to_confirm_it(settings_open):
    kept = registration.register(unsaved(settings_open.event, email="aliya@example.kz"))

    assert kept.status == Registration.Status.UNCONFIRMED and kept.consent_at
    assert kept.person is None and not Person.objects.exists()
    letter = Letter.objects.get(kind=Letter.Kind.REGISTRATION_ADDRESS)
    assert letter.to == "aliya@example.kz"
    assert f"/kk/{settings_open.event.slug}/registration/{kept.token}/confirm/" in letter.body


def test_the_letter_says_how_long_the_confirmation_link_works(settings_open, settings):
    settings.REGISTRATION_UNCONFIRMED_DAYS = 9
    registration.register(unsaved(settings_open.event, language="en"))
    assert "The link works for 9 days." in Letter.objects.get().body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_open": False}, "Registration is closed."),
        ({"opens_at": timezone.now() + datetime.timedelta(days=1)}, "has not opened yet"),
        ({"closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "Registration is closed."),
    ],
)
def test_registration_not_open_stores_nothing(settings_open, changes, message):
    for field, value in changes.items():
        setattr(settings_open, field, value)
    settings_open.save()
    with pytest.raises(ValidationError, match=message):
        registration.register(unsaved(settings_open.event))
    assert not Registration.objects.exists() and not Letter.objects.exists()


def test_registration_for_a_past_round_table_says_it_is_over(settings_open):
    settings_open.event.date = timezone.localdate() - datetime.timedelta(days=1)
    settings_open.event.save()
    with pytest.raises(ValidationError, match="is over"):
        registration.register(unsaved(settings_open.event))


def test_a_mode_the_format_does_not_allow_is_refused(settings_open):
    settings_open.event.format = RoundTable.Format.ON_SITE
    settings_open.event.save()
    with pytest.raises(ValidationError) as refused:
        registration.register(unsaved(settings_open.event, mode=Mode.ONLINE))
    assert refused.value.code == "mode"


def test_a_confirmed_address_cannot_register_twice(settings_open):
    confirmed(settings_open.event, email="aliya@example.kz")
    with pytest.raises(ValidationError) as refused:
        registration.register(unsaved(settings_open.event, email="ALIYA@example.kz"))
    assert refused.value.code == "duplicate"
    assert Registration.objects.count() == 1


def test_registering_again_before_confirming_replaces_the_first(settings_open):
    first = registration.register(unsaved(settings_open.event, email="a@example.kz"))
    again = registration.register(
        unsaved(settings_open.event, email="a@example.kz", organisation="Жаңа")
    )
    assert again.pk == first.pk and again.token == first.token
    assert Registration.objects.get().organisation == "Жаңа"
    assert Letter.objects.filter(kind=Letter.Kind.REGISTRATION_ADDRESS).count() == 2


def test_confirming_adds_a_person_with_an_unlisted_participation(settings_open):
    kept = confirmed(settings_open.event, email="aliya@example.kz")

    assert kept.status == Registration.Status.CONFIRMED and kept.confirmed_at
    person = kept.person
    assert person.email == "aliya@example.kz"
    assert person.surname_kk == person.surname_ru == "Есбулатова"
    participation = Participation.objects.get(event=settings_open.event, person=person)
    assert not participation.is_listed and not participation.is_speaker
    letter = Letter.objects.get(kind=Letter.Kind.REGISTRATION_CONFIRMED)
    assert f"/registration/{kept.token}/cancel/" in letter.body
    assert f"/registration/{kept.token}/calendar.ics" in letter.body
    assert f"/registration/{kept.token}/qr.png" in letter.html


def test_confirming_matches_the_person_with_that_address(settings_open):
    person = PersonFactory(email="Known@Example.kz")
    kept = confirmed(settings_open.event, email="known@example.kz")
    assert kept.person == person and Person.objects.count() == 1


def test_confirming_keeps_an_existing_participation(settings_open):
    person = PersonFactory(email="speaker@example.kz")
    Participation.objects.create(event=settings_open.event, person=person, is_speaker=True)
    confirmed(settings_open.event, email="speaker@example.kz")
    participation = Participation.objects.get(person=person)
    assert participation.is_speaker and participation.is_listed


def test_confirming_twice_changes_nothing(settings_open):
    kept = confirmed(settings_open.event)
    assert registration.confirm(kept).status == Registration.Status.CONFIRMED
    assert Letter.objects.filter(kind=Letter.Kind.REGISTRATION_CONFIRMED).count() == 1


def test_online_registrants_get_the_online_link(settings_open):
    settings_open.event.online_link = "https://meet.example.kz/round-table"
    settings_open.event.save()
    confirmed(settings_open.event, mode=Mode.ONLINE)
    letter = Letter.objects.get(kind=Letter.Kind.REGISTRATION_CONFIRMED)
    assert "https://meet.example.kz/round-table" in letter.body
    assert "qr.png" not in letter.body


def test_a_full_round_table_puts_the_next_on_the_waiting_list(settings_open):
    confirmed(settings_open.event)
    waiting = confirmed(settings_open.event)
    online = confirmed(settings_open.event, mode=Mode.ONLINE)  # no limit online

    assert waiting.status == Registration.Status.WAITING
    assert online.status == Registration.Status.CONFIRMED
    assert Letter.objects.filter(kind=Letter.Kind.REGISTRATION_WAITING).count() == 1


def test_cancelling_frees_the_place_for_the_first_waiting(settings_open):
    first = confirmed(settings_open.event)
    second = confirmed(settings_open.event)
    third = confirmed(settings_open.event)

    registration.cancel(first)

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED and first.cancelled_at
    assert second.status == Registration.Status.CONFIRMED
    assert third.status == Registration.Status.WAITING
    assert Letter.objects.get(kind=Letter.Kind.REGISTRATION_CANCELLED).to == first.email
    assert Letter.objects.get(kind=Letter.Kind.REGISTRATION_PROMOTED).to == second.email
    # The participation the registration made goes with it.
    assert not Participation.objects.filter(person=first.person).exists()


def test_cancelling_a_waiting_registration_promotes_nobody(settings_open):
    confirmed(settings_open.event)
    waiting = confirmed(settings_open.event)
    registration.cancel(waiting)
    assert not Letter.objects.filter(kind=Letter.Kind.REGISTRATION_PROMOTED).exists()


def test_a_cancelled_address_may_register_again(settings_open):
    registration.cancel(confirmed(settings_open.event, email="a@example.kz"))
    again = registration.register(unsaved(settings_open.event, email="a@example.kz"))
    assert again.status == Registration.Status.UNCONFIRMED


def test_the_check_in_token_names_the_registration_of_that_round_table(settings_open):
    kept = confirmed(settings_open.event)
    token = registration.check_in_token(kept)
    assert token != kept.token
    assert registration.registration_checked_in(token, settings_open.event) == kept
    assert registration.registration_checked_in(token + "x", settings_open.event) is None
    other = RegistrationSettingsFactory().event
    assert registration.registration_checked_in(token, other) is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_exceed_the_places():
    event = RegistrationSettingsFactory(onsite_capacity=2).event
    pending = [registration.register(unsaved(event)) for _ in range(6)]
    barrier = threading.Barrier(len(pending))

    def confirm(kept):
        try:
            barrier.wait()
            registration.confirm(kept)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=[kept]) for kept in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(Registration.Status.CONFIRMED) == 2
    assert statuses.count(Registration.Status.WAITING) == 4


# --- Unconfirmed registrations forgotten ----------------------------------------------------------


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_unconfirmed_registrations_are_forgotten_with_their_letters_after_the_retention(
    settings_open, settings
):
    settings.REGISTRATION_UNCONFIRMED_DAYS = 14
    event = settings_open.event
    stale = registration.register(unsaved(event, email="stale@example.kz"))
    Registration.objects.filter(pk=stale.pk).update(consent_at=days_ago(15))
    fresh = registration.register(unsaved(event, email="fresh@example.kz"))
    Registration.objects.filter(pk=fresh.pk).update(consent_at=days_ago(13))
    old_but_confirmed = confirmed(event, email="kept@example.kz")
    Registration.objects.filter(pk=old_but_confirmed.pk).update(consent_at=days_ago(60))

    assert registration.forget_unconfirmed() == 1

    assert set(Registration.objects.values_list("email", flat=True)) == {
        "fresh@example.kz",
        "kept@example.kz",
    }
    assert not Letter.objects.filter(to="stale@example.kz").exists()
    assert Letter.objects.filter(to="fresh@example.kz").exists()
    assert Letter.objects.filter(to="kept@example.kz").count() == 2  # address, confirmed


def test_registering_again_restarts_the_retention(settings_open, settings):
    settings.REGISTRATION_UNCONFIRMED_DAYS = 14
    first = registration.register(unsaved(settings_open.event, email="again@example.kz"))
    Registration.objects.filter(pk=first.pk).update(
        created_at=days_ago(20), consent_at=days_ago(20)
    )
    registration.register(unsaved(settings_open.event, email="again@example.kz"))

    assert registration.forget_unconfirmed() == 0
    assert Registration.objects.get().email == "again@example.kz"


def test_waiting_checked_in_and_cancelled_registrations_are_never_forgotten(
    settings_open, settings
):
    """Only unconfirmed ones go: they hold no place, so forgetting them promotes nobody."""
    settings.REGISTRATION_UNCONFIRMED_DAYS = 14
    event = settings_open.event
    seated = confirmed(event)
    attendance.check_in(event, seated.person, Attendance.Source.DOOR)
    waiting = confirmed(event)
    registration.cancel(confirmed(event, mode=Mode.ONLINE))
    Registration.objects.update(consent_at=days_ago(100))

    assert registration.forget_unconfirmed(now=timezone.now()) == 0

    assert Registration.objects.count() == 3
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING
    assert not Letter.objects.filter(kind=Letter.Kind.REGISTRATION_PROMOTED).exists()


def test_the_command_forgets_and_says_how_many(settings_open, settings, caplog):
    settings.REGISTRATION_UNCONFIRMED_DAYS = 7
    for email in ("a@example.kz", "b@example.kz"):
        stale = registration.register(unsaved(settings_open.event, email=email))
        Registration.objects.filter(pk=stale.pk).update(consent_at=days_ago(8))
    out = io.StringIO()

    with caplog.at_level(logging.INFO, logger="participants.registration"):
        call_command("forget_unconfirmed_registrations", stdout=out)
        call_command("forget_unconfirmed_registrations", stdout=out)

    assert out.getvalue() == (
        "2 unconfirmed registrations forgotten.\n0 unconfirmed registrations forgotten.\n"
    )
    assert "Forgot 2 unconfirmed registrations" in caplog.text
    assert not Registration.objects.exists()
