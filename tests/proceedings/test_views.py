"""The speaker's paper pages: who sees what, starting a paper, its details and authors, uploading
versions, downloads, the preview as a page and as the book's PDF, moving the paper on, the pages
in each language, and their query counts."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from proceedings import review, submission
from proceedings.models import Author, Paper, PaperStatusChange
from tests import factories
from tests.factories import AuthorFactory, PersonFactory, RoundTableFactory, SectionFactory
from tests.pages import posted_values, shown, text_of
from tests.proceedings import view_factories as make
from tests.proceedings.documents import (
    KAZAKH_LETTERS,
    PARAGRAPHS,
    TITLE,
    png_bytes,
    png_header_bytes,
)

pytestmark = pytest.mark.django_db
Status = Paper.Status

KAZAKH_SENTENCE = "Қоғамдық қауіпсіздік — мемлекеттің негізгі міндеттерінің бірі."
assert PARAGRAPHS[0].startswith(KAZAKH_SENTENCE)


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"proceedings:{name}", kwargs=kwargs)


def assert_sent_to_login(response, language="en"):
    assert response.status_code == 302
    with translation.override(language):
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.fixture
def event():
    return RoundTableFactory(slug="public-safety-2025")


@pytest.fixture
def serik():
    """The speaker whose paper the tests look at."""
    return factories.speaker("serik")


@pytest.fixture
def talk(serik, event):
    return make.talk_of(serik, event)


@pytest.fixture
def paper(serik, event, talk):
    return make.paper_of(serik, event, talk)


@pytest.fixture
def uploaded(paper, serik):
    """The paper with its first version, a Kazakh DOCX."""
    make.upload(paper, serik)
    paper.refresh_from_db()
    return paper


# --- Who sees what -----------------------------------------------------------------------------

PEOPLE = ["anonymous", "speaker", "other_speaker", "organiser", "staff"]


def sign_in(client, who, serik):
    users = {
        "anonymous": lambda: None,
        "speaker": lambda: serik,
        "other_speaker": lambda: factories.speaker("bolat"),
        "organiser": lambda: factories.organiser("aigerim"),
        "staff": lambda: factories.staff("guest"),
    }
    user = users[who]()
    if user:
        client.force_login(user)
    return user


def request(client, name, paper, talk):
    """The request each address takes (a POST where the page changes something)."""
    pk = {"pk": paper.pk}
    requests = {
        "my_papers": lambda: client.get(url("my_papers")),
        "start": lambda: client.post(url("start"), {"talk": talk.pk}),
        "paper": lambda: client.get(url("paper", **pk)),
        "upload": lambda: client.post(url("upload", **pk), {"file": make.pdf_file()}),
        "move": lambda: client.post(url("move", **pk), {"status": "withdrawn", "confirmed": "1"}),
        "preview": lambda: client.get(url("preview", **pk)),
        "preview_pdf": lambda: client.get(url("preview_pdf", **pk)),
        "download": lambda: client.get(url("download", number=1, **pk)),
    }
    return requests[name]()


# What each person gets at each address: a status code, or "login" for the sign-in page.
MATRIX = {
    "my_papers": {"speaker": 200, "other_speaker": 200, "organiser": 200, "staff": 200},
    "start": {"speaker": 302, "other_speaker": 404, "organiser": 404, "staff": 404},
    "paper": {"speaker": 200, "other_speaker": 404, "organiser": 200, "staff": 404},
    "upload": {"speaker": 302, "other_speaker": 404, "organiser": 302, "staff": 404},
    "move": {"speaker": 302, "other_speaker": 404, "organiser": 302, "staff": 404},
    "preview": {"speaker": 200, "other_speaker": 404, "organiser": 200, "staff": 404},
    "preview_pdf": {"speaker": 200, "other_speaker": 404, "organiser": 200, "staff": 404},
    "download": {"speaker": 200, "other_speaker": 404, "organiser": 200, "staff": 404},
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("name", list(MATRIX))
def test_who_gets_what(client, who, name, serik, talk, event):
    paper = make.paper_of(serik, event, talk)
    make.upload(paper, serik)
    sign_in(client, who, serik)
    response = request(client, name, paper, talk)
    if who == "anonymous":
        assert_sent_to_login(response)
        return
    assert response.status_code == MATRIX[name][who]
    if name == "download" and response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
    if name == "preview_pdf" and response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["other_speaker", "staff"])
def test_others_change_nothing(client, who, uploaded, serik, talk):
    sign_in(client, who, serik)
    request(client, "upload", uploaded, talk)
    request(client, "move", uploaded, talk)
    client.post(url("paper", pk=uploaded.pk), {"title_kk": "Басқа тақырып"})
    uploaded.refresh_from_db()
    assert uploaded.versions.count() == 1
    assert uploaded.status == Status.DRAFT
    assert uploaded.title_kk != "Басқа тақырып"


def test_a_version_of_another_paper_is_not_found(client, uploaded, serik, event):
    other = make.paper_of(factories.speaker("bolat"), event)
    client.force_login(serik)
    assert client.get(url("download", pk=other.pk, number=1)).status_code == 404
    assert client.get(url("download", pk=uploaded.pk, number=2)).status_code == 404


def test_the_upload_checks_the_csrf_token(serik, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(serik)
    response = client.post(url("upload", pk=paper.pk), {"file": make.pdf_file()})
    assert response.status_code == 403
    assert paper.versions.count() == 0


def test_pages_outside_the_paper_tell_nothing_of_it(client, uploaded, serik):
    """Another speaker's dashboard does not list the paper."""
    client.force_login(factories.speaker("bolat"))
    html = client.get(url("my_papers")).text
    assert uploaded.title_kk not in html


# --- My papers ---------------------------------------------------------------------------------


def test_my_papers_lists_talks_with_their_papers_and_a_start_button(client, serik, event, paper):
    second = make.talk_of(serik, event, title_kk="", title_ru="Роль полиции", title_language="ru")
    loose = make.paper_of(serik, event, title_kk="Баяндамасыз мақала")
    decided = PaperStatusChange.objects.create(
        paper=paper,
        from_status="submitted",
        to_status="revision",
        comment="Әдебиеттерді толықтырыңыз.",
    )
    Paper.objects.filter(pk=paper.pk).update(status=Status.REVISION)
    event.papers_deadline = timezone.make_aware(datetime.datetime(2025, 6, 15, 18, 0))
    event.save()
    client.force_login(serik)

    html = client.get(url("my_papers")).text

    assert f'href="{url("paper", pk=paper.pk)}" lang="kk">{paper.title_kk}</a>' in html
    assert f'href="{url("paper", pk=loose.pk)}" lang="kk">Баяндамасыз мақала</a>' in html
    assert '<span class="paper-status paper-status--revision">Revision requested</span>' in html
    assert decided.comment in html
    assert f'<input type="hidden" name="talk" value="{second.pk}">' in html
    assert f'<span id="talk-{second.pk}-title" lang="ru">Роль полиции</span>' in html
    assert html.count('name="talk"') == 1  # the first talk has its paper already
    assert 'datetime="2025-06-15T18:00:00+05:00"' in html
    assert f'lang="ru">{event.theme_ru}</span>' in html  # English falls back to Russian


def talk_cards(client):
    """Each talk card of "My papers" as text, by its talk's id."""
    html = client.get(url("my_papers")).text
    return {
        int(pk): text_of(card)
        for pk, card in re.findall(r'<li class="paper-card" id="talk-(\d+)">(.*?)</li>', html, re.S)
    }


def test_my_papers_shows_a_talk_s_time_and_room_as_released_not_as_drafted(client, serik, event):
    room = factories.RoomFactory(event=event, name_en="Room B")
    talk = make.talk_of(serik, event, start=datetime.time(11), end=datetime.time(11, 20))
    factories.release(event)
    # Then the organisers move it in the draft, and add another talk, neither released yet.
    talk.start, talk.end, talk.room = datetime.time(15), datetime.time(15, 20), room
    talk.save()
    drafted = make.talk_of(serik, event, start=datetime.time(16), end=datetime.time(16, 20))
    client.force_login(serik)

    cards = talk_cards(client)
    assert "11:00" in cards[talk.pk]
    assert "15:00" not in cards[talk.pk] and "Room B" not in cards[talk.pk]
    assert "time to be announced" in cards[drafted.pk] and "16:00" not in cards[drafted.pk]

    factories.release(event)
    cards = talk_cards(client)
    assert "15:00" in cards[talk.pk] and "Room B" in cards[talk.pk]
    assert "16:00" in cards[drafted.pk]


def test_an_account_without_a_person_is_told_to_ask_for_an_invitation(client):
    client.force_login(factories.organiser("aigerim"))
    response = client.get(url("my_papers"))
    assert response.status_code == 200
    assert "ask its organisers to invite you" in text_of(response.text)


def test_the_header_links_my_papers_when_signed_in(client, serik, event):
    assert url("my_papers") not in client.get(f"/en/{event.slug}/").text
    client.force_login(serik)
    assert f'href="{url("my_papers")}"' in client.get(f"/en/{event.slug}/").text
    page = client.get(url("my_papers")).text
    assert f'<a href="{url("my_papers")}" aria-current="page">My papers</a>' in page


def test_starting_a_paper_copies_the_talk_and_the_speaker(client, serik, event):
    person = serik.person
    person.organisation_kk = "Алматы академиясы"
    person.organisation_ru = "Алматинская академия"
    person.save()
    talk = make.talk_of(serik, event, title_kk="", title_ru="Роль полиции", title_language="ru")
    client.force_login(serik)

    response = client.post(url("start", "kk"), {"talk": talk.pk})

    paper = Paper.objects.get()
    assert response["Location"] == url("paper", "kk", pk=paper.pk)
    assert (paper.event, paper.talk, paper.speaker) == (event, talk, person)
    assert (paper.language, paper.title_ru) == ("ru", "Роль полиции")
    assert not paper.title_kk
    assert paper.status == Status.DRAFT
    author = paper.authors.get()
    assert author.person == person
    assert author.role == Author.Role.AUTHOR
    assert (author.surname_kk, author.surname_ru) == (person.surname_kk, person.surname_ru)
    assert (author.given_name_kk, author.patronymic_ru) == ("Ануар", "Талгатович")
    assert (author.organisation_kk, author.organisation_ru) == (
        "Алматы академиясы",
        "Алматинская академия",
    )
    assert author.email == person.email

    # Starting again opens the same paper.
    again = client.post(url("start", "kk"), {"talk": talk.pk})
    assert again["Location"] == url("paper", "kk", pk=paper.pk)
    assert Paper.objects.count() == 1


def test_a_talk_without_a_title_language_starts_a_kazakh_paper(client, serik, event):
    talk = make.talk_of(serik, event, title_language="")
    client.force_login(serik)
    client.post(url("start"), {"talk": talk.pk})
    paper = Paper.objects.get()
    assert (paper.language, paper.title_kk) == ("kk", talk.title_kk)


def test_another_persons_talk_cannot_be_started(client, serik, event):
    talk = make.talk_of(factories.speaker("bolat"), event)
    client.force_login(serik)
    assert client.post(url("start"), {"talk": talk.pk}).status_code == 404
    assert client.post(url("start"), {"talk": "x"}).status_code == 404
    assert client.get(url("start")).status_code == 405
    assert not Paper.objects.exists()


# --- Details and authors -------------------------------------------------------------------------


def form_data(response, **changes):
    """What the browser sends back for the paper page in `response`, with `changes`."""
    context = response.context
    forms = [context["form"], context["formset"].management_form, *context["formset"]]
    return posted_values(forms) | changes


def test_details_are_saved_per_language(client, serik, paper, event):
    section = SectionFactory(event=event)
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    data = form_data(
        page,
        title_kk="Полиция және қоғам",
        title_ru="Полиция и общество",
        title_en="Police and society",
        abstract_kk="Аңдатпа мәтіні.",
        keywords_ru="полиция, общество",
        section=str(section.pk),
    )

    response = client.post(url("paper", pk=paper.pk), data)

    assert response.status_code == 302
    assert shown(response) == ["The paper's details are saved."]
    paper.refresh_from_db()
    assert (paper.title_kk, paper.title_ru, paper.title_en) == (
        "Полиция және қоғам",
        "Полиция и общество",
        "Police and society",
    )
    assert paper.abstract_kk == "Аңдатпа мәтіні."
    assert paper.keywords_ru == "полиция, общество"
    assert paper.section == section


def test_the_title_in_the_papers_language_is_required(client, serik, paper):
    client.force_login(serik)
    data = form_data(
        client.get(url("paper", pk=paper.pk)), title_kk="", title_ru="Только по-русски"
    )

    response = client.post(url("paper", pk=paper.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors["title_kk"] == [
        "Give the title in the language of the paper."
    ]
    paper.refresh_from_db()
    assert paper.title_kk and paper.title_ru != "Только по-русски"
    # In Russian it is the Russian title that is required.
    data |= {"language": "ru"}
    assert client.post(url("paper", pk=paper.pk), data).status_code == 302
    paper.refresh_from_db()
    assert (paper.language, paper.title_ru) == ("ru", "Только по-русски")


def test_a_section_of_another_round_table_is_refused(client, serik, paper):
    client.force_login(serik)
    foreign = SectionFactory()
    data = form_data(client.get(url("paper", pk=paper.pk)), section=str(foreign.pk))
    response = client.post(url("paper", pk=paper.pk), data)
    assert "section" in response.context["form"].errors
    assert str(foreign) not in client.get(url("paper", pk=paper.pk)).text


def test_authors_are_added_and_the_supervisor_is_one(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    new = "authors-1-"
    supervisor = {
        f"{new}role": "supervisor",
        f"{new}order": "0",
        f"{new}surname_kk": "Сапаров",
        f"{new}given_name_kk": "Бақыт",
        f"{new}patronymic_kk": "Қайратұлы",
        f"{new}organisation_kk": "Алматы академиясы",
    }
    assert client.post(url("paper", pk=paper.pk), form_data(page, **supervisor)).status_code == 302
    assert paper.authors.filter(role="supervisor").get().surname_kk == "Сапаров"

    # The speaker makes themselves supervisor too: the page refuses it.
    page = client.get(url("paper", pk=paper.pk))
    response = client.post(
        url("paper", pk=paper.pk), form_data(page, **{"authors-0-role": "supervisor"})
    )
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "A paper has one scientific supervisor."
    ]
    assert "A paper has one scientific supervisor." in response.text
    assert paper.authors.filter(role="supervisor").count() == 1


def test_the_supervisor_can_be_swapped_in_one_save(client, serik, paper):
    AuthorFactory(paper=paper, role="supervisor", order=0, surname_kk="Сапаров")
    AuthorFactory(paper=paper, role="author", order=1, surname_kk="Бегалиев")
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    forms = {form.instance.surname_kk: form.prefix for form in page.context["formset"].forms}
    data = form_data(
        page,
        **{f"{forms['Сапаров']}-role": "author", f"{forms['Бегалиев']}-role": "supervisor"},
    )
    assert client.post(url("paper", pk=paper.pk), data).status_code == 302
    assert paper.authors.get(role="supervisor").surname_kk == "Бегалиев"


def test_an_author_needs_a_surname_in_the_papers_language(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    response = client.post(
        url("paper", pk=paper.pk),
        form_data(page, **{"authors-1-surname_ru": "Бегалиев", "authors-1-given_name_ru": "Ерлан"}),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["surname_kk"] == [
        "Give the surname in the language of the paper."
    ]
    assert paper.authors.count() == 1


def test_after_acceptance_the_details_are_read_only(client, serik, uploaded):
    review.move(uploaded, Status.SUBMITTED, serik)
    review.move(uploaded, Status.ACCEPTED, factories.organiser("aigerim"), "Жақсы мақала.")
    client.force_login(serik)
    page = client.get(url("paper", pk=uploaded.pk))
    html = page.text
    assert '<fieldset class="paper-form-all" disabled>' in html
    assert ">Save</button>" not in html
    assert 'name="file"' not in html  # no more uploads
    assert "Жақсы мақала." in html

    response = client.post(url("paper", pk=uploaded.pk), {"title_kk": "Жаңа тақырып"})
    assert response.status_code == 302
    assert shown(response) == ["This paper is “Accepted”: its details no longer change."]
    uploaded.refresh_from_db()
    assert uploaded.title_kk != "Жаңа тақырып"


# --- One form: the details and the file --------------------------------------------------------

TYPED_ABSTRACT = "Мақалада полиция мен қоғамның серіктестігі қарастырылады."


def test_one_save_keeps_the_typed_abstract_and_stores_the_file(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    assert page.text.count('enctype="multipart/form-data"') == 1  # details and file: one form
    data = form_data(page, abstract_kk=TYPED_ABSTRACT, file=make.docx_file())

    response = client.post(url("paper", pk=paper.pk), data)

    assert response.status_code == 302
    assert shown(response) == ["Version 1 is uploaded: it is now the current one."]
    paper.refresh_from_db()
    assert paper.abstract_kk == TYPED_ABSTRACT
    assert paper.current_version.original_name == "Мақала.docx"
    page = client.get(url("paper", pk=paper.pk))
    assert f"{TYPED_ABSTRACT}</textarea>" in page.text


def test_a_refused_file_saves_nothing_and_keeps_what_was_typed(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    before = paper.abstract_kk
    data = form_data(page, abstract_kk=TYPED_ABSTRACT, file=make.exe_file())

    response = client.post(url("paper", pk=paper.pk), data)

    assert response.status_code == 400
    assert f"{TYPED_ABSTRACT}</textarea>" in response.text
    assert ".docx" in text_of(response.text)  # what is accepted instead
    paper.refresh_from_db()
    assert (paper.abstract_kk, paper.versions.count()) == (before, 0)


def test_a_too_large_file_keeps_what_was_typed(client, serik, paper, settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 100
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    data = form_data(page, abstract_kk=TYPED_ABSTRACT, file=make.pdf_file())

    response = client.post(url("paper", pk=paper.pk), data)

    assert response.status_code == 400
    assert f"{TYPED_ABSTRACT}</textarea>" in response.text
    assert "This file is larger than" in text_of(response.text)
    assert not paper.versions.exists()


def test_the_uploader_gets_json_for_the_details_and_the_file(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk))
    data = form_data(page, abstract_kk=TYPED_ABSTRACT, file=make.pdf_file())

    response = client.post(url("paper", pk=paper.pk), data, headers={"accept": "application/json"})

    assert response.json() == {"ok": True, "number": 1, "url": url("paper", pk=paper.pk)}
    paper.refresh_from_db()
    assert paper.abstract_kk == TYPED_ABSTRACT
    invalid = form_data(page, title_kk="", file=make.pdf_file())
    refused = client.post(
        url("paper", pk=paper.pk), invalid, headers={"accept": "application/json"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0] == "The details are not saved:"
    assert paper.versions.count() == 1


# --- Uploading ---------------------------------------------------------------------------------


def test_a_docx_becomes_the_current_version(client, serik, paper):
    client.force_login(serik)
    response = client.post(url("upload", "kk", pk=paper.pk), {"file": make.docx_file()})
    assert response.status_code == 302
    assert response["Location"] == url("paper", "kk", pk=paper.pk)
    paper.refresh_from_db()
    version = paper.current_version
    assert (version.number, version.kind, version.original_name) == (1, "docx", "Мақала.docx")
    assert KAZAKH_SENTENCE in version.html
    page = client.get(response["Location"]).text
    assert 'class="version version--current" id="version-1"' in page
    assert 'class="message message--success"' in page


def test_a_second_upload_is_version_two_and_the_first_stays(client, serik, uploaded):
    first = uploaded.current_version
    client.force_login(serik)
    client.post(url("upload", pk=uploaded.pk), {"file": make.pdf_file("Second.pdf")})
    uploaded.refresh_from_db()
    assert uploaded.current_version.number == 2
    assert uploaded.current_version.kind == "pdf"
    old = client.get(url("download", pk=uploaded.pk, number=1))
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == first.file.open("rb").read()
    html = client.get(url("paper", pk=uploaded.pk)).text
    assert html.index('id="version-2"') < html.index('id="version-1"')
    assert 'class="version version--current" id="version-2"' in html


def test_the_speaker_reads_why_an_organiser_uploaded_a_version_for_them(client, serik, uploaded):
    chair = factories.organiser("aigerim")
    reason = "Исправлен список литературы по просьбе редакции."
    make.upload(uploaded, chair, make.pdf_file("Final.pdf"))
    submission.add_version(uploaded, make.pdf_file(), chair, for_speaker=True, reason=reason)
    client.force_login(serik)

    html = client.get(url("paper", pk=uploaded.pk)).text

    current = html[html.index('id="version-3"') : html.index('id="version-2"')]
    assert "aigerim" in current
    assert reason in text_of(current)
    assert 'class="version-reason"' not in html[html.index('id="version-2"') :]


def test_a_renamed_program_is_refused_and_changes_nothing(client, serik, uploaded):
    before = make.stored_files()
    client.force_login(serik)
    response = client.post(url("upload", pk=uploaded.pk), {"file": make.exe_file()}, follow=True)
    text = text_of(response.text)
    assert "This file is not a PDF or a Word document (.docx)." in text
    assert 'class="message message--error" role="alert"' in response.text
    uploaded.refresh_from_db()
    assert uploaded.current_version.number == 1
    assert uploaded.versions.count() == 1
    assert make.stored_files() == before


def test_a_docx_that_cannot_be_converted_is_refused(client, serik, uploaded):
    """It passes the content checks (a zip with Word's parts) but its text is not XML."""
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "not xml at all <")
    before = make.stored_files()
    client.force_login(serik)
    response = client.post(
        url("upload", pk=uploaded.pk),
        {"file": SimpleUploadedFile("broken.docx", broken.getvalue())},
    )
    assert shown(response) == [
        "The file could not be read as a Word document. Open it in Word and save it again."
    ]
    assert uploaded.versions.count() == 1
    assert make.stored_files() == before


def test_picture_bombs_are_refused_and_the_current_version_stays(client, serik, uploaded):
    """Three pictures claiming 12000 × 12000 pixels each: a 40 KB file, 1.7 GB decoded."""
    bombs = [png_header_bytes(12000, 12000 + n) for n in range(3)]
    before = make.stored_files()
    client.force_login(serik)

    response = client.post(
        url("upload", "kk", pk=uploaded.pk),
        {"file": make.docx_file(pictures=bombs)},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        "Бұл Word құжатында 40 мегапиксельден үлкен сурет бар; 300 dpi ажыратымдылықпен "
        "басылған тұтас бет шамамен 6 мегапиксель. Суретті кішірейтіп, мақаланы қайта жүктеңіз."
    ]
    assert uploaded.versions.count() == 1
    assert make.stored_files() == before


@pytest.mark.slow
def test_the_preview_pdf_prints_a_large_picture_at_300_dpi(client, serik, paper):
    """Its 6000 pixels across are scaled down at upload; the preview never decodes them."""
    make.upload(paper, serik, make.docx_file(pictures=[png_bytes(size=(6000, 4000))]))
    client.force_login(serik)

    response = client.get(url("preview_pdf", pk=paper.pk))

    reader = PdfReader(io.BytesIO(response.content))
    [picture] = [image for page in reader.pages for image in page.images]
    assert picture.image.size == (2008, 1339)


def test_the_refusal_is_in_the_language_of_the_page(client, serik, uploaded):
    client.force_login(serik)
    response = client.post(url("upload", "ru", pk=uploaded.pk), {"file": make.exe_file()})
    assert response["Location"] == url("paper", "ru", pk=uploaded.pk) + "#upload"
    with translation.override("ru"):
        from proceedings.uploads import MESSAGES

        expected = str(MESSAGES["not_accepted"])
    assert shown(response) == [expected]


def test_an_upload_without_a_file_is_refused(client, serik, paper):
    client.force_login(serik)
    response = client.post(url("upload", pk=paper.pk), {})
    assert shown(response) == ["Choose the file of your paper: a DOCX or a PDF."]


def test_a_file_over_the_limit_is_refused_while_it_streams_in(client, serik, uploaded, settings):
    settings.PAPER_UPLOAD_MAX_BYTES = 1000
    before = make.stored_files()
    client.force_login(serik)
    response = client.post(url("upload", pk=uploaded.pk), {"file": make.docx_file()})
    assert shown(response)[0].startswith("This file is larger than 1000")
    assert uploaded.versions.count() == 1
    assert make.stored_files() == before


def test_after_the_deadline_uploads_are_refused_until_reopened(client, serik, uploaded):
    event = uploaded.event
    event.papers_deadline = timezone.now() - datetime.timedelta(days=1)
    event.save()
    client.force_login(serik)

    response = client.post(url("upload", pk=uploaded.pk), {"file": make.pdf_file()})
    assert shown(response)[0].startswith("The deadline for papers was")
    assert uploaded.versions.count() == 1
    page = client.get(url("paper", pk=uploaded.pk)).text
    assert 'class="notice upload-closed"' in page
    assert 'name="file"' not in page

    review.reopen_uploads(uploaded, factories.organiser("aigerim"))
    response = client.post(url("upload", pk=uploaded.pk), {"file": make.pdf_file()})
    assert shown(response) == ["Version 2 is uploaded: it is now the current one."]
    uploaded.refresh_from_db()
    assert uploaded.current_version.number == 2


def test_the_progress_uploader_gets_json(client, serik, paper):
    client.force_login(serik)
    json_headers = {"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    ok = client.post(url("upload", pk=paper.pk), {"file": make.docx_file()}, **json_headers)
    assert ok.status_code == 200
    assert ok.json() == {"ok": True, "number": 1, "url": url("paper", pk=paper.pk)}
    # The script opens the paper's page, which says the version is uploaded.
    assert "Version 1 is uploaded" in client.get(ok.json()["url"]).text

    refused = client.post(url("upload", pk=paper.pk), {"file": make.exe_file()}, **json_headers)
    assert refused.status_code == 400
    answer = json.loads(refused.content)
    assert answer["ok"] is False
    assert answer["errors"][0].startswith("This file is not a PDF or a Word document")
    # The refusal is shown in place, not again on the next page.
    assert not shown(refused)


def test_the_upload_form_works_without_script_and_names_the_limit(client, serik, paper):
    client.force_login(serik)
    html = client.get(url("paper", pk=paper.pk)).text
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".pdf,.docx"' in html
    assert 'data-max-bytes="20971520"' in html
    assert "at most 20.0 MB" in text_of(html)
    assert 'role="status" aria-live="polite"' in html
    assert "proceedings/upload.js" in html


# --- Downloads ---------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_its_type_and_name(client, serik, uploaded):
    client.force_login(serik)
    response = client.get(url("download", pk=uploaded.pk, number=1))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%D0%9C%D0%B0%D2%9B%D0%B0%D0%BB%D0%B0.docx" in disposition
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_files_are_not_under_the_public_addresses(client, uploaded):
    name = uploaded.current_version.file.name
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + name).status_code == 404


# --- Preview -----------------------------------------------------------------------------------


def test_preview_shows_the_article_and_the_warnings(client, serik, paper):
    paper.authors.update(organisation_kk="Алматы академиясы", city_kk="Алматы")
    AuthorFactory(
        paper=paper,
        order=1,
        surname_kk="Бегалиев",
        given_name_kk="Ерлан",
        patronymic_kk="Нұрланұлы",
        organisation_kk="Қарағанды университеті",
        city_kk="Қарағанды",
    )
    AuthorFactory(
        paper=paper,
        role="supervisor",
        surname_kk="Сапаров",
        given_name_kk="Бақыт",
        patronymic_kk="Қайратұлы",
    )
    paper.abstract_kk = "Мақалада серіктестік қарастырылады."
    paper.keywords_kk = "полиция, қоғам"
    paper.save()
    make.upload(paper, serik, make.docx_file(with_remote_image=True, with_footnote=True))
    client.force_login(serik)

    html = client.get(url("preview", "kk", pk=paper.pk)).text

    article = html[html.index('<article class="paper" lang="kk">') :]
    speaker = serik.person.surname_kk.capitalize()
    assert (
        f'<p class="paper-authors">{speaker} А.Т.<sup>1</sup>, Бегалиев Е.Н.<sup>2</sup></p>'
        in article
    )
    assert '<p class="paper-supervisor">Ғылыми жетекшісі: Сапаров Б.Қ.</p>' in article
    assert "<sup>1</sup>Алматы академиясы, Алматы" in article
    assert "<sup>2</sup>Қарағанды университеті, Қарағанды" in article
    assert f'<h2 class="paper-title">{paper.title_kk}</h2>' in article
    assert "Аңдатпа.</span> Мақалада серіктестік қарастырылады." in article
    assert "Түйін сөздер:</span> полиция, қоғам" in article
    assert KAZAKH_SENTENCE in article
    assert f"<h3>{TITLE}</h3>" in article
    assert '<span class="footnote">' in article
    assert (
        article.index("paper-authors")
        < article.index("paper-supervisor")
        < article.index("paper-title")
    )
    warnings = text_of(html[html.index('class="conversion-warnings"') : html.index("<article")])
    assert "Құжатқа сырттан сілтеме арқылы қосылған 1 сурет алынып тасталды." in warnings


def test_conversion_warnings_read_in_the_readers_language_not_the_uploaders(client, serik, paper):
    with translation.override("en"):
        make.upload(paper, serik, make.docx_file(with_remote_image=True))
    client.force_login(serik)

    russian = text_of(client.get(url("preview", "ru", pk=paper.pk)).text)

    assert "1 изображение, вставленное как ссылка на внешний файл, удалено." in russian
    assert "image linked from outside" not in russian


def test_preview_in_russian_labels_the_supervisor_in_russian(client, serik, event):
    paper = make.paper_of(serik, event, language="ru")
    AuthorFactory(
        paper=paper,
        role="supervisor",
        surname_ru="Сапаров",
        given_name_ru="Бахыт",
        patronymic_ru="Кайратович",
    )
    client.force_login(serik)
    html = client.get(url("preview", "kk", pk=paper.pk)).text
    assert '<article class="paper" lang="ru">' in html
    assert "Научный руководитель: Сапаров Б.К." in html
    assert '<html lang="kk">' in html  # the page is in Kazakh, the article in Russian


def test_preview_of_a_pdf_offers_the_file(client, serik, paper):
    make.upload(paper, serik, make.pdf_file())
    client.force_login(serik)
    html = client.get(url("preview", pk=paper.pk)).text
    assert "it goes into the book as it is" in text_of(html)
    assert f'href="{url("download", pk=paper.pk, number=1)}"' in html
    response = client.get(url("preview_pdf", pk=paper.pk))
    assert response.status_code == 302
    assert response["Location"] == url("download", pk=paper.pk, number=1)


def test_preview_pdf_is_the_typeset_article_with_kazakh_text(client, serik, uploaded):
    client.force_login(serik)
    response = client.get(url("preview_pdf", pk=uploaded.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert uploaded.title_kk in text
    assert KAZAKH_SENTENCE in text
    assert KAZAKH_LETTERS in text
    assert reader.metadata.title == uploaded.title_kk


# --- Moves -------------------------------------------------------------------------------------


def test_the_speaker_submits_and_withdraws_and_reopens(client, serik, uploaded):
    client.force_login(serik)
    page = client.get(url("paper", pk=uploaded.pk)).text
    assert '<input type="hidden" name="status" value="submitted">' in page

    response = client.post(url("move", pk=uploaded.pk), {"status": "submitted"})
    assert response["Location"] == url("paper", pk=uploaded.pk)
    assert shown(response) == ["The paper is now “Submitted”."]
    uploaded.refresh_from_db()
    assert uploaded.status == Status.SUBMITTED

    client.post(url("move", pk=uploaded.pk), {"status": "withdrawn", "confirmed": "1"})
    uploaded.refresh_from_db()
    assert uploaded.status == Status.WITHDRAWN
    page = client.get(url("paper", pk=uploaded.pk)).text
    assert '<input type="hidden" name="status" value="draft">' in page

    client.post(url("move", pk=uploaded.pk), {"status": "draft"})
    uploaded.refresh_from_db()
    assert uploaded.status == Status.DRAFT
    assert [change.to_status for change in uploaded.status_changes.all()] == [
        "submitted",
        "withdrawn",
        "draft",
    ]


def test_a_new_draft_shows_submit_first_and_withdraw_asks_first(client, serik, paper):
    client.force_login(serik)
    page = client.get(url("paper", pk=paper.pk)).text
    moves = page[page.index('id="moves-heading"') : page.index('id="history-heading"')]
    buttons = re.findall(r"<button[^>]*>([^<]+)</button>", moves)
    assert buttons == ["Submit for review", "Withdraw the paper"]
    assert '<button type="button" disabled' in moves
    assert "Upload the file of the paper first." in moves

    response = client.post(url("move", pk=paper.pk), {"status": "withdrawn"})

    assert response.status_code == 200
    assert "Withdraw the paper? It leaves the review" in response.text
    assert 'name="confirmed" value="1"' in response.text
    paper.refresh_from_db()
    assert paper.status == Status.DRAFT
    client.post(url("move", pk=paper.pk), {"status": "withdrawn", "confirmed": "1"})
    paper.refresh_from_db()
    assert paper.status == Status.WITHDRAWN


def test_a_paper_without_a_file_is_not_submitted(client, serik, paper):
    client.force_login(serik)
    assert 'value="submitted"' not in client.get(url("paper", pk=paper.pk)).text
    response = client.post(url("move", pk=paper.pk), {"status": "submitted"})
    assert shown(response) == ["Upload the paper before submitting it."]
    paper.refresh_from_db()
    assert paper.status == Status.DRAFT


def test_the_speaker_cannot_accept(client, serik, uploaded):
    review.move(uploaded, Status.SUBMITTED, serik)
    client.force_login(serik)
    response = client.post(url("move", pk=uploaded.pk), {"status": "accepted"})
    assert shown(response) == ["You may not move this paper to “Accepted”."]
    client.get(url("paper", pk=uploaded.pk))  # reads the message
    response = client.post(url("move", pk=uploaded.pk), {"status": "nonsense"})
    assert shown(response) == ["Choose what to do with the paper."]
    uploaded.refresh_from_db()
    assert uploaded.status == Status.SUBMITTED


def test_organisers_decide_on_the_page_with_a_comment(client, serik, uploaded):
    review.move(uploaded, Status.SUBMITTED, serik)
    client.force_login(factories.organiser("aigerim"))
    page = client.get(url("paper", pk=uploaded.pk)).text
    assert (
        'textarea id="comment-revision" name="comment" rows="2" maxlength="2000" required' in page
    )
    assert serik.person.email in page

    response = client.post(url("move", pk=uploaded.pk), {"status": "revision"})
    assert shown(response) == ["Say what the speaker should change, or why it is rejected."]
    client.post(
        url("move", pk=uploaded.pk), {"status": "revision", "comment": "Әдебиеттер тізімі."}
    )
    uploaded.refresh_from_db()
    assert uploaded.status == Status.REVISION

    client.force_login(serik)
    html = client.get(url("paper", pk=uploaded.pk)).text
    assert "Әдебиеттер тізімі." in html
    assert 'id="paper-status">Revision requested</strong>' in html


# --- Languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_pages_in_kazakh_and_russian(client, serik, uploaded, language):
    client.force_login(serik)
    for name, kwargs in [
        ("my_papers", {}),
        ("paper", {"pk": uploaded.pk}),
        ("preview", {"pk": uploaded.pk}),
    ]:
        response = client.get(url(name, language, **kwargs))
        assert response.status_code == 200
        html = response.text
        assert f'<html lang="{language}">' in html
        assert f'lang="kk">{uploaded.title_kk}' in html
        assert f'href="{url("my_papers", language)}"' in html
    paper_page = client.get(url("paper", language, pk=uploaded.pk)).text
    with translation.override(language):
        assert f">{Status.DRAFT.label}</strong>" in paper_page
    assert '<legend><span lang="kk">Қазақша</span></legend>' in paper_page
    assert '<legend><span lang="ru">Русский</span></legend>' in paper_page
    assert re.search(r'<input type="text" name="title_ru"[^>]* lang="ru"', paper_page)


def test_the_pages_in_english(client, serik, uploaded, event):
    make.talk_of(serik, event, title_kk="Екінші баяндама")
    client.force_login(serik)
    text = text_of(client.get(url("my_papers")).text)
    assert "My papers" in text and "Start the paper" in text and "Draft" in text
    text = text_of(client.get(url("paper", pk=uploaded.pk)).text)
    for words in ("Decision and comments", "Files", "Details of the paper", "Submit for review"):
        assert words in text


# --- Query counts ------------------------------------------------------------------------------


def speaker_with_papers(count, event):
    """A speaker with `count` talks, each with its paper of two authors, a file and a decision."""
    user = factories.speaker("many")
    for number in range(count):
        talk = make.talk_of(user, event, title_kk=f"Баяндама {number}")
        paper = make.paper_of(user, event, talk)
        AuthorFactory(paper=paper, order=1)
        make.upload(paper, user, make.pdf_file())
        PaperStatusChange.objects.create(
            paper=paper, from_status="submitted", to_status="revision", comment="Түзетіңіз."
        )
    return user


@pytest.mark.parametrize("papers", [1, 5])
def test_my_papers_queries_do_not_grow_with_papers(
    client, event, papers, django_assert_num_queries
):
    client.force_login(speaker_with_papers(papers, event))
    # session, user, person, talks, their places as released, papers (with their last decision)
    with django_assert_num_queries(6):
        response = client.get(url("my_papers"))
    assert response.text.count('class="paper-summary"') == papers


@pytest.mark.parametrize("size", [1, 5])
def test_paper_page_queries_do_not_grow_with_authors_versions_or_history(
    client, serik, paper, size, django_assert_num_queries
):
    for number in range(1, size):
        AuthorFactory(paper=paper, order=number)
    for _ in range(size):
        make.upload(paper, serik, make.pdf_file())
    for _ in range(size):
        review.move(paper, Status.SUBMITTED, serik)
        review.move(paper, Status.WITHDRAWN, serik)
        review.move(paper, Status.DRAFT, serik)
    client.force_login(serik)
    # session, user, paper (with event, talk, speaker, section, current version), the user's
    # and their groups' permissions, authors, versions, history, and the choices of section,
    # degree and academic title
    with django_assert_num_queries(11):
        response = client.get(url("paper", pk=paper.pk))
    assert response.text.count('<tr class="version') == size
    assert response.text.count('<fieldset class="author') == size + 1


@pytest.mark.parametrize("size", [1, 5])
def test_preview_queries_do_not_grow_with_authors(
    client, serik, paper, size, django_assert_num_queries
):
    for number in range(1, size):
        AuthorFactory(paper=paper, order=number)
    make.upload(paper, serik)
    client.force_login(serik)
    # session, user, paper with its current version, authors (with degree and title), the
    # editors' text corrections, and the user's and their groups' permissions
    with django_assert_num_queries(7):
        client.get(url("preview", pk=paper.pk))


def test_a_person_added_later_sees_their_papers(client, event):
    """An account linked to a person by organisers after signing in once."""
    user = factories.staff("late")
    client.force_login(user)
    assert "ask its organisers" in client.get(url("my_papers")).text
    person = PersonFactory(user=user)
    make.talk_of(user, event)
    assert person.pk and "Start the paper" in client.get(url("my_papers")).text
