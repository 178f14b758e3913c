"""Attendance: once per person, the video platform's report, the programme."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from participants import attendance
from participants.models import Attendance, Mode
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
    RoundTableFactory,
    organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return RoundTableFactory()


@pytest.fixture
def aliya(event):
    person = PersonFactory(
        surname_kk="Есбулатова",
        given_name_kk="Әлия",
        surname_ru="Есбулатова",
        given_name_ru="Алия",
        surname_en="Esbulatova",
        given_name_en="Aliya",
        email="aliya@example.kz",
    )
    ParticipationFactory(event=event, person=person, is_speaker=False, is_listed=False)
    return person


def test_checking_in_twice_keeps_the_first(event, aliya):
    first, created = attendance.check_in(event, aliya, Attendance.Source.DOOR)
    again, created_again = attendance.check_in(event, aliya, Attendance.Source.QR_CODE)
    assert created and not created_again and again == first
    assert Attendance.objects.get().source == Attendance.Source.DOOR


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_of_one_person_record_one():
    event = RoundTableFactory()
    person = ParticipationFactory(event=event).person
    barrier = threading.Barrier(4)
    results, errors = [], []

    def tap():
        try:
            barrier.wait()
            results.append(attendance.check_in(event, person, Attendance.Source.DOOR)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sorted(results) == [False, False, False, True]
    assert Attendance.objects.count() == 1


def test_the_programme_marks_speakers_and_the_moderator(event, aliya):
    speaker = ParticipationFactory(event=event, is_speaker=True).person
    moderator = ParticipationFactory(event=event, is_speaker=False, is_moderator=True).person
    user = organiser()
    assert attendance.mark_programme(event, user) == 2
    assert attendance.mark_programme(event, user) == 0
    marked = {a.person for a in Attendance.objects.all()}
    assert marked == {speaker, moderator}
    assert {a.source for a in Attendance.objects.all()} == {Attendance.Source.PROGRAMME}


ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Aliya Esbulatova,,12/06/2026 10:03:15 AM,12/06/2026 12:00:00 PM,117,Yes\n"
    "Иван Петров,ivan@example.kz,12/06/2026 10:05:00 AM,12/06/2026 12:00:00 PM,115,No\n"
    "Stranger,stranger@example.org,12/06/2026 10:06:00 AM,12/06/2026 11:00:00 AM,54,Yes\n"
)


def test_a_zoom_report_marks_people_by_e_mail_then_by_name(event, aliya):
    ivan = PersonFactory(email="", surname_ru="Петров", given_name_ru="Иван")
    ParticipationFactory(event=event, person=ivan, is_speaker=False)
    RegistrationFactory(event=event, person=ivan, email="ivan@example.kz", status="confirmed")

    report = attendance.import_online(event, ZOOM.encode("utf-8-sig"))

    assert report.marked == 2 and report.already == 0
    assert report.unmatched == [(4, "Stranger", "stranger@example.org")]
    marked = Attendance.objects.get(person=aliya)
    assert marked.mode == Mode.ONLINE and marked.source == Attendance.Source.ONLINE_IMPORT
    assert timezone.localtime(marked.checked_in_at).replace(tzinfo=None) == datetime.datetime(
        2026, 12, 6, 10, 3, 15
    )
    assert Attendance.objects.filter(person=ivan).exists()


def test_a_teams_report_in_utf_16_with_a_summary_above(event, aliya):
    teams = (
        "1. Summary\n"
        "Meeting title\tRound table\n"
        "\n"
        "2. Participants\n"
        "Name\tFirst Join\tLast Leave\tEmail\tRole\n"
        "Есбулатова Әлия\t12/6/26, 10:03:15 AM\t12/6/26, 12:00:00 PM\t\tAttendee\n"
    )
    report = attendance.import_online(event, teams.encode("utf-16"))
    assert report.marked == 1 and not report.unmatched


def test_a_report_read_twice_marks_nobody_twice(event, aliya):
    attendance.import_online(event, ZOOM.encode())
    report = attendance.import_online(event, ZOOM.encode())
    assert report.marked == 0 and report.already == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00\xd8", "not a CSV file"),
        (b"Leave Time,Duration\n1,2\n", "No line of the file names the columns"),
        (
            b"Name,Email,Join Time\nAliya Esbulatova,,yesterday\n",
            "Line 2: the join time “yesterday” is not a date and time.",
        ),
        (b"Name,Email,Join Time\nAliya Esbulatova\n", "Line 2 has 1 columns"),
    ],
)
def test_a_report_that_cannot_be_read_marks_nobody(event, aliya, content, message):
    with pytest.raises(ValidationError, match=message):
        attendance.import_online(event, content)
    assert not Attendance.objects.exists()


def test_one_bad_line_marks_nobody_of_the_good_ones(event, aliya):
    rows = "Name,Email,Join Time\nAliya Esbulatova,,2026-12-06 10:00:00\nX,,soon\n"
    with pytest.raises(ValidationError):
        attendance.import_online(event, rows.encode())
    assert not Attendance.objects.exists()


def test_the_search_needs_every_word(event, aliya):
    ParticipationFactory(event=event, person__surname_kk="Есбулатов", person__given_name_kk="Бек")
    assert [row["person"] for row in attendance.search(event, "есбулатов әлия")] == [aliya]
    assert attendance.search(event, "  ") == []
