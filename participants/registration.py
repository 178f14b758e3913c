"""Listeners' registration: received, its address confirmed, a place or the waiting list.

`register` keeps the registration as typed (UNCONFIRMED) and writes to the address a letter with
a confirmation link: anyone can type anyone's address, so nothing reaches the roster before the
address's owner uses it. `confirm` then matches a person by that address or adds one, gives them
a Participation that is not listed until an organiser lists it, and a place (CONFIRMED) or a turn
on the waiting list (WAITING) of their mode. `cancel` frees the place, and the first registrant
waiting for that mode gets it (`promote`). A registration nobody confirms is forgotten,
with its letters, REGISTRATION_UNCONFIRMED_DAYS after its last letter (`forget_unconfirmed`).

Places are counted under a lock on the round table's RegistrationSettings row, so concurrent
confirmations and cancellations never give more places than there are.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participants.models import Mode, Registration, RegistrationSettings
from roundtable.calendar import absolute
from roundtable.models import RoundTable
from speakers import people
from speakers.letters import write
from speakers.models import Letter, Participation, Person

logger = logging.getLogger(__name__)

CHECK_IN_SALT = "participants.registration.check-in"

FORMAT_MODES = {
    RoundTable.Format.ON_SITE: [Mode.ONSITE],
    RoundTable.Format.REMOTE: [Mode.ONLINE],
    RoundTable.Format.MIXED: [Mode.ONSITE, Mode.ONLINE],
}


def modes(event):
    """The ways of taking part that the round table's format allows."""
    return FORMAT_MODES.get(event.format, [Mode.ONSITE])


def settings_of(event):
    return RegistrationSettings.objects.filter(event=event).first()


def register(registration):
    """Store `registration` (unsaved, from the form) and write the confirmation letter.

    Raises ValidationError when registration is not open (code "closed") or the address is
    already registered (code "duplicate"); then nothing is stored. Registering again while the
    first registration is unconfirmed replaces what it said and writes the letter again.
    """
    event = registration.event
    registration_settings = settings_of(event)
    state = registration_settings.state() if registration_settings else None
    if state != RegistrationSettings.State.OPEN:
        message = RegistrationSettings.State(state).label if state else _("Registration is closed.")
        raise ValidationError(message, code="closed")
    if registration.mode not in modes(event):
        raise ValidationError(_("This round table cannot be followed this way."), code="mode")
    registration.consent_at = timezone.now()
    try:
        with transaction.atomic():
            earlier = (
                Registration.objects.select_for_update()
                .filter(event=event, email__iexact=registration.email)
                .exclude(status=Registration.Status.CANCELLED)
                .first()
            )
            if earlier is not None and earlier.status != Registration.Status.UNCONFIRMED:
                raise ValidationError(already_registered(), code="duplicate")
            if earlier is not None:
                registration.pk, registration.token = earlier.pk, earlier.token
                registration.created_at = earlier.created_at
            registration.save()
            letter(
                registration,
                "registration_address",
                confirm_link=link(registration, "confirm"),
                valid_days=settings.REGISTRATION_UNCONFIRMED_DAYS,
            )
    except IntegrityError as error:  # the same address sent twice at once
        raise ValidationError(already_registered(), code="duplicate") from error
    return registration


def forget_unconfirmed(now=None):
    """Delete the registrations whose address nobody confirmed within
    REGISTRATION_UNCONFIRMED_DAYS of their last letter, and those letters: a name and an address
    typed by someone who never confirmed are not kept. Returns how many.

    An unconfirmed registration holds no place and no turn on the waiting list (`has_room`
    counts confirmed ones, `promote` takes waiting ones), so nobody is promoted by it."""
    with transaction.atomic():
        stale = list(
            Registration.objects.filter(
                status=Registration.Status.UNCONFIRMED, consent_at__lt=unconfirmed_cutoff(now)
            ).values_list("pk", flat=True)
        )
        Letter.objects.filter(
            about_type=ContentType.objects.get_for_model(Registration),
            about_id__in=[str(pk) for pk in stale],
        ).delete()
        Registration.objects.filter(pk__in=stale).delete()
    logger.info("Forgot %d unconfirmed registrations", len(stale))
    return len(stale)


def unconfirmed_cutoff(now=None):
    """Unconfirmed registrations whose last letter is older than this are forgotten."""
    return (now or timezone.now()) - timedelta(days=settings.REGISTRATION_UNCONFIRMED_DAYS)


def link_expired(registration):
    """Whether the confirmation link of `registration` is too old to use, as its letter says,
    even before `forget_unconfirmed` has run."""
    return (
        registration.status == Registration.Status.UNCONFIRMED
        and registration.consent_at < unconfirmed_cutoff()
    )


def already_registered():
    return _(
        "This address is already registered for the round table. The letter we sent to it has a "
        "link to your registration, where you can also cancel it."
    )


def link(registration, name):
    """The absolute address of the registration's page `name` (confirm, cancel, page, calendar,
    qr_code) in the registrant's language."""
    with translation.override(registration.language):
        return absolute(
            reverse(f"participants:{name}", args=[registration.event.slug, registration.token])
        )


def check_in_token(registration):
    """What the letter's QR code carries: the registration signed, not its secret token, so the
    code (printed, shown on a phone) cannot cancel the registration."""
    return signing.dumps(registration.pk, salt=CHECK_IN_SALT)


def check_in_link(registration):
    with translation.override(registration.language):
        return absolute(
            reverse(
                "participants:check_in_registration",
                args=[registration.event.slug, check_in_token(registration)],
            )
        )


def registration_checked_in(token, event):
    """The registration a QR code names, when it is one of `event`'s; else None."""
    try:
        pk = signing.loads(token, salt=CHECK_IN_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event", "person").filter(pk=pk, event=event).first()


def registration_of(token, slug, events=None):
    """The registration whose links carry `token`, for round table `slug` (one of `events`, a
    queryset, when given); None if none."""
    registrations = Registration.objects.select_related("event", "person")
    if events is not None:
        registrations = registrations.filter(event__in=events)
    return registrations.filter(token=token, event__slug=slug).first()


def letter(registration, name, **context):
    return write(
        registration.email,
        registration.language,
        name,
        {"registration": registration, "event": registration.event, **context},
        person=registration.person,
        about=registration,
    )


def place_letter(registration, name):
    """The letter of a place taken: the online link or the venue, calendar, QR code, cancel."""
    return letter(
        registration,
        name,
        page_link=link(registration, "page"),
        calendar_link=link(registration, "calendar"),
        qr_code_link=link(registration, "qr_code"),
        cancel_link=link(registration, "cancel"),
    )


def locked_settings(event_id):
    return RegistrationSettings.objects.select_for_update().get(event_id=event_id)


def has_room(registration_settings, mode, leaving=None):
    capacity = registration_settings.capacity(mode)
    if capacity is None:
        return True
    taken = Registration.objects.filter(
        event_id=registration_settings.event_id, mode=mode, status=Registration.Status.CONFIRMED
    )
    if leaving is not None:
        taken = taken.exclude(pk=leaving.pk)
    return taken.count() < capacity


def confirm(registration):
    """The registrant confirmed their address: a person, a participation, a place or a turn.

    Returns the registration. Confirming twice changes nothing the second time.
    """
    with transaction.atomic():
        registration_settings = locked_settings(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.UNCONFIRMED:
            return registration
        registration.person = person_for(registration)
        Participation.objects.get_or_create(
            event_id=registration.event_id,
            person=registration.person,
            defaults={"is_listed": False, "is_speaker": False},
        )
        registration.confirmed_at = timezone.now()
        if has_room(registration_settings, registration.mode):
            registration.status = Registration.Status.CONFIRMED
            registration.save()
            place_letter(registration, "registration_confirmed")
        else:
            registration.status = Registration.Status.WAITING
            registration.save()
            letter(registration, "registration_waiting", cancel_link=link(registration, "cancel"))
    return registration


def person_for(registration):
    """The person with the registration's address, or a new one named as the registrant typed."""
    person = people.with_address(registration.email)
    if person is not None:
        return person
    lang = registration.language if registration.language in ("kk", "ru", "en") else "kk"
    names = {
        f"{field}_{code}": getattr(registration, field)
        for field in ("surname", "given_name", "patronymic")
        # Kazakh and Russian are both printed; an English name is kept as English only.
        for code in ((lang,) if lang == "en" else ("kk", "ru"))
    }
    return Person.objects.create(
        slug=people.unique_slug(f"{registration.surname} {registration.given_name}", "listener"),
        email=registration.email,
        language=lang,
        **names,
        **{f"position_{lang}": registration.position},
        **{f"organisation_{lang}": registration.organisation},
    )


def cancel(registration):
    """The registrant cancelled: the place goes to the first registrant waiting for that mode.

    Returns the registration; cancelling twice changes nothing the second time.
    """
    with transaction.atomic():
        registration_settings = locked_settings(registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return registration
        held_place = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save()
        if registration.person_id:
            # The participation the registration made, unless an organiser has given it a role.
            Participation.objects.filter(
                event_id=registration.event_id,
                person_id=registration.person_id,
                is_listed=False,
                is_speaker=False,
                is_moderator=False,
            ).delete()
        letter(registration, "registration_cancelled")
        if held_place:
            promote(registration_settings, registration.mode)
    return registration


def promote(registration_settings, mode):
    """Give the freed place of `mode` to the registrant waiting longest, if there is room."""
    waiting = (
        Registration.objects.select_for_update()
        .filter(
            event_id=registration_settings.event_id, mode=mode, status=Registration.Status.WAITING
        )
        .order_by("confirmed_at", "pk")
        .first()
    )
    if waiting is None or not has_room(registration_settings, mode):
        return None
    waiting.status = Registration.Status.CONFIRMED
    waiting.save(update_fields=["status"])
    place_letter(waiting, "registration_promoted")
    return waiting
