"""Who may read, change and amend a resolution (see roundtable/permissions.py for the words every
app's permissions use): the published text is public; the round table's participants follow the
discussion and propose amendments; drafts are the organisers'."""

from django.db.models import Q

from resolutions.models import Resolution
from speakers.permissions import participations_of, takes_part

Status = Resolution.Status


def is_organiser(user):
    """Whether `user` writes resolutions and moves them between statuses."""
    return user.has_perm("resolutions.change_resolution")


def can_view(user, resolution):
    if resolution.status == Status.PUBLISHED or is_organiser(user):
        return True
    return resolution.status != Status.DRAFT and takes_part(user, resolution.event)


def viewable_by(user):
    """The resolutions `user` may read, as `can_view` decides for one."""
    if is_organiser(user):
        return Resolution.objects.all()
    taking_part = participations_of(user).values("event")
    return Resolution.objects.filter(
        Q(status=Status.PUBLISHED) | (~Q(status=Status.DRAFT) & Q(event__in=taking_part))
    )


def viewable_versions(user, resolution):
    """The saved versions `user` may read, as `can_view` decides for the text: every one for
    organisers; from the discussion on for the round table's participants; the published ones
    for everyone else (a draft saved before publication stays the organisers')."""
    versions = resolution.versions.all()
    if is_organiser(user):
        return versions
    if takes_part(user, resolution.event):
        return versions.exclude(status=Status.DRAFT)
    return versions.filter(status=Status.PUBLISHED)


def can_propose(user, resolution):
    return resolution.status == Status.DISCUSSION and (
        is_organiser(user) or takes_part(user, resolution.event)
    )
