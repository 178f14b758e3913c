import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from speakers.models import Invitation, Letter
from tests.factories import ParticipationFactory, PersonFactory, RoundTableFactory
from tests.letters import deliver_letters
from tests.pages import text_of

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
    assert "organiser" in html
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
