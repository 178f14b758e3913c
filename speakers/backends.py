"""Signing in with an e-mail address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


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
        address = username.strip()
        candidates = User._default_manager.filter(
            Q(**{f"{User.get_email_field_name()}__iexact": address})
            | Q(**{f"{User.USERNAME_FIELD}__iexact": address})
        ).order_by("pk")
        found = False
        for user in candidates:
            found = True
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        if not found:
            # Take as long as a wrong password would, so the answer does not tell which
            # addresses have accounts.
            User().set_password(password)
        return None


def sign_in_name(request, credentials):
    """The name django-axes counts failed sign-ins under (AXES_USERNAME_CALLABLE).

    `EmailBackend` matches addresses in any letter case, so "Speaker@x.kz" and "speaker@x.kz" are
    one name here too: changing the case does not buy more guesses.
    """
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    return (name or "").strip().lower()
