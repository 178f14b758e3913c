"""The programme and participants as CSV: for organisers only, readable by Excel and scripts."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoundTableFactory,
    organiser,
    participant,
    programme_of,
)

pytestmark = pytest.mark.django_db

EXPORTS = ["programme_csv", "participants_csv"]


def url(name, event, language="ru"):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs={"slug": event.slug})


def rows(response):
    """The table as Excel reads it: UTF-8 after the byte order mark."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def event():
    return RoundTableFactory()


@pytest.mark.parametrize("name", EXPORTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, event, name):
    response = client.get(url(name, event))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", EXPORTS)
def test_speakers_and_staff_outside_the_organisers_are_refused(client, event, name):
    for user in (
        participant(event),  # takes part in this very round table
        participant(RoundTableFactory()),
        User.objects.create_user("guest", is_staff=True),
    ):
        client.force_login(user)
        assert client.get(url(name, event)).status_code == 403


@pytest.mark.parametrize("name", EXPORTS)
def test_organisers_download_even_before_publication(client, name):
    event = RoundTableFactory(published=False)
    client.force_login(organiser())
    response = client.get(url(name, event))
    assert len(rows(response)) == 1  # the headers
    assert response["Content-Disposition"] == (
        f'attachment; filename="{name.replace("_csv", "")}-{event.slug}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    with translation.override("ru"):
        missing = reverse(f"roundtable:{name}", kwargs={"slug": "no-such-round-table"})
    assert client.get(missing).status_code == 404


def test_programme_has_kazakh_and_russian_columns_as_printed(client, demo_event):
    client.force_login(organiser())
    table = rows(client.get(url("programme_csv", demo_event, language="en")))

    assert table[0] == [
        "start",
        "end",
        "kind",
        "title in Kazakh",
        "title in Russian",
        "language of the title",
        "speakers in Kazakh",
        "speakers in Russian",
        "positions in Kazakh",
        "positions in Russian",
    ]
    assert len(table) == 1 + 27
    opening = table[1]
    assert opening[:2] == ["09:00", "09:05"]
    assert opening[3:5] == ["Кіріспе сөз", "Вступительное слово"]
    assert opening[6] == "ДИЛЬБАРХАНОВА Жанат Рахимжановна"
    assert opening[7] == "ДИЛЬБАРХАНОВА Жанат Рахимжановна"
    assert "бастығының орынбасары" in opening[8]
    assert "заместитель начальника" in opening[9]
    talk = table[2]
    # A talk written in Kazakh keeps its title in both programmes.
    assert talk[3] == talk[4]
    assert talk[3].startswith("Патрульдік полиция")
    assert talk[5] == "kk"
    closing = table[-1]
    assert closing[:2] == ["", ""]
    assert closing[4] == "Подведение итогов, завершение работы круглого стола"


def test_participants_have_names_positions_roles_and_e_mail(client, event):
    person = PersonFactory(surname_kk="ҚОЙШЫБАЕВ", surname_ru="КОЙШИБАЕВ", email="anuar@example.kz")
    ParticipationFactory(event=event, person=person, is_moderator=True, order=1)
    ParticipationFactory(event=event, order=2, is_speaker=False)
    client.force_login(organiser())
    table = rows(client.get(url("participants_csv", event, language="en")))

    assert table[0] == [
        "No.",
        "name in Kazakh",
        "name in Russian",
        "position in Kazakh",
        "position in Russian",
        "roles",
        "e-mail",
    ]
    assert table[1] == [
        "1",
        "ҚОЙШЫБАЕВ Ануар Талғатұлы",
        "КОЙШИБАЕВ Ануар Талгатович",
        "аға оқытушы",
        "старший преподаватель",
        "moderator, speaker, participant",
        "anuar@example.kz",
    ]
    assert table[2][0] == "2"
    assert table[2][5] == "participant"


def test_a_cell_that_looks_like_a_formula_stays_text(client, event):
    ProgrammeItemFactory(event=event, title_ru='=HYPERLINK("http://example.org")')
    client.force_login(organiser())
    table = rows(client.get(url("programme_csv", event)))
    assert table[1][4] == '\'=HYPERLINK("http://example.org")'


@pytest.mark.parametrize("talks", [5, 50])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # session, user, user's and groups' permissions, the event, items, their speakers
        ("programme_csv", 7),
        # session, user, user's and groups' permissions, the event, participations with people
        ("participants_csv", 6),
    ],
)
def test_spreadsheet_queries_do_not_grow(client, django_assert_num_queries, talks, name, queries):
    event = programme_of(RoundTableFactory(), talks)
    client.force_login(organiser())
    with django_assert_num_queries(queries):
        table = rows(client.get(url(name, event)))
    assert len(table) == 1 + talks
