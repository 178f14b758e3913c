"""Who may see people, and who takes part in a round table: the person a user signs in as, on
its roster (see roundtable/permissions.py for the words every app's permissions use)."""

from django.db.models import Exists, OuterRef, Q

from roundtable import permissions as roundtable_permissions
from roundtable.models import ReleasedItem
from speakers.models import Participation, Person


def appearing_in(events):
    """A condition on people: on the roster or in the released programme of one of `events`
    (the draft is the organisers')."""
    return Q(Exists(Participation.objects.filter(person=OuterRef("pk"), event__in=events))) | Q(
        Exists(ReleasedItem.objects.filter(speakers=OuterRef("pk"), release__current_of__in=events))
    )


def viewable_by(user):
    """The people `user` may see: those of the round tables they may see; organisers (who may view
    people in the admin) everyone."""
    if user.has_perm("speakers.view_person"):
        return Person.objects.all()
    return Person.objects.filter(appearing_in(roundtable_permissions.viewable_by(user)))


def participations_of(user):
    """The participations of the person `user` signs in as (none for anonymous users)."""
    if not user.is_authenticated:
        return Participation.objects.none()
    return Participation.objects.filter(person__user=user)


def takes_part(user, event):
    return participations_of(user).filter(event=event).exists()
