"""The open call: its page, the application form, the confirmation and what it makes."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from proceedings import calls
from proceedings.models import Application, Paper, Section
from speakers.models import Person
from tests.factories import CallFactory, PersonFactory, SectionFactory
from tests.letters import deliver_letters
from tests.proceedings.documents import make_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = CallFactory(event__slug="call-2026", event__published=True)
    SectionFactory(event=call.event, name_kk="Құқық", name_ru="Право")
    return call


def url(call, name, lang="kk", *args):
    with translation.override(lang):
        return reverse(f"roundtable:{name}", args=[call.event.slug, *args])


def docx(name="baiandama.docx"):
    return SimpleUploadedFile(name, make_docx(), content_type="application/octet-stream")


def form_data(call, **changes):
    data = {
        "surname_kk": "Есбулатова",
        "given_name_kk": "Әлия",
        "patronymic_kk": "Талғатқызы",
        "surname_ru": "Есбулатова",
        "given_name_ru": "Алия",
        "patronymic_ru": "Талгатовна",
        "organisation": "Алматы академиясы",
        "position": "аға оқытушы",
        "city": "Алматы",
        "country": "Қазақстан",
        "phone": "+7 701 000 00 00",
        "email": "aliya@example.kz",
        "orcid": "",
        "section": Section.objects.get(event=call.event).pk,
        "paper_language": "kk",
        "paper_title": "Полиция және қоғам",
        "attendance": "remote",
        "consent": "on",
        "file": docx(),
        "coauthors-TOTAL_FORMS": "2",
        "coauthors-INITIAL_FORMS": "0",
        "coauthors-MIN_NUM_FORMS": "0",
        "coauthors-MAX_NUM_FORMS": "6",
        "coauthors-0-surname": "Ким",
        "coauthors-0-given_name": "Сергей",
        "coauthors-0-organisation": "КазНУ",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def apply(client, call, lang="kk", **changes):
    return client.post(url(call, "call_apply", lang), form_data(call, **changes))


def confirmation_link(message):
    return re.search(r"https?://\S+/call/confirm/\S+/", message.body).group(0)


def test_the_call_page_shows_dates_sections_requirements_and_the_form_link(client, call):
    response = client.get(url(call, "call"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Құқық" in page and "Көлемі 5–8 бет" in page
    assert url(call, "call_apply") in page
    assert "Asia/Almaty" in page


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_call_page_reads_in_each_language(client, call, lang):
    response = client.get(url(call, "call", lang))

    assert response.status_code == 200
    assert {"ru": "Приём заявок", "en": "Applications"}[lang] in response.content.decode()


def test_an_application_from_the_latin_page_is_answered_in_kazakh(client, call):
    response = apply(client, call, "kk-latn", surname_kk="Есбулатова")

    assert response.status_code == 302
    assert Application.objects.get().language == "kk"


def test_an_unpublished_call_is_for_organisers_only(client, call, organiser):
    call.published = False
    call.save()

    assert client.get(url(call, "call")).status_code == 404
    client.force_login(organiser)
    assert client.get(url(call, "call")).status_code == 200


def test_a_closed_call_takes_no_application(client, call):
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()

    response = apply(client, call)

    assert response.status_code == 302 and response["Location"] == url(call, "call")
    assert not Application.objects.exists()
    assert "Өтінімдер қабылдау жабылды" in client.get(url(call, "call")).content.decode()


def test_an_application_waits_for_its_address_and_writes_to_it_in_kazakh(client, call):
    response = apply(client, call)

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.consent_at is not None and application.confirmed_at is None
    assert application.language == "kk" and application.attendance == "remote"
    assert application.coauthors == [
        {
            "surname": "Ким",
            "given_name": "Сергей",
            "patronymic": "",
            "organisation": "КазНУ",
            "email": "",
        }
    ]
    # Nothing reaches the roster or the papers before the address is confirmed.
    assert not Person.objects.exists() and not Paper.objects.exists()
    deliver_letters()
    (letter,) = mail.outbox
    assert letter.to == ["aliya@example.kz"]
    assert "Өтінімді растаңыз" in letter.subject
    assert "/kk/call-2026/call/confirm/" in confirmation_link(letter)
    assert "aliya@example.kz" in client.get(response["Location"]).content.decode()


def test_confirming_makes_the_person_the_account_and_a_submitted_paper(client, call):
    apply(client, call)
    deliver_letters()
    link = confirmation_link(mail.outbox[0])

    # Opening the link only shows a button: a mail scanner that follows it confirms nothing.
    assert client.get(link).status_code == 200
    assert not Person.objects.exists()
    response = client.post(link)

    person = Person.objects.get()
    assert (person.surname_kk, person.given_name_ru, person.email) == (
        "Есбулатова",
        "Алия",
        "aliya@example.kz",
    )
    assert person.slug == "esbulatova-aliia" and person.position_kk == "аға оқытушы"
    assert person.user is not None and not person.user.has_usable_password()
    paper = Paper.objects.get()
    assert (paper.speaker, paper.status, paper.language, paper.title_kk) == (
        person,
        Paper.Status.SUBMITTED,
        "kk",
        "Полиция және қоғам",
    )
    assert paper.current_version.kind == "docx" and paper.current_version.uploaded_by == person.user
    assert [author.surname_kk for author in paper.authors.all()] == ["Есбулатова", "Ким"]
    # Co-authors are written as the paper prints them, in its language.
    assert paper.authors.get(order=1).organisation_kk == "КазНУ"
    # The applicant goes on to set a password, then lands on "My papers".
    assert "/accounts/invitation/" in response["Location"]
    application = Application.objects.get()
    assert (application.person, application.paper) == (person, paper)
    # A second confirmation changes nothing.
    client.post(link)
    assert Paper.objects.count() == 1


def test_a_confirmed_applicant_gets_the_english_name_written_from_the_kazakh(client, call):
    apply(client, call)
    deliver_letters()
    client.post(confirmation_link(mail.outbox[0]))

    person = Person.objects.get()
    assert (person.surname_en, person.given_name_en, person.patronymic_en) == (
        "Esbulatova",
        "Aliia",
        "Talgatkyzy",
    )


def test_an_applicant_already_on_the_roster_is_matched_by_address(client, call):
    known = PersonFactory(email="Aliya@Example.kz", surname_kk="Есбулатова")
    apply(client, call)
    deliver_letters()

    client.post(confirmation_link(mail.outbox[0]))

    assert Person.objects.get() == known
    assert Paper.objects.get().speaker == known


def test_a_namesake_under_another_address_is_flagged_and_merged_by_the_organiser(client, call):
    namesake = PersonFactory(email="", surname_kk="Есбулатова", given_name_kk="Әлия")
    apply(client, call)
    deliver_letters()
    client.post(confirmation_link(mail.outbox[0]))
    application = Application.objects.get()
    assert application.possible_duplicate == namesake and application.person != namesake

    kept = calls.merge(application)

    assert kept == namesake and Person.objects.get() == namesake
    assert Paper.objects.get().speaker == namesake
    namesake.refresh_from_db()
    assert namesake.email == "aliya@example.kz" and namesake.user is not None


def test_consent_is_required_and_said_in_kazakh(client, call):
    response = apply(client, call, consent=None)

    assert response.status_code == 200
    assert "Келісіміңізсіз өтінім жіберілмейді" in response.content.decode()
    assert not Application.objects.exists()


def test_a_name_in_kazakh_or_russian_is_required(client, call):
    response = apply(client, call, surname_kk="", given_name_kk="", surname_ru="", given_name_ru="")

    assert response.status_code == 200
    assert not Application.objects.exists()


def test_a_file_that_is_not_a_paper_is_refused_with_a_message_in_russian(client, call):
    bad = SimpleUploadedFile("paper.docx", b"MZ\x90\x00 not a document")

    response = apply(client, call, lang="ru", file=bad)

    assert response.status_code == 200
    assert "paper.docx" not in [a.file.name for a in Application.objects.all()]
    assert not Application.objects.exists()
    assert "файл" in response.content.decode().lower()


def test_a_link_of_another_round_table_or_tampered_with_does_not_work(client, call):
    apply(client, call)
    deliver_letters()
    link = confirmation_link(mail.outbox[0])
    other = CallFactory(event__slug="other-2026", event__published=True)

    assert client.post(link.replace("call-2026", other.event.slug)).status_code == 400
    assert client.post(link[:-3] + "xx/").status_code == 400
    assert not Person.objects.exists()


def test_applications_nobody_confirmed_are_forgotten_after_their_link_expires(client, call):
    apply(client, call)
    application = Application.objects.get()
    stored = application.file.name
    later = timezone.now() + datetime.timedelta(days=calls.CONFIRMATION_DAYS + 1)

    assert calls.forget_unconfirmed(now=later) == 1

    assert not Application.objects.exists()
    assert not application.file.storage.exists(stored)


def test_the_call_page_takes_a_fixed_number_of_queries(client, call, django_assert_num_queries):
    SectionFactory.create_batch(5, event=call.event)
    with django_assert_num_queries(2):
        client.get(url(call, "call"))


def test_organisers_open_a_call_in_the_admin_and_see_its_applications(client, organiser, call):
    client.force_login(organiser)

    add = client.get(reverse("admin:proceedings_call_add"))
    assert add.status_code == 200 and 'name="requirements_kk"' in add.content.decode()
    checked = re.findall(r'<input[^>]*name="languages"[^>]*value="(\w+)"[^>]*checked', add.text)
    assert checked == ["kk", "ru"]
    apply_client = type(client)()
    apply(apply_client, call)
    listing = client.get(reverse("admin:proceedings_application_changelist"))
    assert listing.status_code == 200 and "aliya@example.kz" in listing.content.decode()


@pytest.mark.parametrize("role", ["staff", "speaker"])
def test_only_organisers_see_applications(client, call, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("admin:proceedings_application_changelist"))

    assert response.status_code in (302, 403)


def test_the_list_of_applications_takes_a_fixed_number_of_queries(
    client, organiser, call, django_assert_num_queries
):
    client.force_login(organiser)
    for count in (3, 9):
        while Application.objects.count() < count:
            apply(type(client)(), call, email=f"a{Application.objects.count()}@example.kz")
        with django_assert_num_queries(9):
            response = client.get(reverse("admin:proceedings_application_changelist"))
        assert response.text.count("@example.kz</td>") == count
