"""Account pages of speakers: accepting an invitation, and resetting a password.

Signing in and out and the rest of password reset are Django's views with our forms and
templates; `speakers.account_urls` puts them together.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal import throttling
from speakers import account_rules, invitations
from speakers.forms import PasswordResetForm
from speakers.invitations import LinkProblem


class PasswordLinkView(auth_views.PasswordResetConfirmView):
    """The page a link that sets a password opens. Such a link works only for an account that may
    get one (`account_rules.may_get_password_link`): a link mailed for a staff account, even
    before the rule existed, does not work."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and account_rules.may_get_password_link(user) else None


class AcceptInvitationView(PasswordLinkView):
    """The invitation link: set a password, be signed in, land on "My papers".

    Django's password-reset confirmation with the invitation token. As there, the token moves
    from the address into the session at once (so it never leaks through the Referer header)
    and the form is at ``…/invitation/<uidb64>/set-password/``. A link that does not work gets
    a page saying why: expired, already used, or not valid.
    """

    token_generator = invitations.invitation_tokens
    template_name = "speakers/accept_invitation.html"
    title = _("Set your password")
    post_reset_login = True
    post_reset_login_backend = "speakers.backends.EmailBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        invitations.accept(form.user)
        messages.success(self.request, _("Your password is set and you are signed in."))
        return response

    def get_success_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = getattr(self.user, "person", None) if self.user else None
        invitation = (
            person.invitations.select_related("event", "invited_by").first() if person else None
        )
        context.update(
            person=person,
            invitation=invitation,
            valid_days=invitations.valid_days(),
        )
        if not self.validlink:
            token = self.kwargs["token"]
            if token == self.reset_url_token:
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            problem = self.token_generator.problem(self.user, token)
            context.update(problem=problem, title=PROBLEM_TITLES[problem])
        return context


PROBLEM_TITLES = {
    LinkProblem.EXPIRED: _("This invitation link has expired"),
    LinkProblem.USED: _("This invitation link has already been used"),
    LinkProblem.INVALID: _("This invitation link does not work"),
}


class PasswordResetConfirmView(PasswordLinkView):
    """Django's page for the link of a reset letter; a password set here also accepts the
    person's open invitations (the speaker whose invitation expired used "forgot password")."""

    def form_valid(self, form):
        response = super().form_valid(form)
        invitations.accept(form.user)
        return response


RESET_LIMITED = ngettext_lazy(
    "Too many letters to reset a password were asked for in a short time, from here or for this "
    "address. Try again in %(minutes)s minute. A letter already sent keeps working: look in the "
    "inbox and in the spam folder.",
    "Too many letters to reset a password were asked for in a short time, from here or for this "
    "address. Try again in %(minutes)s minutes. A letter already sent keeps working: look in the "
    "inbox and in the spam folder.",
    "minutes",
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "Forgot your password?" form, with its letters limited.

    Each request counts against the e-mail address typed (PASSWORD_RESET_RATE_LIMIT) and the
    client's address (PASSWORD_RESET_CLIENT_RATE_LIMIT), whether or not an account has the
    address, so neither the letters nor the limit tell which addresses have accounts.
    """

    form_class = PasswordResetForm

    def form_valid(self, form):
        request = self.request
        typed = account_rules.address_key(form.cleaned_data["email"])
        wait = max(
            throttling.seconds_to_wait(
                request, "password_reset.email", typed, settings.PASSWORD_RESET_RATE_LIMIT
            ),
            throttling.seconds_to_wait(
                request,
                "password_reset.client",
                throttling.client_address(request),
                settings.PASSWORD_RESET_CLIENT_RATE_LIMIT,
            ),
        )
        if wait:
            return throttling.too_many_requests(request, wait, RESET_LIMITED)
        return super().form_valid(form)
