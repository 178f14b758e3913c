import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from speakers import invitations
from speakers.backends import EmailBackend
from speakers.invitations import InvitationTokenGenerator, invitation_tokens
from tests.factories import (
    PASSWORD,
    ParticipationFactory,
    PersonFactory,
    RoundTableFactory,
    UserFactory,
)
from tests.letters import deliver_letters
from tests.pages import text_of
from tests.speakers.conftest import MY_PAPERS

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zhana-Kupiya-Soz-2025"


class MintedDaysAgo(InvitationTokenGenerator):
    """Makes tokens as the real generator did `days` ago: an old letter's link."""

    def __init__(self, days):
        super().__init__()
        self.days = days

    def _now(self):
        return super()._now() - datetime.timedelta(days=self.days)


def invited(language="en", email="asel@example.kz"):
    """A speaker invited to a round table: (person, the link of the letter, path only)."""
    event = RoundTableFactory()
    person = PersonFactory(email=email, language=language)
    ParticipationFactory(event=event, person=person)
    invitations.invite(person, event, None, "http://testserver")
    deliver_letters()
    person.refresh_from_db()
    [letter] = mail.outbox
    link = re.search(r"http://testserver(/\S+/accounts/invitation/\S+/)", letter.body).group(1)
    return person, link


def link_for(user, tokens=invitation_tokens, language="en"):
    with translation.override(language):
        return reverse(
            "accept_invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": tokens.make_token(user),
            },
        )


def set_password(client, link, password=NEW_PASSWORD):
    opened = client.get(link)
    assert opened.status_code == 302, text_of(opened.text)
    assert opened.url.endswith("/set-password/")  # the token leaves the address at once
    form = client.get(opened.url)
    assert form.status_code == 200
    return client.post(opened.url, {"new_password1": password, "new_password2": password})


def signed_in(client):
    return client.session.get(SESSION_KEY)


# --- The invitation link -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_link_sets_the_password_signs_in_and_lands_on_my_papers(client, language):
    person, link = invited(language)
    assert link.startswith(f"/{language}/")
    form = client.get(client.get(link).url)
    assert f'<html lang="{language}">' in form.text  # the page speaks the letter's language
    response = set_password(client, link)
    assert response.status_code == 302
    assert response.url == f"/{language}{MY_PAPERS}"
    assert signed_in(client) == str(person.user.pk)
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    assert person.invitations.get().accepted_at is not None


def test_the_form_names_the_account_and_the_round_table(client):
    person, link = invited()
    page = text_of(client.get(client.get(link).url).text)
    assert "asel@example.kz" in page
    assert str(person.invitations.get().event.theme) in page


def test_the_passwords_must_match_and_be_strong(client):
    person, link = invited()
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "This password is too short" in response.text
    assert not signed_in(client)
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()


def test_a_used_link_says_so_and_points_to_sign_in(client):
    _person, link = invited()
    set_password(client, link)
    client.post(reverse("logout"))
    response = client.get(link)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "This invitation link has already been used" in page
    assert "a password has been set for this account" in page
    assert 'href="/en/accounts/login/"' in response.text
    assert 'href="/en/accounts/password_reset/"' in response.text
    assert not signed_in(client)


def test_an_expired_link_says_so_and_how_to_get_a_new_one(client):
    person, _link = invited()
    old = link_for(person.user, MintedDaysAgo(15))
    response = client.get(old)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "This invitation link has expired" in page
    assert "works for 14 days" in page
    assert "ask the organisers of the round table to invite you again" in page
    assert 'href="/en/accounts/password_reset/"' in response.text


def test_a_link_within_its_time_works(client):
    person, _link = invited()
    assert client.get(link_for(person.user, MintedDaysAgo(13))).status_code == 302


def test_the_lifetime_of_links_is_a_setting(client, settings):
    person, _link = invited()
    two_days_old = link_for(person.user, MintedDaysAgo(2))
    settings.INVITATION_TIMEOUT = 24 * 60 * 60
    assert "has expired" in client.get(two_days_old).text


@pytest.mark.parametrize(
    "damage",
    [
        lambda link: link[:-8] + "/",  # cut short by a mail program
        lambda link: re.sub(r"-[0-9a-f]+/$", "-0123456789abcdef/", link),  # made up
        lambda link: re.sub(r"/invitation/[^/]+/", "/invitation/OTk5OTk5/", link),  # no such user
    ],
)
def test_a_broken_link_says_it_does_not_work(client, damage):
    _person, link = invited()
    response = client.get(damage(link))
    assert response.status_code == 200
    page = text_of(response.text)
    assert "This invitation link does not work" in page
    assert "copy the whole link from the letter" in page


def test_a_password_reset_link_is_not_an_invitation(client):
    from django.contrib.auth.tokens import default_token_generator

    person, _link = invited()
    response = client.get(link_for(person.user, default_token_generator))
    assert "This invitation link does not work" in text_of(response.text)


def test_the_link_of_a_deactivated_account_does_not_work(client):
    person, link = invited()
    User.objects.filter(pk=person.user.pk).update(is_active=False)
    assert "does not work" in client.get(link).text


# --- Signing in and out --------------------------------------------------------------------------


@pytest.fixture
def asel(db):
    user = User.objects.create_user("asel@example.kz", email="Asel@Example.kz", password=PASSWORD)
    PersonFactory(email="Asel@Example.kz", user=user, language="ru")
    return user


def test_the_sign_in_form_asks_for_the_e_mail(client):
    html = client.get("/en/accounts/login/").text
    assert re.search(r'<label for="id_username">E-mail:?</label>', html)
    assert 'href="/en/accounts/password_reset/"' in html


@pytest.mark.parametrize("typed", ["asel@example.kz", "ASEL@EXAMPLE.KZ", " Asel@Example.kz "])
def test_a_speaker_signs_in_with_the_e_mail_in_any_case(client, asel, typed):
    response = client.post("/en/accounts/login/", {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == f"/en{MY_PAPERS}"
    assert signed_in(client) == str(asel.pk)


def test_signing_in_returns_to_the_page_asked_for(client, asel):
    response = client.post(
        "/en/accounts/login/?next=/en/",
        {"username": "asel@example.kz", "password": PASSWORD, "next": "/en/"},
    )
    assert response.url == "/en/"


def test_the_organiser_signs_in_with_the_user_name(client, organiser):
    response = client.post(
        "/en/accounts/login/", {"username": organiser.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in(client) == str(organiser.pk)


def test_a_wrong_password_is_told_plainly(client, asel):
    response = client.post(
        "/en/accounts/login/", {"username": "asel@example.kz", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "The e-mail or the password is wrong" in text_of(response.text)
    assert not signed_in(client)


def test_a_deactivated_account_cannot_sign_in_with_the_e_mail(asel):
    asel.is_active = False
    asel.save()
    assert EmailBackend().authenticate(None, username="asel@example.kz", password=PASSWORD) is None


def test_when_two_accounts_share_an_address_the_password_decides(asel):
    other = User.objects.create_user("asel-2", email="asel@example.kz", password="another-one")
    backend = EmailBackend()
    assert backend.authenticate(None, username="asel@example.kz", password=PASSWORD) == asel
    assert backend.authenticate(None, username="asel@example.kz", password="another-one") == other
    assert backend.authenticate(None, username="asel@example.kz", password="third") is None


def test_signing_out(client, asel):
    client.force_login(asel)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302 and response.url == "/en/"
    assert not signed_in(client)


# --- Forgotten passwords -------------------------------------------------------------------------


def reset_link(letter):
    return re.search(r"http://testserver(/\S+/accounts/reset/\S+/)", letter.body).group(1)


def test_a_forgotten_password_is_reset_by_a_letter_in_the_persons_language(client, asel):
    response = client.post("/en/accounts/password_reset/", {"email": "ASEL@example.kz"})
    assert response.status_code == 302 and response.url == "/en/accounts/password_reset/done/"
    [letter] = mail.outbox
    assert letter.to == [asel.email]
    assert "КОЙШИБАЕВ" in letter.body  # the name as printed in Russian, the person's language
    link = reset_link(letter)
    assert link.startswith("/ru/accounts/reset/")
    opened = client.get(link)
    assert opened.status_code == 302
    done = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/ru/accounts/reset/done/"
    assert client.login(username="asel@example.kz", password=NEW_PASSWORD)
    assert "Ссылка недействительна" in client.get(link).text  # once only, said in Russian


def test_an_invited_speaker_who_never_set_a_password_can_reset_it(client):
    person, _link = invited("kk")
    mail.outbox.clear()
    client.post("/en/accounts/password_reset/", {"email": "asel@example.kz"})
    [letter] = mail.outbox
    link = reset_link(letter)
    assert link.startswith("/kk/accounts/reset/")
    opened = client.get(link)
    client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert person.invitations.get().accepted_at is not None


def test_an_account_without_a_person_gets_the_letter_in_the_pages_language(client):
    UserFactory(email="reader@example.org")
    client.post("/ru/accounts/password_reset/", {"email": "reader@example.org"})
    assert reset_link(mail.outbox[0]).startswith("/ru/accounts/reset/")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_accounts_get_no_reset_letter_and_the_same_answer(client, flag):
    """Their passwords are set in the admin: no address, whoever wrote it, opens them."""
    UserFactory(email="root@academy.kz", **{flag: True})
    PersonFactory(email="root@academy.kz", user=UserFactory(email="root@academy.kz"))
    response = client.post("/en/accounts/password_reset/", {"email": "root@academy.kz"})
    assert response.url == "/en/accounts/password_reset/done/"
    assert [letter.to for letter in mail.outbox] == [["root@academy.kz"]]  # the speaker's only
    assert "/accounts/reset/" in mail.outbox[0].body
    mail.outbox.clear()
    User.objects.filter(is_staff=False, is_superuser=False).delete()
    response = client.post("/en/accounts/password_reset/", {"email": "root@academy.kz"})
    assert response.url == "/en/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
@pytest.mark.parametrize("tokens", [invitation_tokens, default_token_generator])
def test_a_link_mailed_for_a_staff_account_does_not_work(client, flag, tokens):
    """Links mailed before the rule (issue 14) must not open a staff account now."""
    account = UserFactory(username="root", email="mine@evil.example", **{flag: True})
    with translation.override("en"):
        path = reverse(
            "accept_invitation" if tokens is invitation_tokens else "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
                "token": tokens.make_token(account),
            },
        )
    opened = client.get(path)
    assert opened.status_code == 200  # no redirect to the password form
    assert "does not work" in text_of(opened.text)
    set_form = path.rsplit("/", 2)[0] + "/set-password/"
    client.post(set_form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert not signed_in(client)


def test_an_unknown_address_gets_no_letter_and_the_same_answer(client):
    response = client.post("/en/accounts/password_reset/", {"email": "nobody@example.kz"})
    assert response.url == "/en/accounts/password_reset/done/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/password_reset/",
        "/en/accounts/password_reset/done/",
        "/en/accounts/reset/done/",
        "/en/accounts/reset/MQ/bad-token/",
    ],
)
def test_the_password_pages_are_the_sites(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="site-header"' in response.text  # our templates, not the admin's


# --- Limits on reset letters ---------------------------------------------------------------------


def ask_reset(client, email, language="en", **extra):
    return client.post(f"/{language}/accounts/password_reset/", {"email": email}, **extra)


@pytest.mark.parametrize("address", ["asel@example.kz", "nobody@example.kz"])
def test_reset_letters_for_one_address_are_limited_whether_or_not_it_has_an_account(
    client, asel, settings, address
):
    settings.PASSWORD_RESET_RATE_LIMIT = "3/h"
    answers = [
        ask_reset(client, typed, REMOTE_ADDR=f"10.0.0.{number}")
        for number, typed in enumerate([address, address.upper(), address, address, address])
    ]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == (3 if address == "asel@example.kz" else 0)
    page = text_of(answers[-1].text)
    assert "Too many letters to reset a password were asked for" in page
    assert "Try again in" in page
    assert int(answers[-1]["Retry-After"]) <= 3600


def test_reset_letters_from_one_client_are_limited(client, settings):
    settings.PASSWORD_RESET_CLIENT_RATE_LIMIT = "3/h"
    answers = [ask_reset(client, f"someone{number}@example.kz") for number in range(4)]

    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert ask_reset(client, "other@example.kz", REMOTE_ADDR="10.1.2.3").status_code == 302


def test_twenty_requests_in_a_row_send_at_most_the_limit(client, asel):
    answers = [ask_reset(client, "asel@example.kz") for _ in range(20)]

    assert len(mail.outbox) == 3  # PASSWORD_RESET_RATE_LIMIT, 3 an hour
    assert {answer.status_code for answer in answers[3:]} == {429}


def test_the_limit_is_told_in_the_visitors_language(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = "1/h"
    ask_reset(client, "nobody@example.kz", language="kk")
    refused = ask_reset(client, "nobody@example.kz", language="kk")

    assert refused.status_code == 429
    assert '<html lang="kk">' in refused.text
    assert "Құпиясөзді қалпына келтіру хаттары" in text_of(refused.text)
