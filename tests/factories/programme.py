"""The round table and its programme."""

import datetime

import factory

from roundtable import releases
from roundtable.models import ProgrammeItem, Room, RoundTable
from tests.factories.people import ParticipationFactory, PersonFactory, RankFactory


class RoundTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundTable

    slug = factory.Sequence(lambda n: f"round-table-{n}")
    theme_kk = factory.Sequence(lambda n: f"Дөңгелек үстел тақырыбы {n}")
    theme_ru = factory.Sequence(lambda n: f"Тема круглого стола {n}")
    theme_en = ""
    kind_kk = "дөңгелек үстел"
    kind_ru = "круглый стол"
    date = datetime.date(2025, 5, 23)
    start = datetime.time(9, 0)
    venue_kk = "Алматы академиясы"
    venue_ru = "Алматинская академия"
    format = RoundTable.Format.MIXED
    published = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(RoundTableFactory)
    name_kk = factory.Sequence(lambda n: f"{n}-секция")
    name_ru = factory.Sequence(lambda n: f"Секция {n}")
    order = factory.Sequence(int)


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem
        skip_postgeneration_save = True

    event = factory.SubFactory(RoundTableFactory)
    start = datetime.time(9, 0)
    end = datetime.time(9, 10)
    kind = ProgrammeItem.Kind.TALK
    title_ru = factory.Sequence(lambda n: f"Доклад {n}")
    title_language = "ru"
    order = factory.Sequence(int)

    @factory.post_generation
    def speakers(self, create, people):
        if create and people:
            self.speakers.set(people)


def programme_of(event, talks):
    """`talks` two-minute talks from 09:00, each by its own speaker with a rank, released: a full
    event as the public sees it."""
    rank = RankFactory()
    start = datetime.datetime.combine(event.date, event.start)
    for number in range(talks):
        person = PersonFactory(rank=rank)
        ParticipationFactory(event=event, person=person, order=number)
        begins = start + datetime.timedelta(minutes=2 * number)
        ProgrammeItemFactory(
            event=event,
            start=begins.time(),
            end=(begins + datetime.timedelta(minutes=2)).time(),
            order=number,
            speakers=[person],
        )
    return release(event)


def release(event, comment=None):
    """Release `event`'s draft programme, as an organiser would, so the public sees it; returns
    the round table read again (with its current release)."""
    releases.release(event, None, comment)
    event.refresh_from_db()
    return event
