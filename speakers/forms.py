"""Account forms: signing in with an e-mail address and resetting a password in one's language."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from speakers import account_rules


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """The sign-in form: an e-mail address (organisers may type their user name) and password."""

    username = auth_forms.UsernameField(
        label=_("E-mail"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "email"}
        ),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail or the password is wrong. The password is case-sensitive; the e-mail "
            "is not."
        ),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with two differences for speakers.

    - The letter is written in the person's language (``Person.language``) when the account
      belongs to a person, in the language of the page otherwise.
    - Invited speakers who never set a password (their invitation link expired or got lost) get
      a reset letter too: the account exists for them to sign in with a password.

    Staff and superuser accounts get no letter (`account_rules.may_get_password_link`), and the
    answer is the same as for an unknown address.
    """

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        active = User._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        ).select_related("person")
        return (
            user
            for user in active
            if (user.has_usable_password() or getattr(user, "person", None) is not None)
            and account_rules.may_get_password_link(user)
            and account_rules.same_address(email, getattr(user, email_field))
        )

    def send_mail(self, *args, **kwargs):
        context = args[2] if len(args) > 2 else kwargs["context"]
        context["valid_days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
        person = getattr(context["user"], "person", None)
        language = person.language if person else translation.get_language()
        with translation.override(language):
            super().send_mail(*args, **kwargs)
