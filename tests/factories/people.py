"""People: the roster's persons and their participation, and accounts of every role."""

import factory
from django.conf import settings
from django.contrib.auth.models import Group, User

from speakers.models import Participation, Person, Rank


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

    event = factory.SubFactory("tests.factories.programme.RoundTableFactory")
    person = factory.SubFactory(PersonFactory)
    is_speaker = True
    order = factory.Sequence(int)


# Every test account signs in with this password (tests that sign in through the form type it).
PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


def staff(username=None, **kwargs):
    """A staff account outside the organisers' group: no rights over round tables' content."""
    if username is not None:
        kwargs["username"] = username
    return UserFactory(is_staff=True, **kwargs)


def organiser(username=None, **kwargs):
    """A staff account in the organisers' group, as organisers are made on the site."""
    user = staff(username, **kwargs)
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user


def participant(event, **kwargs):
    """A signed-up user who takes part in `event` (not an organiser)."""
    user = UserFactory(**kwargs)
    ParticipationFactory(event=event, person__user=user)
    return user


def superuser(**kwargs):
    """A superuser: every right, in and out of the admin."""
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


def speaker(username="serik", **person):
    """An account linked to a person, as an invitation leaves a speaker."""
    email = f"{username}@example.kz"
    user = User.objects.create_user(username, email=email, password=PASSWORD)
    PersonFactory(user=user, email=email, **person)
    return user
