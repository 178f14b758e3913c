"""The people the permission tests ask about, one per role, for a given round table."""

from django.contrib.auth.models import AnonymousUser

from tests.factories import UserFactory, organiser, participant, staff

ROLES = ["anonymous", "outsider", "participant", "staff", "organiser"]


def user_in(role, event):
    """A user of `role` for `event`: a participant takes part in it, an outsider in nothing."""
    return {
        "anonymous": AnonymousUser,
        "outsider": UserFactory,
        "participant": lambda: participant(event),
        "staff": staff,
        "organiser": organiser,
    }[role]()
