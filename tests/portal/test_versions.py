"""A round table's data version moves with every change a reader could see, and only then."""

import pytest

from portal import versions
from proceedings.models import Paper
from roundtable import schedule
from roundtable.models import RoundTable
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    ProceedingsFactory,
    ProgrammeItemFactory,
    RankFactory,
    ResolutionFactory,
    ResolutionItemFactory,
    RoomFactory,
    RoundTableFactory,
)

pytestmark = pytest.mark.django_db


def version(event):
    event.refresh_from_db(fields=["data_version", "data_changed_at"])
    return event.data_version


class Watch:
    """Versions of round tables before a change, to compare after it."""

    def __init__(self, *events):
        self.events = events
        self.before = [version(event) for event in events]

    def moved(self):
        return [version(event) > old for event, old in zip(self.events, self.before, strict=True)]


def test_editing_the_event_and_its_programme_moves_its_version_only():
    event, other = RoundTableFactory(), RoundTableFactory()
    item = ProgrammeItemFactory(event=event)

    watch = Watch(event, other)
    item.title_ru = "Новое название"
    item.save()
    assert watch.moved() == [True, False]

    watch = Watch(event, other)
    item.delete()
    assert watch.moved() == [True, False]

    watch = Watch(event, other)
    event.theme = "Жаңа тақырып"
    event.save()
    assert watch.moved() == [True, False]


def test_a_room_saved_or_deleted_moves_its_round_table_s_version_only():
    event, other = RoundTableFactory(), RoundTableFactory()

    watch = Watch(event, other)
    room = RoomFactory(event=event)
    assert watch.moved() == [True, False]

    watch = Watch(event, other)
    room.chair = PersonFactory()
    room.save()
    assert watch.moved() == [True, False]

    watch = Watch(event, other)
    room.delete()
    assert watch.moved() == [True, False]


def test_saving_a_round_table_read_before_an_edit_never_brings_an_old_version_back():
    """An organiser's form holds the round table as it was read; a programme edit made meanwhile
    has cached pages under a newer version, which this save must move past, not return to."""
    event = RoundTableFactory()
    as_read = RoundTable.objects.get(pk=event.pk)
    ProgrammeItemFactory(event=event)
    cached_under = version(event)
    as_read.theme_ru = "Новая тема"
    as_read.save()
    assert version(event) > cached_under
    event.refresh_from_db()
    assert event.theme_ru == "Новая тема"


def test_speakers_added_from_either_side_and_people_edited_move_their_events():
    event, other = RoundTableFactory(), RoundTableFactory()
    item = ProgrammeItemFactory(event=event)
    person = PersonFactory()

    watch = Watch(event, other)
    item.speakers.add(person)
    assert watch.moved() == [True, False]

    watch = Watch(event, other)
    person.programme_items.remove(item)
    assert watch.moved() == [True, False]

    ParticipationFactory(event=other, person=person)
    watch = Watch(event, other)
    person.surname_ru = "Иванов"
    person.save()
    assert watch.moved() == [False, True]


def test_deleting_a_speaker_who_is_only_in_the_programme_moves_their_event():
    event, other = RoundTableFactory(), RoundTableFactory()
    speaker = PersonFactory()
    ProgrammeItemFactory(event=event).speakers.add(speaker)

    watch = Watch(event, other)
    speaker.delete()
    assert watch.moved() == [True, False]


def test_a_vocabulary_term_is_printed_everywhere_so_every_event_moves():
    event, other = RoundTableFactory(), RoundTableFactory()
    rank = RankFactory()
    watch = Watch(event, other)

    rank.save()

    assert watch.moved() == [True, True]


def test_shifting_the_programme_in_bulk_moves_the_version():
    event = RoundTableFactory()
    first = ProgrammeItemFactory(event=event)
    watch = Watch(event)

    schedule.shift_from(first, 5)

    assert watch.moved() == [True]


def test_papers_authors_proceedings_and_the_resolution_move_their_event():
    event = RoundTableFactory()
    paper = PaperFactory(event=event)
    watch = Watch(event)
    AuthorFactory(paper=paper)
    assert watch.moved() == [True]

    watch = Watch(event)
    Paper.objects.get(pk=paper.pk).save()
    assert watch.moved() == [True]

    watch = Watch(event)
    ProceedingsFactory(event=event)
    assert watch.moved() == [True]

    item = ResolutionItemFactory(section__resolution=ResolutionFactory(event=event))
    watch = Watch(event)
    item.text_ru = "поддерживать волонтёров;"
    item.save()
    assert watch.moved() == [True]


def test_deleting_a_round_table_with_everything_in_it_goes_through():
    event = RoundTableFactory()
    AuthorFactory(paper=PaperFactory(event=event))
    ResolutionItemFactory(section__resolution=ResolutionFactory(event=event))

    event.delete()

    assert not RoundTable.objects.filter(pk=event.pk).exists()
    assert not Paper.objects.exists()


def test_cache_keys_and_etags_change_with_the_version_and_the_language():
    event = RoundTableFactory()
    key = versions.cache_key(event, "programme", "kk")
    assert versions.cache_key(event, "programme", "ru") != key

    ProgrammeItemFactory(event=event)
    version(event)

    assert versions.cache_key(event, "programme", "kk") != key
