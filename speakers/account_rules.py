"""Which accounts a person may be linked to, and which may be mailed a link that sets a password.

Organisers edit people, so whatever a Person holds (its e-mail above all) is theirs to write. The
rules here keep that from reaching further: a person is never linked to a staff or superuser
account nor to another person's, and a password link goes only to an ordinary active account, at
the account's own address. Nothing here, or anywhere, copies a Person's e-mail onto an account.
Every path that links an account or mails a password link asks these functions: the admin's
*account* field and `Person.clean`, invitations, password reset and the pages the links open.
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _


def linkable_accounts(person=None):
    """The accounts `person` may be linked to: not staff, not superusers, nobody else's."""
    free = Q(person__isnull=True)
    if person is not None and person.pk is not None:
        free |= Q(person=person)
    return get_user_model()._default_manager.filter(free, is_staff=False, is_superuser=False)


def link_refusal(user, person):
    """Why `person` may not be linked to `user`, as a sentence for the organiser; None if it may."""
    if user.is_staff or user.is_superuser:
        return _("%(account)s is a staff account; it cannot be a person's account.") % {
            "account": user.get_username()
        }
    other = getattr(user, "person", None)
    if other is not None and other.pk != person.pk:
        return _("%(account)s is already the account of %(other)s.") % {
            "account": user.get_username(),
            "other": other,
        }
    return None


def may_get_password_link(user):
    """Whether a letter may carry a link that sets `user`'s password (an invitation, a reset).

    Never for staff or superusers: their passwords are set in the admin or with
    ``manage.py changepassword``, so an e-mail address, wherever it came from, never opens them.
    """
    return user.is_active and not user.is_staff and not user.is_superuser


def is_account_address(user, address):
    """Whether `address` is the account's own: its e-mail, or, without one, its user name."""
    return same_address(user.email or user.get_username(), address)


def same_address(one, other):
    """Equal e-mail addresses up to letter case, as Unicode compares them (not only ASCII)."""
    return address_key(one) == address_key(other)


def address_key(address):
    """An e-mail address as compared and counted: letter case folded, as Unicode does it."""
    return unicodedata.normalize("NFKC", address).casefold()
