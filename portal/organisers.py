"""The organisers' group: staff who edit round tables through the admin without being superusers."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

# Apps whose models organisers add, change, delete and view.
ORGANISER_APPS = ("roundtable", "speakers", "resolutions", "proceedings", "participants")

DEMO_USERNAME = "organiser"


def sync_organisers_group(app_config, **kwargs):
    """post_migrate: keep the group holding every permission of the organisers' apps.

    Runs after each of those apps has migrated, so permissions of models added later join too.
    """
    if app_config.label not in ORGANISER_APPS:
        return
    group, _ = Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS))


def organiser_accounts():
    """The active staff accounts of the organisers' group, whom the site tells what speakers do."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=settings.ORGANISERS_GROUP)
        .order_by("pk")
    )


def create_demo_organiser():
    """A staff account in the organisers' group with a fresh password; returns (user, password)."""
    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.update_or_create(
        username=DEMO_USERNAME,
        defaults={"is_staff": True, "is_superuser": False, "email": "organiser@example.org"},
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=settings.ORGANISERS_GROUP))
    return user, password
