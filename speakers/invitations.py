"""Inviting speakers: an account for the person and a letter with a one-time link to set a password.

The link carries a token made by `invitation_tokens`. Like Django's password-reset token it hashes
the account's password, last sign-in and e-mail, so it stops working once the password is set (the
link works once), and it expires after ``settings.INVITATION_TIMEOUT`` seconds. Inviting again
sends a fresh link; earlier links of the same account keep working until the password is set.

Only an account that nobody can sign in to yet gets a link, and only at its own address
(`speakers.account_rules`); a person whose account has a password gets a letter that asks them to
sign in instead.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from speakers import account_rules, letters
from speakers.models import Invitation

DEFAULT_TIMEOUT = 14 * 24 * 60 * 60  # seconds


class InvitationError(Exception):
    """The person cannot be invited; the message says why, for the organiser."""


class LinkProblem:
    """Why an invitation link does not work (`InvitationTokenGenerator.problem`)."""

    INVALID = "invalid"  # not a link we made, or made for an earlier e-mail address
    USED = "used"  # the account's password has been set since: the link did its job
    EXPIRED = "expired"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset-style tokens with their own salt and lifetime (``INVITATION_TIMEOUT``).

    A password-reset token is never accepted as an invitation token, nor the other way round.
    """

    key_salt = "speakers.invitations.InvitationTokenGenerator"

    @property
    def timeout(self):
        return getattr(settings, "INVITATION_TIMEOUT", DEFAULT_TIMEOUT)

    def check_token(self, user, token):
        return self.problem(user, token) is None

    def problem(self, user, token):
        """None when `token` opens `user`'s invitation, else a `LinkProblem` value."""
        if not (user and token):
            return LinkProblem.INVALID
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return LinkProblem.INVALID
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            # The hash covers the password: once one is set, every earlier link stops matching.
            return LinkProblem.USED if user.has_usable_password() else LinkProblem.INVALID
        if self._num_seconds(self._now()) - timestamp > self.timeout:
            return LinkProblem.EXPIRED
        return None


invitation_tokens = InvitationTokenGenerator()


def valid_days():
    """How many whole days an invitation link works, as letters and pages say it."""
    return max(1, invitation_tokens.timeout // (24 * 60 * 60))


def invite(person, event, invited_by, request_or_base_url):
    """Give `person` an account if needed, record an `Invitation` and send the letter.

    `request_or_base_url` makes the links absolute: the current request, or a base such as
    ``"https://roundtable.example.kz"``. Returns the `Invitation`. Raises `InvitationError` when
    the person cannot be invited (no e-mail; the account is staff, another person's, deactivated,
    or registered to another address than the person's). The letter is queued
    (speakers/letters.py): a mail server that fails delays it and leaves the invitation recorded.
    """
    if not person.email:
        raise InvitationError(_("%(person)s has no e-mail address.") % {"person": person})
    with transaction.atomic():
        user = account_for(person)
        invitation = Invitation.objects.create(person=person, event=event, invited_by=invited_by)
        with translation.override(person.language):
            login_path = reverse("login")
            link_path = None if user.has_usable_password() else password_link_path(user)
        letters.send_letter(
            person,
            "invitation",
            {
                "event": event,
                "link": link_path and absolute(request_or_base_url, link_path),
                "login_link": absolute(request_or_base_url, login_path),
                "valid_days": valid_days(),
                "invited_by": invited_by,
            },
            reply_to=[invited_by.email] if invited_by and invited_by.email else None,
            about=invitation,
        )
    return invitation


def accept(user):
    """The account's password has been set: mark its person's open invitations accepted."""
    Invitation.objects.filter(person__user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )


def account_for(person):
    """The person's account: linked already, found by the e-mail as user name, or created.

    A new account has no usable password until the person sets one through the link. An existing
    account is never changed: its e-mail stays its own, and an account without a password is
    refused unless the person's address is the account's, as the link to set it goes there.
    """
    User = get_user_model()
    user = person.user
    if user is None:
        username = person.email.lower()
        user = User.objects.filter(username__iexact=username).select_related("person").first()
        if user is None:
            user = User.objects.create_user(username, email=person.email)
    refusal = account_rules.link_refusal(user, person)
    if refusal:
        raise InvitationError(_("%(person)s: %(reason)s") % {"person": person, "reason": refusal})
    if not user.is_active:
        raise InvitationError(
            _("%(person)s: the account %(account)s is deactivated.")
            % {"person": person, "account": user.get_username()}
        )
    if not user.has_usable_password() and not (
        account_rules.may_get_password_link(user)
        and account_rules.is_account_address(user, person.email)
    ):
        raise InvitationError(
            _(
                "%(person)s: the account %(account)s is registered to another e-mail address "
                "than %(email)s."
            )
            % {"person": person, "account": user.get_username(), "email": person.email}
        )
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return user


def password_link_path(user):
    """The path of the link that sets the password of `user`, in the active language."""
    return reverse(
        "accept_invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )


def absolute(request_or_base_url, path):
    if isinstance(request_or_base_url, str):
        return request_or_base_url.rstrip("/") + path
    return request_or_base_url.build_absolute_uri(path)
