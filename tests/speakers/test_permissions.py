"""Who sees which people, and who takes part in a round table."""

import pytest

from speakers import permissions
from tests.factories import ParticipationFactory, RoundTableFactory
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("published", [True, False])
def test_people_are_seen_with_their_round_table_and_by_organisers_always(role, published):
    person = ParticipationFactory(event=RoundTableFactory(published=published)).person
    event = person.participations.get().event
    user = user_in(role, event)
    expected = published or role == "organiser"
    assert permissions.viewable_by(user).filter(pk=person.pk).exists() is expected


@pytest.mark.parametrize("role", ROLES)
def test_only_a_participant_takes_part(role):
    event = RoundTableFactory()
    user = user_in(role, event)
    assert permissions.takes_part(user, event) is (role == "participant")
    assert permissions.takes_part(user, RoundTableFactory()) is False
