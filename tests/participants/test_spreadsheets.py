"""The participant list as CSV and XLSX, with the registrants the organisers listed."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from speakers.models import Participation
from tests.factories import ParticipationFactory, PersonFactory, RoundTableFactory, organiser
from tests.roles import user_in

pytestmark = pytest.mark.django_db


def url(name, event, lang="en"):
    with translation.override(lang):
        return reverse(f"roundtable:{name}", args=[event.slug])


@pytest.fixture
def event():
    event = RoundTableFactory()
    ParticipationFactory(event=event, person__surname_kk="=HYPERLINK", is_moderator=True)
    listed = PersonFactory(surname_kk="ТІЗІМДЕГІ", surname_ru="СПИСОЧНЫЙ")
    Participation.objects.create(event=event, person=listed, is_listed=True)
    unlisted = PersonFactory(surname_kk="ТІЗІМДЕ ЖОҚ", surname_ru="НЕ В СПИСКЕ")
    Participation.objects.create(event=event, person=unlisted, is_listed=False)
    return event


def test_the_csv_opens_in_excel_on_a_kazakh_or_russian_windows(client, event):
    client.force_login(organiser())
    response = client.get(url("participants_csv", event))
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with BOM
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["No.", "name in Kazakh", "name in Russian"]
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    names = [row[1] for row in table[1:]]
    assert len(names) == 2 and any("ТІЗІМДЕГІ" in name for name in names)
    assert not any("ТІЗІМДЕ ЖОҚ" in name for name in names)  # a registrant not listed
    assert any(name.startswith("'=") for name in names)  # no formula


def test_the_xlsx_has_the_same_rows(client, event):
    client.force_login(organiser())
    response = client.get(url("participants_xlsx", event))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        f'attachment; filename="participants-{event.slug}.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "name in Kazakh", "name in Russian")
    assert [row[0] for row in rows[1:]] == [1, 2]
    listed = next(row for row in rows if "ТІЗІМДЕГІ" in row[1])
    assert "СПИСОЧНЫЙ" in listed[2]
    assert any(row[1].startswith("'=") for row in rows) and sheet.freeze_panes == "A2"


def test_listing_a_registrant_adds_them(client, event):
    Participation.objects.filter(is_listed=False).update(is_listed=True)
    client.force_login(organiser())
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(url("participants_xlsx", event)).content)
    ).active
    assert sheet.max_row == 4


@pytest.mark.parametrize("role", ["anonymous", "outsider", "participant", "staff"])
def test_only_organisers_download_it(client, event, role):
    user = user_in(role, event)
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(url("participants_xlsx", event)).status_code in (302, 403)


def test_the_xlsx_takes_a_fixed_number_of_queries(client, event, django_assert_num_queries):
    ParticipationFactory.create_batch(10, event=event)
    client.force_login(organiser())
    # session, user, user's and groups' permissions, the event, participations with people
    with django_assert_num_queries(6):
        assert client.get(url("participants_xlsx", event)).status_code == 200
