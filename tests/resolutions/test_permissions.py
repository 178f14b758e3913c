"""Who reads a resolution in each status: the rule for one resolution (`can_view`) and the list
of those a user may read (`viewable_by`, the API's) say the same."""

import pytest

from resolutions import permissions
from resolutions.models import Resolution
from tests.factories import resolution_with
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db
Status = Resolution.Status

READERS = {
    Status.DRAFT: {"organiser"},
    Status.DISCUSSION: {"participant", "organiser"},
    Status.ADOPTED: {"participant", "organiser"},
    Status.PUBLISHED: set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", list(Status))
def test_a_resolution_is_read_by_whom_its_status_allows_alike_alone_and_in_a_list(role, status):
    resolution = resolution_with(sections=0, status=status)
    user = user_in(role, resolution.event)
    expected = role in READERS[status]
    assert permissions.can_view(user, resolution) is expected
    assert permissions.viewable_by(user).filter(pk=resolution.pk).exists() is expected


@pytest.mark.parametrize("role", ROLES)
def test_amendments_are_proposed_under_discussion_by_participants_and_organisers(role):
    resolution = resolution_with(sections=0, status=Status.DISCUSSION)
    user = user_in(role, resolution.event)
    assert permissions.can_propose(user, resolution) is (role in {"participant", "organiser"})
    assert permissions.is_organiser(user) is (role == "organiser")
