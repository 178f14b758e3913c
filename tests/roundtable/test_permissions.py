"""Who sees which round tables: everyone the published ones, organisers the others too."""

import pytest

from roundtable import permissions
from tests.factories import RoundTableFactory
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("published", [True, False])
def test_a_round_table_is_seen_by_everyone_once_published_and_before_by_organisers(role, published):
    event = RoundTableFactory(published=published)
    user = user_in(role, event)
    expected = published or role == "organiser"
    assert permissions.can_preview(user) is (role == "organiser")
    assert permissions.viewable_by(user).filter(pk=event.pk).exists() is expected
