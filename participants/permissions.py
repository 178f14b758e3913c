"""Who may check people in and see registrations (see roundtable/permissions.py for the words
every app's permissions use). Registrants reach their own registration by its secret link only."""

from participants.models import Attendance, Registration


def is_organiser(user):
    """Organisers check people in: they may add attendances and view registrations."""
    return user.is_active and user.has_perms(
        [
            f"participants.add_{Attendance._meta.model_name}",
            f"participants.view_{Registration._meta.model_name}",
        ]
    )
