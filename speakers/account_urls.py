"""/<lang>/accounts/…: Django's sign-in, sign-out and password pages, signing in by e-mail, and
the invitation link."""

from django.contrib.auth import urls as auth_urls
from django.contrib.auth import views as auth_views
from django.urls import path

from speakers import accounts
from speakers.forms import EmailAuthenticationForm

ours = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path(
        "password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        accounts.AcceptInvitationView.as_view(),
        name="accept_invitation",
    ),
]
replaced = {pattern.name for pattern in ours}

urlpatterns = [
    *ours,
    *(pattern for pattern in auth_urls.urlpatterns if pattern.name not in replaced),
]
