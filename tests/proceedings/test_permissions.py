"""Who sees papers under review and unpublished proceedings."""

import pytest

from proceedings import permissions
from tests import factories
from tests.factories import ProceedingsFactory, RoundTableFactory
from tests.proceedings import view_factories as make
from tests.roles import ROLES, user_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("published", [True, False])
def test_proceedings_are_read_once_published_and_before_by_organisers(role, published):
    proceedings = ProceedingsFactory(published=published)
    user = user_in(role, proceedings.event)
    assert permissions.can_preview(user) is (role == "organiser")
    expected = published or role == "organiser"
    assert permissions.viewable_by(user).filter(pk=proceedings.pk).exists() is expected


@pytest.mark.parametrize("role", [*ROLES, "its speaker"])
def test_a_paper_under_review_is_its_speakers_and_the_organisers_only(role):
    event = RoundTableFactory()
    author = factories.speaker()
    paper = make.paper_of(author, event)
    user = author if role == "its speaker" else user_in(role, event)
    assert permissions.can_view(user, paper) is (role in {"its speaker", "organiser"})
    assert permissions.is_organiser(user) is (role == "organiser")
