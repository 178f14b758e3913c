"""The organisers' desk: registration settings, registrations listed in the participant list,
attendance imported from the video platform and marked from the programme."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from participants import registration
from participants.models import Attendance, Registration
from speakers.models import Participation
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationSettingsFactory,
    organiser,
    staff,
    superuser,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:participants_registration_changelist"


@pytest.fixture
def event():
    return RegistrationSettingsFactory().event


def confirmed(event, **fields):
    return registration.confirm(
        registration.register(RegistrationFactory.build(event=event, **fields))
    )


def act(client, action, *registrations):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 403), ("organiser", 200), ("superuser", 200)]
)
@pytest.mark.parametrize(
    "page",
    [
        CHANGELIST,
        "admin:participants_registrationsettings_changelist",
        "admin:participants_attendance_changelist",
        "admin:participants_attendance_import",
        "admin:participants_attendance_programme",
    ],
)
def test_the_desk_is_the_organisers(client, who, status, page):
    client.force_login({"staff": staff, "organiser": organiser, "superuser": superuser}[who]())
    response = client.get(reverse(page))
    assert response.status_code == status or (status == 403 and response.status_code == 302)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_registrations_are_filtered_and_searched(client, event):
    confirmed(event, surname="Ахметова", email="a@example.kz")
    RegistrationFactory(event=event, surname="Бекова", status=Registration.Status.WAITING)
    client.force_login(organiser())
    page = client.get(reverse(CHANGELIST), {"status": "waiting"}).content.decode()
    assert "Бекова" in page and "Ахметова" not in page
    page = client.get(reverse(CHANGELIST), {"q": "ахмет"}).content.decode()
    assert "Ахметова" in page and "Бекова" not in page


def test_organisers_list_a_registrant_and_remove_them(client, event):
    kept = confirmed(event)
    pending = registration.register(RegistrationFactory.build(event=event))
    client.force_login(organiser())

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = act(client, "list_in_participants", kept, pending)
    participation = Participation.objects.get(event=event, person=kept.person)
    assert participation.is_listed
    assert "Left as they were, not being registered: 1." in response.content.decode()
    with translation.override("kk"):
        participants_page = client.get(
            reverse("roundtable:participants", args=[event.slug])
        ).content.decode()
    assert "Есбулатова" in participants_page

    act(client, "remove_from_participants", kept)
    participation.refresh_from_db()
    assert not participation.is_listed


def test_the_list_of_registrations_takes_a_fixed_number_of_queries(
    client, event, django_assert_num_queries
):
    client.force_login(organiser())
    for count in (2, 8):
        while Registration.objects.count() < count:
            confirmed(event)
        # session, user, permissions (user's, groups'), count, count all, the page of
        # registrations with their round table, the round tables of the filter
        with django_assert_num_queries(8):
            assert client.get(reverse(CHANGELIST)).status_code == 200


def test_the_video_platforms_report_is_imported(client, event):
    person = PersonFactory(email="aliya@example.kz")
    ParticipationFactory(event=event, person=person, is_speaker=False)
    report = "Name,Email,Join Time\nA,aliya@example.kz,\nStranger,s@example.org,\n"
    client.force_login(organiser())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("admin:participants_attendance_import"),
        {"event": event.pk, "report": SimpleUploadedFile("report.csv", report.encode())},
    )
    page = response.content.decode()
    assert "Marked as online: 1; already marked: 0." in page
    assert "s@example.org" in page  # the row that matched nobody
    assert Attendance.objects.get().source == Attendance.Source.ONLINE_IMPORT


def test_a_report_that_cannot_be_read_says_why(client, event):
    client.force_login(organiser())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "kk"
    response = client.post(
        reverse("admin:participants_attendance_import"),
        {"event": event.pk, "report": SimpleUploadedFile("report.csv", b"a,b\n1,2\n")},
    )
    # In the organiser's language.
    assert "Файлдың бірде-бір жолында бағандардың атаулары жоқ" in response.content.decode()
    assert not Attendance.objects.exists()


def test_speakers_are_marked_from_the_programme(client, event):
    ParticipationFactory(event=event, is_speaker=True)
    client.force_login(organiser())
    client.post(reverse("admin:participants_attendance_programme"), {"event": event.pk})
    assert Attendance.objects.get().source == Attendance.Source.PROGRAMME


def test_attendance_marked_by_hand(client, event):
    person = PersonFactory()
    user = organiser()
    client.force_login(user)
    add = reverse("admin:participants_attendance_add")
    assert 'value="manual" selected' in client.get(add).content.decode()
    client.post(
        add,
        {
            "event": event.pk,
            "person": person.pk,
            "mode": "online",
            "source": "manual",
            "checked_in_at_0": "2026-12-06",
            "checked_in_at_1": "10:00:00",
        },
    )
    marked = Attendance.objects.get()
    assert marked.source == Attendance.Source.MANUAL and marked.checked_in_by == user
