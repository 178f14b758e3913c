"""Fixtures for the API tests: clients per role, and a small published world.

Roles, as the site has them: anonymous, a speaker (an account linked to a person), another
speaker, an organiser (the organisers' group), staff without the group, a superuser.
"""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from proceedings.models import BookBuild, Paper
from resolutions.models import Resolution
from speakers.models import AcademicTitle, Degree
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    ParticipationFactory,
    PersonFactory,
    ProceedingsFactory,
    ProgrammeItemFactory,
    RankFactory,
    RoomFactory,
    RoundTableFactory,
    SectionFactory,
    finished_build,
    release,
    resolution_with,
    two_pages_each,
)


class ReadingFirst(APIClient):
    """A client that changes or deletes an object as a careful client does: it reads the object
    first and sends the ETag read in If-Match (unless the request gives an If-Match)."""

    def with_etag(self, path, extra):
        if "HTTP_IF_MATCH" not in extra and "ETag" in (read := self.get(path)):
            return {**extra, "HTTP_IF_MATCH": read["ETag"]}
        return extra

    def put(self, path, data=None, format=None, content_type=None, follow=False, **extra):
        extra = self.with_etag(path, extra)
        return super().put(path, data, format, content_type, follow, **extra)

    def patch(self, path, data=None, format=None, content_type=None, follow=False, **extra):
        extra = self.with_etag(path, extra)
        return super().patch(path, data, format, content_type, follow, **extra)

    def delete(self, path, data=None, format=None, content_type=None, follow=False, **extra):
        extra = self.with_etag(path, extra)
        return super().delete(path, data, format, content_type, follow, **extra)


def client_of(user=None, *, client_class=ReadingFirst):
    """An API client sending `user`'s token (a new one), or an anonymous one; it reads what it
    changes first (ReadingFirst), or sends what it is given with `client_class=APIClient`."""
    client = client_class(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anonymous(db):
    return client_of()


def round_table(number=0, *, talks=2):
    """A published round table as the public sees it: `talks` talks with their speakers, a
    parallel room chaired by the first speaker, a published resolution, and published
    proceedings whose current book holds two papers (an older build and a draft paper stay out
    of sight)."""
    event = RoundTableFactory(date=datetime.date(2025, 5, 1) + datetime.timedelta(days=number))
    # Vocabulary entries, one of each per round table (the API lists them all).
    Degree.objects.create(name_kk=f"ғылым кандидаты {number}", abbreviation_kk="ғ.к.")
    AcademicTitle.objects.create(name_kk=f"профессор {number}", name_ru=f"профессор {number}")
    RankFactory(name_kk=f"полиция полковнигі {number}", name_ru=f"полковник полиции {number}")
    # A parallel room, chaired by the first speaker; the talks are in the round table's hall.
    room = RoomFactory(event=event, name_en=f"Room {number}")
    people = []
    for index in range(talks):
        person = PersonFactory()
        people.append(person)
        ParticipationFactory(event=event, person=person, order=index)
        ProgrammeItemFactory(
            event=event,
            start=datetime.time(10, 10 * index),
            end=datetime.time(10, 10 * index + 10),
            speakers=[person],
        )
    room.chair = people[0] if people else None
    room.save()
    release(event)
    resolution = resolution_with(sections=2, items=2, event=event)
    Resolution.objects.filter(pk=resolution.pk).update(status=Resolution.Status.PUBLISHED)
    proceedings = ProceedingsFactory(event=event, published=True)
    section = SectionFactory(event=event)
    papers = [
        PaperFactory(event=event, speaker=person, section=section, status=Paper.Status.ACCEPTED)
        for person in people[:2]
    ]
    for paper in papers:
        AuthorFactory.create_batch(2, paper=paper)
    old = finished_build(proceedings, two_pages_each(papers[:1], first_page=101))
    BookBuild.objects.filter(pk=old.pk).update(finished_at=old.requested_at.replace(year=2024))
    finished_build(proceedings, two_pages_each(papers))
    PaperFactory(event=event, speaker=people[0])  # a draft: never public
    return event


@pytest.fixture
def event(db):
    return round_table()
