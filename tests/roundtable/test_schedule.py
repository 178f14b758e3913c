import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import translation

from roundtable import schedule
from roundtable.models import ProgrammeItem
from tests.factories import ProgrammeItemFactory, RoomFactory, RoundTableFactory

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return datetime.time(hour, minute)


def check_constraints_now():
    """The no-overlap constraint is deferred to commit; tests run inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_database_refuses_overlapping_items_of_one_event():
    talk = ProgrammeItemFactory(start=at(9), end=at(9, 10))
    ProgrammeItemFactory(event=talk.event, start=at(9, 5), end=at(9, 15))
    with pytest.raises(IntegrityError, match="programme_items_do_not_overlap"):
        check_constraints_now()


def test_database_accepts_back_to_back_items_and_other_events_at_the_same_time():
    talk = ProgrammeItemFactory(start=at(9), end=at(9, 10))
    ProgrammeItemFactory(event=talk.event, start=at(9, 10), end=at(9, 20))
    ProgrammeItemFactory(start=at(9), end=at(9, 10))  # another round table
    check_constraints_now()
    assert ProgrammeItem.objects.count() == 3


def test_rooms_of_one_day_run_in_parallel_but_each_room_keeps_one_item_at_a_time():
    hall = ProgrammeItemFactory(start=at(9), end=at(9, 30))
    first, second = RoomFactory(event=hall.event), RoomFactory(event=hall.event)
    ProgrammeItemFactory(event=hall.event, room=first, start=at(9), end=at(9, 30))
    ProgrammeItemFactory(event=hall.event, room=second, start=at(9, 10), end=at(9, 20))
    check_constraints_now()  # and from here on, at each write
    with pytest.raises(IntegrityError, match="programme_items_do_not_overlap"):
        ProgrammeItemFactory(event=hall.event, room=second, start=at(9, 15), end=at(9, 25))


def test_find_clash_looks_in_the_item_s_own_room_only():
    hall = ProgrammeItemFactory(start=at(9), end=at(9, 30))
    room = RoomFactory(event=hall.event)
    elsewhere = ProgrammeItemFactory(event=hall.event, room=room, start=at(9), end=at(9, 30))
    candidate = ProgrammeItem(event=hall.event, room=room, start=at(9, 20), end=at(9, 40))
    assert schedule.find_clash(candidate, [hall, elsewhere]) == elsewhere
    candidate.room = None
    assert schedule.find_clash(candidate, [hall, elsewhere]) == hall


def test_an_item_cannot_take_another_round_table_s_room():
    item = ProgrammeItemFactory(room=RoomFactory())
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "room" in refused.value.message_dict


def test_database_refuses_an_item_that_ends_before_it_starts():
    with pytest.raises(IntegrityError, match="programme_item_ends_after_start"):
        ProgrammeItemFactory(start=at(10), end=at(9, 50))


def test_untimed_items_never_clash():
    talk = ProgrammeItemFactory(start=at(9), end=at(9, 10))
    ProgrammeItemFactory(event=talk.event, start=None, end=None, kind="closing")
    ProgrammeItemFactory(event=talk.event, start=None, end=None, kind="break")
    check_constraints_now()


def test_model_validation_requires_both_times_and_end_after_start():
    event = RoundTableFactory()
    with pytest.raises(ValidationError, match="both a start and an end"):
        ProgrammeItem(event=event, start=at(9), title_ru="x").full_clean()
    with pytest.raises(ValidationError, match="end must be after the start"):
        ProgrammeItem(event=event, start=at(9), end=at(9), title_ru="x").full_clean()


def test_find_clash_names_the_overlapping_item():
    opening = ProgrammeItemFactory(start=at(9), end=at(9, 5), title_ru="Вступительное слово")
    candidate = ProgrammeItem(event=opening.event, start=at(9, 3), end=at(9, 10))
    clash = schedule.find_clash(candidate, opening.event.programme_items.all())
    assert clash == opening
    with translation.override("en"):
        message = schedule.clash_error(candidate, clash).messages[0]
    assert message == "09:03–09:10 overlaps “Вступительное слово” (09:00–09:05)."


def test_shift_moves_the_item_and_all_later_ones_only():
    first = ProgrammeItemFactory(start=at(9), end=at(9, 10))
    second = ProgrammeItemFactory(event=first.event, start=at(9, 10), end=at(9, 20))
    third = ProgrammeItemFactory(event=first.event, start=at(9, 20), end=at(9, 30))
    closing = ProgrammeItemFactory(event=first.event, start=None, end=None, kind="closing")

    moved = schedule.shift_from(second, 15)
    check_constraints_now()

    assert {item.pk for item in moved} == {second.pk, third.pk}
    times = {i.pk: (i.start, i.end) for i in ProgrammeItem.objects.all()}
    assert times[first.pk] == (at(9), at(9, 10))
    assert times[second.pk] == (at(9, 25), at(9, 35))
    assert times[third.pk] == (at(9, 35), at(9, 45))
    assert times[closing.pk] == (None, None)


def test_shift_earlier_onto_a_fixed_item_is_refused_and_changes_nothing():
    first = ProgrammeItemFactory(start=at(9), end=at(9, 10), title_ru="Открытие")
    second = ProgrammeItemFactory(event=first.event, start=at(9, 10), end=at(9, 20))
    with pytest.raises(ValidationError, match="Открытие"):
        schedule.shift_from(second, -5)
    second.refresh_from_db()
    assert (second.start, second.end) == (at(9, 10), at(9, 20))


def test_shift_past_midnight_is_refused():
    late = ProgrammeItemFactory(start=at(23, 30), end=at(23, 50))
    with pytest.raises(ValidationError, match="day"):
        schedule.shift_from(late, 20)
    late.refresh_from_db()
    assert late.start == at(23, 30)
