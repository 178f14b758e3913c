"""The registration pages and the organisers' check-in pages."""

import datetime
from urllib.parse import quote

import icalendar
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from participants import registration
from participants.models import Attendance, Mode, Registration
from roundtable.models import RoundTable
from speakers.models import Letter, Participation
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    organiser,
    superuser,
)
from tests.pages import text_of
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return RegistrationSettingsFactory(onsite_capacity=10).event


def url(name, *args, lang="kk"):
    with translation.override(lang):
        return reverse(f"participants:{name}", args=args)


def form_data(**changes):
    return {
        "surname": "Есбулатова",
        "given_name": "Әлия",
        "patronymic": "",
        "email": "aliya@example.kz",
        "organisation": "Алматы академиясы",
        "position": "аға оқытушы",
        "mode": "onsite",
        "consent": "on",
        **changes,
    }


def confirmed(event, **fields):
    return registration.confirm(
        registration.register(RegistrationFactory.build(event=event, **fields))
    )


def test_the_event_page_links_to_the_open_registration(client, event):
    link = url("register", event.slug, lang="en")
    assert link in client.get(event.get_absolute_url()).content.decode()
    event.registration_settings.is_open = False
    event.registration_settings.save()  # the page cached before is not served again
    assert link not in client.get(event.get_absolute_url()).content.decode()


def test_the_form_offers_the_modes_the_format_allows(client, event):
    page = client.get(url("register", event.slug)).content.decode()
    assert 'value="onsite"' in page and 'value="online"' in page
    event.format = RoundTable.Format.REMOTE
    event.save()
    page = client.get(url("register", event.slug)).content.decode()
    assert 'type="hidden" name="mode" value="online"' in page


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_registering_keeps_the_language_and_the_consent_as_worded(client, event, lang):
    response = client.post(url("register", event.slug, lang=lang), form_data())
    assert response.status_code == 302
    kept = Registration.objects.get()
    assert kept.language == lang
    assert "Law of the Republic of Kazakhstan" in kept.consent_text or lang != "en"
    assert kept.consent_text and "aliya@example.kz" in client.get(response.url).content.decode()


def test_the_consent_is_required(client, event):
    response = client.post(url("register", event.slug, lang="en"), form_data(consent=""))
    assert response.status_code == 200
    assert "Without your consent" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_duplicate_address_says_so_and_keeps_what_was_typed(client, event):
    confirmed(event, email="aliya@example.kz")
    response = client.post(
        url("register", event.slug, lang="en"), form_data(organisation="Жаңа ұйым")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "already registered" in page and 'value="Жаңа ұйым"' in page


def test_a_closed_registration_says_so(client, event):
    event.registration_settings.opens_at = timezone.now() + datetime.timedelta(days=2)
    event.registration_settings.save()
    response = client.get(url("register", event.slug, lang="en"))
    assert "Registration has not opened yet." in response.content.decode()
    client.post(url("register", event.slug, lang="en"), form_data())
    assert not Registration.objects.exists()


def test_a_round_table_without_registration_has_no_form(client):
    event = RegistrationFactory().event
    assert client.get(url("register", event.slug)).status_code == 404


def test_registrations_from_one_address_are_limited(client, event, settings):
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    for number in range(2):
        client.post(url("register", event.slug), form_data(email=f"a{number}@example.kz"))
    response = client.post(url("register", event.slug), form_data(email="a9@example.kz"))
    assert response.status_code == 429
    assert Registration.objects.count() == 2


def test_the_confirmation_link_opens_a_button_and_post_confirms(client, event):
    pending = registration.register(RegistrationFactory.build(event=event))
    page = client.get(url("confirm", event.slug, pending.token))
    assert page.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Registration.Status.UNCONFIRMED  # a mail scanner confirms nothing
    response = client.post(url("confirm", event.slug, pending.token))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Registration.Status.CONFIRMED


def test_a_confirmation_link_older_than_the_retention_is_not_found(client, event, settings):
    settings.REGISTRATION_UNCONFIRMED_DAYS = 14
    pending = registration.register(RegistrationFactory.build(event=event))
    Registration.objects.filter(pk=pending.pk).update(
        consent_at=timezone.now() - datetime.timedelta(days=15)
    )
    page = client.get(url("confirm", event.slug, pending.token, lang="en"))
    assert page.status_code == 404
    # The page says why, and the way on: registering again.
    text = text_of(page.text)
    assert "This confirmation link no longer works" in text
    assert "A confirmation link works for 14 days" in text
    assert f'href="{url("register", event.slug, lang="en")}"' in page.text
    assert client.post(url("confirm", event.slug, pending.token)).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Registration.Status.UNCONFIRMED


def test_a_forgotten_registration_s_link_says_so_in_the_visitor_s_language(client, event):
    pending = registration.register(RegistrationFactory.build(event=event))
    Registration.objects.filter(pk=pending.pk).delete()  # as forget_unconfirmed does
    page = client.get(url("confirm", event.slug, pending.token))
    assert page.status_code == 404
    assert "Бұл растау сілтемесі енді жарамсыз" in text_of(page.text)


def test_a_wrong_token_is_not_found(client, event):
    confirmed(event)
    assert client.get(url("page", event.slug, "not-a-token")).status_code == 404
    assert client.post(url("cancel", event.slug, "not-a-token")).status_code == 404


def test_the_registration_page_shows_the_qr_code_and_calendar(client, event):
    kept = confirmed(event)
    response = client.get(url("page", event.slug, kept.token))
    page = response.content.decode()
    assert url("qr_code", event.slug, kept.token) in page
    assert url("calendar", event.slug, kept.token) in page
    assert "no-store" in response["Cache-Control"]


def test_the_calendar_entry_has_the_round_table_and_the_online_link(client, event):
    event.online_link = "https://meet.example.kz/rt"
    event.save()
    kept = confirmed(event, mode=Mode.ONLINE)
    response = client.get(url("calendar", event.slug, kept.token))
    entry = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == event.theme_kk
    assert "https://meet.example.kz/rt" in str(entry["DESCRIPTION"])
    assert entry.decoded("DTSTART").date() == event.date


def test_the_calendar_entry_is_an_attachment_named_after_the_round_table(client, event):
    event.theme_kk = "Құқық: «цифрлық» қоғам"
    event.save()
    kept = confirmed(event)
    response = client.get(url("calendar", event.slug, kept.token))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{event.slug}.ics"; '
        f"filename*=utf-8''{quote('Құқық «цифрлық» қоғам.ics')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "ETag" not in response


def test_the_qr_code_is_an_attachment_named_for_its_owner(client, event):
    kept = confirmed(event)
    response = client.get(url("qr_code", event.slug, kept.token, lang="ru"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="check-in-{event.slug}.png"; '
        f"filename*=utf-8''{quote(f'QR-код для отметки на входе — {kept.full_name}.png')}"
    )
    assert "no-store" in response["Cache-Control"]


def test_the_qr_code_carries_the_check_in_address(client, event, tmp_path):
    kept = confirmed(event)
    response = client.get(url("qr_code", event.slug, kept.token))
    assert response["Content-Type"] == "image/png"
    path = tmp_path / "qr.png"
    path.write_bytes(response.content)
    (decoded,) = zxingcpp.read_barcodes(Image.open(path))
    assert decoded.text == registration.check_in_link(kept)
    assert "/check-in/" in decoded.text and kept.token not in decoded.text


def test_no_qr_code_or_calendar_without_a_place(client, event):
    pending = registration.register(RegistrationFactory.build(event=event))
    assert client.get(url("qr_code", event.slug, pending.token)).status_code == 404
    assert client.get(url("calendar", event.slug, pending.token)).status_code == 404


def test_cancelling_asks_then_cancels_on_post(client, event):
    kept = confirmed(event)
    assert client.get(url("cancel", event.slug, kept.token)).status_code == 200
    kept.refresh_from_db()
    assert kept.status == Registration.Status.CONFIRMED
    response = client.post(url("cancel", event.slug, kept.token), follow=True)
    kept.refresh_from_db()
    assert kept.status == Registration.Status.CANCELLED
    assert Letter.objects.filter(kind=Letter.Kind.REGISTRATION_CANCELLED).exists()
    assert response.status_code == 200


def test_the_registration_page_takes_a_fixed_number_of_queries(
    client, event, django_assert_num_queries
):
    RegistrationFactory.create_batch(5, event=event)
    # the round table with its registration settings
    with django_assert_num_queries(1):
        assert client.get(url("register", event.slug)).status_code == 200


# --- Check-in -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_check_people_in(client, event, role):
    kept = confirmed(event)
    user = user_in(role, event)
    if user.is_authenticated:
        client.force_login(user)
    token = registration.check_in_token(kept)
    for page in (url("check_in", event.slug), url("check_in_registration", event.slug, token)):
        response = client.get(page)
        if role == "organiser":
            assert response.status_code == 200
        elif role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url
        else:
            assert response.status_code == 403
    client.post(url("check_in_registration", event.slug, token))
    assert Attendance.objects.exists() == (role == "organiser")


def test_the_registrant_cannot_check_themself_in(client, event):
    kept = confirmed(event)
    client.force_login(user_in("participant", event))
    token = registration.check_in_token(kept)
    assert client.post(url("check_in_registration", event.slug, token)).status_code == 403


def test_superusers_check_people_in(client, event):
    client.force_login(superuser())
    assert client.get(url("check_in", event.slug)).status_code == 200


@pytest.mark.parametrize("query", ["есбулатова", "ЕСБУЛАТОВА әлия", "Esbulatova", "алия"])
def test_search_finds_a_name_in_kazakh_russian_or_latin_whatever_the_case(client, event, query):
    person = PersonFactory(
        surname_kk="Есбулатова",
        given_name_kk="Әлия",
        surname_ru="Есбулатова",
        given_name_ru="Алия",
        surname_en="Esbulatova",
        given_name_en="Aliya",
    )
    ParticipationFactory(event=event, person=person, is_listed=False, is_speaker=False)
    ParticipationFactory(event=event)  # someone else
    client.force_login(organiser())
    page = client.get(url("check_in", event.slug), {"q": query}).content.decode()
    assert f'name="person" value="{person.pk}"' in page
    assert page.count('name="person"') == 1


def test_one_tap_checks_in_at_the_door_and_twice_says_already(client, event):
    person = ParticipationFactory(event=event).person
    user = organiser()
    client.force_login(user)
    for _ in range(2):
        response = client.post(
            f"{url('check_in', event.slug, lang='en')}?q=x", {"person": person.pk}, follow=True
        )
    attendance = Attendance.objects.get()
    assert attendance.source == Attendance.Source.DOOR and attendance.checked_in_by == user
    assert "was already checked in" in response.content.decode()


def test_the_door_checks_in_only_the_round_tables_people(client, event):
    stranger = PersonFactory()
    client.force_login(organiser())
    response = client.post(url("check_in", event.slug), {"person": stranger.pk})
    assert response.status_code == 404 and not Attendance.objects.exists()


def test_the_qr_code_page_checks_in_by_qr_code(client, event):
    kept = confirmed(event)
    client.force_login(organiser())
    page = url("check_in_registration", event.slug, registration.check_in_token(kept))
    assert "Есбулатова Әлия" in client.get(page).content.decode()
    client.post(page)
    attendance = Attendance.objects.get()
    assert attendance.source == Attendance.Source.QR_CODE and attendance.person == kept.person


def test_a_qr_code_of_another_round_table_is_not_found(client, event):
    kept = confirmed(event)
    other = RegistrationSettingsFactory().event
    client.force_login(organiser())
    page = url("check_in_registration", other.slug, registration.check_in_token(kept))
    assert client.get(page).status_code == 404


@pytest.mark.parametrize("people", [3, 12])
def test_the_check_in_page_takes_a_fixed_number_of_queries(
    client, event, django_assert_num_queries, people
):
    event.registration_settings.onsite_capacity = 0
    event.registration_settings.save()
    for _ in range(people):
        participation = ParticipationFactory(event=event, person__surname_kk="Есбулатова")
        Attendance.objects.create(
            event=event, person=participation.person, source=Attendance.Source.DOOR
        )
        confirmed(event)  # waiting: the round table is full
    client.force_login(organiser())
    # session, user, user's and groups' permissions, the round table, participations with
    # people (and whether they wait), their attendance
    with django_assert_num_queries(7):
        response = client.get(url("check_in", event.slug), {"q": "есбулатова"})
    page = response.content.decode()
    assert page.count("check-in-done") == people
    assert page.count("check-in-waiting") == people
    assert Participation.objects.filter(event=event).count() == 2 * people


def full(event):
    """The round table with its one seat taken: the next registrant waits."""
    event.registration_settings.onsite_capacity = 1
    event.registration_settings.save()
    return confirmed(event, surname="Сейітқали")


def test_the_search_marks_the_waiting_without_a_button_to_check_them_in(client, event):
    seated = full(event)
    waiting = confirmed(event)
    assert waiting.status == Registration.Status.WAITING
    client.force_login(organiser())

    page = client.get(url("check_in", event.slug, lang="en"), {"q": "Әлия"}).content.decode()

    assert f'name="person" value="{seated.person.pk}"' in page
    assert f'name="person" value="{waiting.person.pk}"' not in page
    assert "on the waiting list: no seat" in page


def test_the_door_refuses_to_check_in_someone_waiting_and_says_why(client, event):
    full(event)
    waiting = confirmed(event)
    client.force_login(organiser())

    response = client.post(
        f"{url('check_in', event.slug, lang='en')}?q=x", {"person": waiting.person.pk}, follow=True
    )

    assert not Attendance.objects.exists()
    assert f"{waiting.person.full_name} has no seat" in response.content.decode()


def test_someone_waiting_whom_an_organiser_listed_is_checked_in(client, event):
    full(event)
    waiting = confirmed(event)
    Participation.objects.filter(person=waiting.person).update(is_speaker=True)
    client.force_login(organiser())
    client.post(url("check_in", event.slug), {"person": waiting.person.pk})
    assert Attendance.objects.get().person == waiting.person


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_qr_code_page_refuses_a_registrant_without_a_seat(client, event, cancelled):
    seated = full(event)
    registrant = registration.cancel(seated) if cancelled else confirmed(event)
    assert registrant.status != Registration.Status.CONFIRMED
    client.force_login(organiser())
    token = registration.check_in_token(registrant)

    page = client.get(url("check_in_registration", event.slug, token, lang="en")).content.decode()
    assert "check-in-button" not in page and "No seat" in page
    response = client.post(url("check_in_registration", event.slug, token, lang="en"), follow=True)

    assert not Attendance.objects.exists()
    assert "has no seat" in response.content.decode()
