"""roundtable 0008/0009: a site deployed before schedule releases keeps its public programme, as
release 1 of every round table with items, the items' revisions (SEQUENCE) kept."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roundtable", "0007_rooms")]
AFTER = [("roundtable", "0009_programmeitem_sequence_in_releases")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Every app's latest migration again afterwards, for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_programmes_become_release_one(latest_schema_after):
    old = migrate(BEFORE)
    RoundTable = old.get_model("roundtable", "RoundTable")
    ProgrammeItem = old.get_model("roundtable", "ProgrammeItem")
    Person = old.get_model("speakers", "Person")
    fields = {"date": datetime.date(2025, 5, 23), "start": datetime.time(9), "published": True}
    with_programme = RoundTable.objects.create(slug="with", theme_kk="Т", venue_kk="В", **fields)
    RoundTable.objects.create(slug="without", theme_kk="Т", venue_kk="В", **fields)
    speaker = Person.objects.create(slug="speaker", surname_kk="Әлиев", given_name_kk="Асқар")
    talk = ProgrammeItem.objects.create(
        event=with_programme,
        start=datetime.time(9),
        end=datetime.time(9, 10),
        kind="talk",
        title_ru="Доклад",
        title_language="ru",
        sequence=3,
    )
    talk.speakers.add(speaker)

    new = migrate(AFTER)
    RoundTable = new.get_model("roundtable", "RoundTable")
    ReleasedItem = new.get_model("roundtable", "ReleasedItem")
    event = RoundTable.objects.get(slug="with")
    assert event.current_release.version == 1
    [released] = ReleasedItem.objects.filter(release=event.current_release)
    assert (released.item_key, released.title_ru, released.sequence) == (talk.pk, "Доклад", 3)
    assert [person.slug for person in released.speakers.all()] == ["speaker"]
    assert RoundTable.objects.get(slug="without").current_release is None
