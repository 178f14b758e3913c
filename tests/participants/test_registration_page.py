"""A registrant's own page (participants/views.py): their registration, now and next, and the
online link only for confirmed online listeners, only from half an hour before the start until
the programme ends."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from participants.models import Mode, Registration
from tests.factories import ProgrammeItemFactory, RegistrationFactory, RoundTableFactory, release
from tests.factories import superuser as make_superuser
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
LINK = "https://meet.example.kz/j/round-table-room"
Status = Registration.Status

CONFIRMED = Registration.Status.CONFIRMED


def almaty(day, hour, minute=0):
    return datetime.datetime(2025, 5, day, hour, minute, tzinfo=ALMATY)


@pytest.fixture
def event():
    """09:00–11:00 on 23 May 2025, online too."""
    event = RoundTableFactory(
        date=datetime.date(2025, 5, 23), start=datetime.time(9, 0), online_link=LINK
    )
    t = datetime.time
    ProgrammeItemFactory(event=event, start=t(9, 0), end=t(9, 30), title_ru="Открытие")
    ProgrammeItemFactory(event=event, start=t(9, 30), end=t(11, 0), title_ru="Доклады")
    return release(event)


def url_of(registration, language="en"):
    with translation.override(language):
        return reverse(
            "participants:page",
            kwargs={"slug": registration.event.slug, "token": registration.token},
        )


def visit(client, registration, language="en"):
    response = client.get(url_of(registration, language))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (almaty(22, 12), False),
        (almaty(23, 8, 29), False),
        (almaty(23, 8, 30), True),  # half an hour before the start
        (almaty(23, 9, 45), True),
        (almaty(23, 10, 59), True),
        (almaty(23, 11, 0), False),  # the programme has ended
        (almaty(24, 9), False),
    ],
)
def test_a_confirmed_online_listener_gets_the_link_in_its_time(client, clock, event, now, shown):
    clock(now)
    registration = RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)
    assert (LINK in visit(client, registration).text) is shown


def test_before_its_time_the_page_says_when_the_link_comes_and_reloads_then(client, clock, event):
    clock(almaty(23, 7, 30))
    html = visit(
        client, RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED), "ru"
    ).text
    assert "появится здесь за полчаса до начала: 23 мая 2025 г. в 08:30" in html
    assert '<meta http-equiv="refresh" content="3600">' in html  # at 08:30 the link is there


def test_a_day_ahead_the_page_does_not_reload_itself(client, clock, event):
    clock(almaty(22, 7, 30))
    html = visit(client, RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)).text
    assert "will appear here on 23 May 2025 at 08:30" in html
    assert 'http-equiv="refresh"' not in html


def test_without_a_link_given_the_page_says_so(client, clock, event):
    event.online_link = ""
    event.save()
    clock(almaty(23, 9))
    html = visit(client, RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)).text
    assert "have not given the link to join online yet" in html


def test_after_the_programme_the_link_is_closed(client, clock, event):
    clock(almaty(23, 11, 5))
    html = visit(client, RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)).text
    assert "the link to join online is closed" in html
    assert LINK not in html


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        (Mode.ONSITE, Status.CONFIRMED),
        (Mode.ONLINE, Status.WAITING),
        (Mode.ONLINE, Status.CANCELLED),
        (Mode.ONLINE, Status.UNCONFIRMED),
    ],
)
def test_no_one_else_gets_the_link(client, clock, event, mode, status):
    clock(almaty(23, 9, 45))
    registration = RegistrationFactory(event=event, mode=mode, status=status)
    html = visit(client, registration).text
    assert LINK not in html
    assert "Joining online" not in html
    assert registration.get_status_display() in html


@pytest.mark.parametrize("role", [*ROLES, "superuser"])
def test_the_token_alone_opens_the_page_whoever_is_signed_in(client, clock, event, role):
    clock(almaty(23, 9, 45))
    registration = RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)
    user = make_superuser() if role == "superuser" else user_in(role, event)
    if user.is_authenticated:
        client.force_login(user)
    assert LINK in visit(client, registration).text
    wrong = client.get(url_of(registration).replace(registration.token, "x" + registration.token))
    assert wrong.status_code == 404
    assert LINK not in wrong.text


def test_the_page_is_private_and_not_indexed(client, clock, event):
    clock(almaty(23, 9, 45))
    registration = RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)
    first = visit(client, registration)
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert first["X-Robots-Tag"] == "noindex, nofollow"
    assert first["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in first.text
    assert 'rel="canonical"' not in first.text
    # Not kept by the page cache: once the registration is cancelled, the link is gone.
    Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
    assert LINK not in visit(client, registration).text


def test_the_page_shows_now_and_next(client, clock, event):
    clock(almaty(23, 9, 40))
    html = visit(client, RegistrationFactory(event=event, status=CONFIRMED), "ru").text
    assert 'class="now-next"' in html
    assert "Доклады" in html


def test_an_unpublished_round_tables_registration_is_not_found(client, event):
    event.published = False
    event.save()
    registration = RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)
    assert client.get(url_of(registration)).status_code == 404


def test_a_post_is_refused(client, event):
    registration = RegistrationFactory(event=event, status=CONFIRMED)
    assert client.post(url_of(registration)).status_code == 405


@pytest.mark.parametrize("items", [2, 40])
def test_queries_do_not_grow_with_the_programme(
    client, clock, event, items, django_assert_num_queries
):
    t = datetime.datetime(2025, 5, 23, 11, 0)
    for number in range(items - 2):
        begins = t + datetime.timedelta(minutes=2 * number)
        ProgrammeItemFactory(
            event=event, start=begins.time(), end=(begins + datetime.timedelta(minutes=2)).time()
        )
    release(event)
    clock(almaty(23, 9, 45))
    registration = RegistrationFactory(event=event, mode=Mode.ONLINE, status=CONFIRMED)
    with django_assert_num_queries(3):  # the registration with its round table, items, speakers
        html = visit(client, registration).text
    assert html.count("data-starts=") == items
