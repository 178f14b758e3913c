"""Signing in with an e-mail address, and the account a typed name stands for."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def accounts_named(name):
    """The accounts a typed name may sign in as: the user name in any letter case and, for a name
    with an "@", the e-mail address in any letter case."""
    User = get_user_model()
    named = Q(**{f"{User.USERNAME_FIELD}__iexact": name})
    if "@" in name:
        named |= Q(**{f"{User.get_email_field_name()}__iexact": name})
    return User._default_manager.filter(named).order_by("pk")


class EmailBackend(ModelBackend):
    """Authenticates an e-mail address, in any letter case, against User.email or the user name.

    Only identifiers with an "@" are looked up here; user names such as the organisers'
    "organiser" are left to `ModelBackend`, listed after this one in AUTHENTICATION_BACKENDS.
    When several accounts share the address, the password decides which one signs in.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None or "@" not in username:
            return None
        found = False
        for user in accounts_named(username.strip()):
            found = True
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        if not found:
            # Take as long as a wrong password would, so the answer does not tell which
            # addresses have accounts.
            User().set_password(password)
        return None


def sign_in_name(request, credentials):
    """The name django-axes counts failed sign-ins under (AXES_USERNAME_CALLABLE): the account's.

    Whether someone typed the user name, the e-mail or either in another letter case, failures
    count against the one account it signs in as, named by its e-mail (so accounts sharing an
    address share the count) or, without one, its user name. A name no account has counts as
    typed, in lower case, and locks just the same: the lock does not tell which accounts exist.
    """
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "data", request.POST).get("username")
    typed = (typed or "").strip()
    account = accounts_named(typed).first() if typed else None
    if account is None:
        return typed.lower()
    return (account.email or account.get_username()).strip().lower()
