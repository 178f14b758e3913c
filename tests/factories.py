"""Factories for unit tests: small, explicit data in each language column."""

import datetime

import factory
from django.conf import settings
from django.contrib.auth.models import Group, User

from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Participation, Person, Rank


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


class RankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rank

    name_kk = "полиция полковнигі"
    name_ru = "полковник полиции"
    name_en = "Police Colonel"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    surname_kk = factory.Sequence(lambda n: f"ҚОЙШЫБАЕВ{n}")
    surname_ru = factory.Sequence(lambda n: f"КОЙШИБАЕВ{n}")
    given_name_kk = "Ануар"
    given_name_ru = "Ануар"
    patronymic_kk = "Талғатұлы"
    patronymic_ru = "Талгатович"
    position_kk = "аға оқытушы"
    position_ru = "старший преподаватель"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(RoundTableFactory)
    person = factory.SubFactory(PersonFactory)
    is_speaker = True
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
    """`talks` two-minute talks from 09:00, each by its own speaker with a rank: a full event."""
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
    return event


# Every test account signs in with this password (tests that sign in through the form type it).
PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


def staff(**kwargs):
    """A staff account outside the organisers' group: no rights over round tables' content."""
    return UserFactory(is_staff=True, **kwargs)


def organiser(**kwargs):
    """A staff account in the organisers' group, as organisers are made on the site."""
    user = staff(**kwargs)
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user


def participant(event, **kwargs):
    """A signed-up user who takes part in `event` (not an organiser)."""
    user = UserFactory(**kwargs)
    ParticipationFactory(event=event, person__user=user)
    return user
