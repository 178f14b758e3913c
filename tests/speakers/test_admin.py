import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from speakers.models import Invitation, Letter
from tests import factories
from tests.factories import PASSWORD, ParticipationFactory, PersonFactory, RoundTableFactory
from tests.letters import deliver_letters
from tests.pages import change_url, text_of

pytestmark = pytest.mark.django_db

PEOPLE = "/admin/speakers/person/"


def invite(client, people, event=None):
    """Run the admin action on `people`, on the list filtered by `event` when given, and send
    the letters it queued."""
    url = PEOPLE + (f"?participations__event__id__exact={event.pk}" if event else "")
    response = client.post(
        url,
        {"action": "invite", "_selected_action": [p.pk for p in people], "index": 0},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    deliver_letters()
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def taking_part(event, **fields):
    person = PersonFactory(**fields)
    ParticipationFactory(event=event, person=person)
    return person


def test_the_organiser_invites_the_speakers_of_a_round_table(client, organiser):
    event = RoundTableFactory()
    asel = taking_part(event, email="asel@example.kz", language="ru")
    bolat = taking_part(event, email="")
    client.force_login(organiser)
    response, messages = invite(client, [asel, bolat], event)
    assert response.status_code == 302
    assert [letter.to for letter in mail.outbox] == [["asel@example.kz"]]
    invitation = Invitation.objects.get()
    assert (invitation.person, invitation.event, invitation.invited_by) == (asel, event, organiser)
    assert any("invited" in text and "asel@example.kz" in text for text in messages)
    assert any(text.endswith("has no e-mail address; not invited.") for text in messages)
    assert not bolat.invitations.exists()


def test_without_the_filter_a_persons_only_round_table_is_used(client, organiser):
    event, other = RoundTableFactory(), RoundTableFactory()
    one = taking_part(event, email="one@example.kz")
    both = taking_part(event, email="both@example.kz")
    ParticipationFactory(event=other, person=both)
    nowhere = PersonFactory(email="nowhere@example.kz")
    client.force_login(organiser)
    _response, messages = invite(client, [one, both, nowhere])
    assert [letter.to for letter in mail.outbox] == [["one@example.kz"]]
    assert one.invitations.get().event == event
    assert any("several round tables; filter the list by round table" in m for m in messages)
    assert any("takes part in no round table" in m for m in messages)


def test_the_filter_chooses_the_round_table_of_someone_in_several(client, organiser):
    event, other = RoundTableFactory(), RoundTableFactory()
    both = taking_part(event, email="both@example.kz")
    ParticipationFactory(event=other, person=both)
    client.force_login(organiser)
    invite(client, [both], other)
    assert both.invitations.get().event == other


def test_a_refused_invitation_is_reported_and_the_rest_go_out(client, organiser):
    event = RoundTableFactory()
    taking_part(event, email="taken@example.kz", user=User.objects.create_user("taken@example.kz"))
    namesake = taking_part(event, email="taken@example.kz")
    asel = taking_part(event, email="asel@example.kz")
    client.force_login(organiser)
    _response, messages = invite(client, [namesake, asel], event)
    assert [letter.to for letter in mail.outbox] == [["asel@example.kz"]]
    assert any("already the account of" in text and "Not invited" in text for text in messages)


def test_anonymous_visitors_cannot_invite(client):
    event = RoundTableFactory()
    asel = taking_part(event, email="asel@example.kz")
    response, _messages = invite(client, [asel], event)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_staff_without_the_organisers_permissions_cannot_invite(client):
    event = RoundTableFactory()
    asel = taking_part(event, email="asel@example.kz")
    client.force_login(User.objects.create_user("guest", is_staff=True))
    response, _messages = invite(client, [asel], event)
    assert response.status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_the_action_is_offered_to_organisers(client, organiser):
    PersonFactory()
    client.force_login(organiser)
    html = client.get(PEOPLE, HTTP_ACCEPT_LANGUAGE="en").text
    assert '<option value="invite">Invite to upload papers</option>' in html


def test_the_person_page_shows_the_invitations(client, organiser):
    event = RoundTableFactory(theme_kk="Қауіпсіздік", theme_ru="Безопасность")
    asel = taking_part(event, email="asel@example.kz")
    Invitation.objects.create(
        person=asel, event=event, invited_by=organiser, accepted_at=timezone.now()
    )
    client.force_login(organiser)
    response = client.get(f"{PEOPLE}{asel.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.text
    assert "Invitations to upload papers" in html
    assert "Безопасность" in html  # the theme (English falls back to Russian)
    assert organiser.username in html  # who sent the invitation
    assert 'name="invitations-0-event"' not in html  # read-only: nothing to edit


def test_a_letter_the_mail_server_refused_is_shown_on_the_persons_page(
    client, organiser, mail_server_down
):
    event = RoundTableFactory()
    asel = taking_part(event, email="asel@example.kz")
    client.force_login(organiser)
    _response, messages = invite(client, [asel], event)
    assert any("invited to" in text for text in messages)
    assert Invitation.objects.get().person == asel

    page = client.get(f"{PEOPLE}{asel.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert "has not gone yet: the mail server failed (ConnectionRefusedError" in text_of(page.text)
    listed = f"/admin/speakers/letter/?id__exact={Letter.objects.get().pk}"
    assert f'href="{listed}"' in page.text
    assert "asel@example.kz" in client.get(listed, HTTP_ACCEPT_LANGUAGE="en").text


# --- Which accounts a person may be linked to ---------------------------------------------------


@pytest.fixture
def accounts(db):
    """Accounts an organiser must not hand to a person, and one that is free."""
    return {
        "superuser": User.objects.create_superuser("root", "root@academy.kz", PASSWORD),
        "staff": factories.staff(username="colleague", email="colleague@academy.kz"),
        "another person's": PersonFactory(user=factories.UserFactory(username="taken")).user,
        "free": factories.UserFactory(username="free"),
    }


def account_options(html):
    """The user names offered by the person form's *account* field."""
    field = re.search(r'<select name="user"[^>]*>(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', field))


def person_form(person):
    """What the change form of `person` posts when left as it is."""
    return {
        "slug": person.slug,
        "surname_kk": person.surname_kk,
        "given_name_kk": person.given_name_kk,
        "email": person.email,
        "language": person.language,
        "user": person.user_id or "",
        "invitations-TOTAL_FORMS": 0,
        "invitations-INITIAL_FORMS": 0,
    }


def test_the_account_field_offers_only_free_ordinary_accounts(client, organiser, accounts):
    mine = PersonFactory(user=factories.UserFactory(username="mine"))
    client.force_login(organiser)
    for url in (f"{PEOPLE}add/", change_url(mine)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        offered = account_options(response.text)
        assert "free" in offered
        assert not offered & {"root", "colleague", "taken", organiser.username}
    assert "mine" in account_options(client.get(change_url(mine)).text)


@pytest.mark.parametrize("target", ["superuser", "staff", "another person's"])
def test_an_organiser_cannot_link_a_person_to_a_forbidden_account(
    client, organiser, accounts, target
):
    person = PersonFactory(email="mine@evil.example")
    client.force_login(organiser)
    response = client.post(
        change_url(person),
        {**person_form(person), "user": accounts[target].pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.text
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.parametrize("target", ["superuser", "staff"])
def test_inviting_a_person_linked_to_a_staff_account_sends_no_link_and_changes_nothing(
    client, organiser, accounts, target
):
    """The attack of issue 14: a person (linked before the admin refused it) whose e-mail the
    organiser controls is invited; the staff account must stay as it was."""
    event = RoundTableFactory()
    account = accounts[target]
    person = taking_part(event, email="mine@evil.example", user=account)
    client.force_login(organiser)
    _response, messages = invite(client, [person], event)
    assert mail.outbox == [] and not Invitation.objects.exists()
    assert any("is a staff account" in text and "Not invited" in text for text in messages)
    account.refresh_from_db()
    assert account.email.endswith("@academy.kz")
    assert account.check_password(PASSWORD)


def test_a_person_with_a_staff_users_name_as_e_mail_is_not_given_that_account(
    client, organiser, accounts
):
    User.objects.filter(username="root").update(username="root@academy.kz")
    event = RoundTableFactory()
    person = taking_part(event, email="Root@Academy.kz")
    client.force_login(organiser)
    _response, messages = invite(client, [person], event)
    assert mail.outbox == []
    assert any("is a staff account" in text for text in messages)
    person.refresh_from_db()
    assert person.user is None


def test_a_person_linked_to_a_staff_account_cannot_be_saved_with_it(organiser, accounts):
    person = PersonFactory(user=accounts["staff"])
    with pytest.raises(ValidationError, match="is a staff account"):
        person.full_clean()
