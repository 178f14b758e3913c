"""Who may see and change papers and proceedings (see roundtable/permissions.py for the words
every app's permissions use)."""

from proceedings.models import Proceedings


def is_organiser(user):
    """Whether `user` decides on papers and acts for their speakers."""
    return user.has_perm("proceedings.change_paper")


def is_speaker_of(user, paper):
    return user.is_authenticated and paper.speaker.user_id == user.pk


def can_view(user, paper):
    """A paper under review is its speaker's and the organisers' only (its reviewers read it on
    their review page: proceedings/reviewing.py)."""
    return is_organiser(user) or is_speaker_of(user, paper)


def can_preview(user):
    """Whether `user` reads proceedings before they are published (organisers do)."""
    return user.has_perm("proceedings.view_proceedings")


def viewable_by(user):
    """The proceedings `user` may read: the published ones, every one for those who preview."""
    return (
        Proceedings.objects.all()
        if can_preview(user)
        else Proceedings.objects.filter(published=True)
    )
