import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import RequestFactory

from speakers import invitations
from speakers.invitations import LinkProblem, invitation_tokens
from speakers.models import Invitation, Letter
from tests.factories import (
    PASSWORD,
    ParticipationFactory,
    PersonFactory,
    RoundTableFactory,
    UserFactory,
)
from tests.letters import deliver_letters

pytestmark = pytest.mark.django_db

SITE = "https://roundtable.example.kz"
THEME_KK = "Қоғамдық қауіпсіздікті қамтамасыз ету"
THEME_RU = "Обеспечение общественной безопасности"


@pytest.fixture
def event():
    return RoundTableFactory(theme_kk=THEME_KK, theme_ru=THEME_RU)


def speaker(event, **fields):
    person = PersonFactory(**{"email": "Asel.Nurlanovna@Example.KZ", **fields})
    ParticipationFactory(event=event, person=person)
    return person


def link_in(message):
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def test_inviting_gives_the_person_an_account_without_a_password(event, organiser):
    person = speaker(event)
    invitation = invitations.invite(person, event, organiser, SITE)
    person.refresh_from_db()
    user = person.user
    assert user.username == "asel.nurlanovna@example.kz"
    assert user.email == "Asel.Nurlanovna@example.kz"  # Django writes the domain in lower case
    assert not user.has_usable_password()
    assert (invitation.person, invitation.event, invitation.invited_by) == (
        person,
        event,
        organiser,
    )
    assert invitation.sent_at is not None and invitation.accepted_at is None
    assert list(Invitation.objects.all()) == [invitation]


def test_a_kazakh_speaker_gets_the_letter_in_kazakh(event, organiser):
    invitations.invite(speaker(event, language="kk"), event, organiser, SITE)
    deliver_letters()
    [letter] = mail.outbox
    assert letter.to == ["Asel.Nurlanovna@Example.KZ"]
    assert THEME_KK in letter.subject and THEME_KK in letter.body
    assert THEME_RU not in letter.body
    assert "ҚОЙШЫБАЕВ" in letter.body  # the name as printed in Kazakh
    assert link_in(letter).startswith(f"{SITE}/kk/accounts/invitation/")
    assert f"{SITE}/kk/accounts/login/" in letter.body
    assert letter.reply_to == [organiser.email]


def test_a_russian_speaker_gets_the_letter_in_russian(event, organiser):
    invitations.invite(speaker(event, language="ru"), event, organiser, SITE)
    deliver_letters()
    [letter] = mail.outbox
    assert THEME_RU in letter.subject and THEME_RU in letter.body
    assert THEME_KK not in letter.body
    assert "КОЙШИБАЕВ" in letter.body
    assert link_in(letter).startswith(f"{SITE}/ru/accounts/invitation/")


def test_the_link_is_made_absolute_from_the_request(event, organiser, settings):
    settings.ALLOWED_HOSTS = ["rt.kz"]
    request = RequestFactory().get("/admin/speakers/person/", secure=True, HTTP_HOST="rt.kz")
    invitations.invite(speaker(event), event, organiser, request)
    deliver_letters()
    assert link_in(mail.outbox[0]).startswith("https://rt.kz/kk/accounts/invitation/")


def test_inviting_again_reuses_the_account_and_sends_a_fresh_link(event, organiser, client):
    person = speaker(event)
    invitations.invite(person, event, organiser, SITE)
    invitations.invite(person, event, organiser, SITE)
    deliver_letters()
    assert len(mail.outbox) == 2
    assert User.objects.count() == 2  # the organiser and the speaker
    assert person.invitations.count() == 2
    # Until the password is set, the earlier letter's link works as well as the new one.
    for link in (link_in(letter) for letter in mail.outbox):
        assert client.get(link.removeprefix(SITE)).status_code == 302  # to the password form


def test_an_account_with_the_address_as_user_name_is_linked(event, organiser):
    existing = User.objects.create_user("asel.nurlanovna@example.kz")
    person = speaker(event)
    invitations.invite(person, event, organiser, SITE)
    person.refresh_from_db()
    assert person.user == existing


def test_an_address_that_is_another_persons_account_is_refused(event, organiser):
    speaker(event, user=User.objects.create_user("asel.nurlanovna@example.kz"))
    namesake = speaker(event, slug="namesake")
    with pytest.raises(invitations.InvitationError, match="already the account of"):
        invitations.invite(namesake, event, organiser, SITE)
    assert mail.outbox == [] and not Invitation.objects.exists()
    namesake.refresh_from_db()
    assert namesake.user is None


def test_a_deactivated_account_is_not_invited(event, organiser):
    user = User.objects.create_user("asel", email="asel@example.kz", is_active=False)
    person = speaker(event, email="asel@example.kz", user=user)
    with pytest.raises(invitations.InvitationError, match="deactivated"):
        invitations.invite(person, event, organiser, SITE)
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_a_person_without_an_address_is_not_invited(event, organiser):
    person = speaker(event, email="")
    with pytest.raises(invitations.InvitationError, match="has no e-mail address"):
        invitations.invite(person, event, organiser, SITE)
    assert mail.outbox == [] and not User.objects.exclude(pk=organiser.pk).exists()


def test_a_mail_server_that_is_down_delays_the_letter_not_the_invitation(
    event, organiser, mail_server_down
):
    person = speaker(event)
    invitation = invitations.invite(person, event, organiser, SITE)
    deliver_letters()

    assert Invitation.objects.get() == invitation
    assert User.objects.filter(username="asel.nurlanovna@example.kz").exists()
    letter = Letter.objects.get()
    assert (letter.about, letter.to, letter.status, letter.attempts) == (
        invitation,
        "Asel.Nurlanovna@Example.KZ",
        Letter.Status.QUEUED,  # to be tried again
        1,
    )
    assert "ConnectionRefusedError" in letter.last_error


def test_invitation_and_password_reset_tokens_do_not_open_each_other(event):
    user = User.objects.create_user("asel", email="asel@example.kz")
    assert invitation_tokens.check_token(user, invitation_tokens.make_token(user))
    assert not default_token_generator.check_token(user, invitation_tokens.make_token(user))
    assert not invitation_tokens.check_token(user, default_token_generator.make_token(user))


def test_setting_the_password_uses_the_token_up(event):
    user = User.objects.create_user("asel", email="asel@example.kz")
    token = invitation_tokens.make_token(user)
    user.set_password("a-long-new-password")
    user.save()
    assert invitation_tokens.problem(user, token) == LinkProblem.USED


@pytest.mark.parametrize("token", ["", "nonsense", "zzzzzzzzzzzzzzzzzzzzz-abc", "abc-def"])
def test_malformed_tokens_are_invalid(token):
    user = User.objects.create_user("asel", email="asel@example.kz")
    assert invitation_tokens.problem(user, token) == LinkProblem.INVALID


def test_accepting_marks_the_open_invitations(event, organiser):
    person = speaker(event)
    invitations.invite(person, event, organiser, SITE)
    invitations.invite(person, event, organiser, SITE)
    person.refresh_from_db()
    invitations.accept(person.user)
    assert all(invitation.accepted_at for invitation in person.invitations.all())


def test_a_person_whose_account_has_a_password_is_asked_to_sign_in_without_a_link(event, organiser):
    account = UserFactory(username="asel", email="asel@example.kz")
    person = speaker(event, email="asel.new@example.kz", user=account, language="ru")
    invitations.invite(person, event, organiser, SITE)
    deliver_letters()
    [letter] = mail.outbox
    assert letter.to == ["asel.new@example.kz"]
    assert "/accounts/invitation/" not in letter.body
    assert "/accounts/reset/" not in letter.body
    assert f"{SITE}/ru/accounts/login/" in letter.body
    assert "У Вас уже есть учётная запись" in letter.body  # said in the person's language
    account.refresh_from_db()
    assert account.email == "asel@example.kz"  # never the person's address
    assert account.check_password(PASSWORD)
    assert person.invitations.count() == 1


def test_an_account_without_a_password_at_another_address_gets_no_link(event, organiser):
    account = User.objects.create_user("asel", email="asel@example.kz")
    person = speaker(event, email="someone.else@example.kz", user=account)
    with pytest.raises(invitations.InvitationError, match="registered to another e-mail address"):
        invitations.invite(person, event, organiser, SITE)
    assert mail.outbox == [] and not Invitation.objects.exists()
    account.refresh_from_db()
    assert account.email == "asel@example.kz"


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_staff_account_is_never_invited(event, organiser, flag):
    account = User.objects.create_user("root@academy.kz", email="root@academy.kz", **{flag: True})
    person = speaker(event, email="root@academy.kz", user=account)
    with pytest.raises(invitations.InvitationError, match="is a staff account"):
        invitations.invite(person, event, organiser, SITE)
    assert mail.outbox == []
