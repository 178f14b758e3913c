"""Who may see round tables: everyone the published ones; organisers (who may view round tables
in the admin) preview the others too.

Each app says what its users may do in a `permissions.py` of its own, in the same words:
`can_view`, `can_preview`, `is_organiser`, and `viewable_by(user)` for the queryset of what
`user` may see."""

from roundtable.models import RoundTable


def can_preview(user):
    """Whether `user` sees round tables before they are published."""
    return user.has_perm("roundtable.view_roundtable")


def viewable_by(user):
    """The round tables `user` may see, with the resolution, the proceedings and the current
    schedule release joined in: every event page links to them, and the programme is read from
    the release."""
    events = RoundTable.objects.select_related(
        "resolution", "proceedings", "call", "current_release"
    )
    return events if can_preview(user) else events.published()
