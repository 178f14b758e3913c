import csv
import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from proceedings import review
from proceedings.models import Paper, Section
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    PersonFactory,
    RoundTableFactory,
    SectionFactory,
    UserFactory,
    add_version,
    organiser,
)
from tests.letters import deliver_letters
from tests.pages import admin_form_data, change_url, shown

pytestmark = pytest.mark.django_db

Status = Paper.Status
CHANGELIST = reverse("admin:proceedings_paper_changelist")


@pytest.fixture
def chair(client):
    """A signed-in organiser whose browser asks for English."""
    user = organiser(username="chair")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def submitted_paper(**kwargs):
    """A paper in Kazakh by two authors, its PDF uploaded and submitted for review."""
    paper = PaperFactory(status=Status.SUBMITTED, **kwargs)
    AuthorFactory(paper=paper, order=1)
    AuthorFactory(
        paper=paper,
        order=2,
        surname_kk="Бегалиев",
        surname_ru="Бегалиев",
        given_name_kk="Ерлан",
        given_name_ru="Ерлан",
        patronymic_kk="Нұрланұлы",
        patronymic_ru="Нурланович",
    )
    add_version(paper)
    return paper


def act(client, action, *papers, **data):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [paper.pk for paper in papers], **data},
        follow=True,
    )


def changelist(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_title_authors_section_status_and_version(chair, client):
    section = SectionFactory(name_kk="Құқықтық негіздер", name_ru="Правовые основы")
    paper = submitted_paper(event=section.event, section=section)

    response, rows = changelist(client)

    assert rows == [paper]
    html = response.text
    assert paper.title_kk in html
    assert "Ахманов А.Т., Бегалиев Е.Н." in html
    assert "Правовые основы" in html  # names in the admin's language, Russian for English
    assert 'class="paper-status paper-status-submitted"' in html
    assert "No. 1 · PDF · 15\xa0bytes" in html
    assert paper.speaker.full_name in html


def test_the_list_filters_by_event_status_section_and_language(chair, client):
    section = SectionFactory()
    kazakh = submitted_paper(event=section.event, section=section)
    russian = PaperFactory(event=section.event, language="ru")
    elsewhere = PaperFactory()

    assert set(changelist(client, event__id__exact=section.event.pk)[1]) == {kazakh, russian}
    assert changelist(client, status__exact="submitted")[1] == [kazakh]
    assert changelist(client, status__exact="draft")[1] == [russian, elsewhere]
    assert changelist(client, section__id__exact=section.pk)[1] == [kazakh]
    assert changelist(client, language__exact="ru")[1] == [russian]

    response, _rows = changelist(client, event__id__exact=section.event.pk)
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert set(filters) == {
        "round table",
        "status",
        "section of the collection",
        "language of the paper",
    }
    # With a round table chosen, the section filter offers its sections only, by name.
    other = SectionFactory()
    choices = [
        choice["display"]
        for choice in filters["section of the collection"].choices(response.context["cl"])
    ]
    assert section.name in choices
    assert other.name not in choices and f"{other.event.slug}: {other.name}" not in choices


def test_the_list_searches_titles_in_every_language_speakers_and_authors(chair, client):
    paper = submitted_paper(speaker=PersonFactory(surname_kk="ЖҰМАБАЕВА", surname_ru="ЖУМАБАЕВА"))
    PaperFactory(title_kk="Басқа тақырып", title_ru="Другая тема")

    assert changelist(client, q="партнёрство")[1] == [paper]
    assert changelist(client, q="серіктестік")[1] == [paper]
    assert changelist(client, q="жумабаева")[1] == [paper]
    assert changelist(client, q="Бегалиев")[1] == [paper]


def papers_for_the_list(count, event):
    for _number in range(count):
        paper = submitted_paper(event=event, section=SectionFactory(event=event))
        review.move(paper, Status.REVISION, organiser(), "Add the references.")


@pytest.mark.parametrize("params", [{}, {"status__exact": "revision", "q": "Ахманов"}])
def test_the_list_takes_as_many_queries_for_30_papers_as_for_5(
    chair, client, django_assert_max_num_queries, params
):
    """Session, user, 2 × permissions, round tables and sections for the filters, 2 counts,
    the papers with speaker, section and version joined, their authors."""
    event = RoundTableFactory()
    papers_for_the_list(5, event)
    with django_assert_max_num_queries(10) as five:
        client.get(CHANGELIST, {"event__id__exact": event.pk, **params})
    papers_for_the_list(25, event)

    with django_assert_max_num_queries(10) as thirty:
        response = client.get(CHANGELIST, {"event__id__exact": event.pk, **params})

    assert len(response.context["cl"].result_list) == 30
    assert len(thirty) == len(five)


# --- A paper's page ------------------------------------------------------------------------------


def test_the_paper_page_shows_its_metadata_side_by_side(chair, client):
    paper = submitted_paper(title_en="Police & <society>", abstract_en="<script>x</script>\ny")

    response = client.get(change_url(paper))

    assert response.status_code == 200
    [table] = re.findall(r"<table class='paper-metadata'>.*?</table>", response.text, re.S)
    header, title, abstract, keywords, authors = re.findall(r"<tr>.*?</tr>", table, re.S)
    assert re.findall(r"<th scope='col'[^>]*>(.*?)</th>", header) == [
        "<strong>Қазақша ★</strong>",
        "Русский",
        "English",
    ]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", title, re.S)
    assert cells == [paper.title_kk, paper.title_ru, "Police &amp; &lt;society&gt;"]
    assert "мен қоғамның" in abstract
    assert "&lt;script&gt;x&lt;/script&gt;<br>y" in abstract
    assert "<script>x" not in response.text
    assert "полиция, қоғам, серіктестік" in keywords
    kk, ru, en = re.findall(r"<td[^>]*>(.*?)</td>", authors, re.S)
    assert kk.startswith("Ахманов Асқар Төлегенұлы — Алматы академиясы, Алматы<br>Бегалиев")
    assert ru.startswith("Ахманов Аскар Тулегенович — Алматинская академия")
    # No English given: the names in Latin letters, written from the Kazakh ones.
    assert en == "Akhmanov Askar Tolegenuly<br>Begaliev Erlan Nurlanuly"


def test_the_paper_page_has_language_tabs_and_sortable_authors(chair, client):
    paper = submitted_paper()

    html = client.get(change_url(paper)).text

    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    assert "modeltranslation/js/tabbed_translation_fields.js" in scripts
    assert "vendor/jquery-ui/jquery-ui.min.js" in scripts
    assert any(script.startswith("adminsortable2/js/adminsortable2") for script in scripts)
    assert [script for script in scripts if not finders.find(script)] == []
    for code in ("kk", "ru", "en"):
        assert f"mt-field-title-{code}" in html
        assert f'name="authors-0-surname_{code}"' in html
    assert re.search(r'<fieldset class="module [^"]*sortable[^"]*" aria-labelledby="authors', html)
    assert 'name="authors-0-order"' in html


def test_dragging_authors_reorders_them(chair, client):
    paper = submitted_paper()
    first, second = paper.authors.all()
    url = change_url(paper)
    data = admin_form_data(client.get(url)) | {"authors-0-order": "2", "authors-1-order": "1"}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(paper.authors.all()) == [second, first]


def test_an_organiser_adds_a_paper_with_its_authors(chair, client):
    event = RoundTableFactory()
    speaker = PersonFactory()
    url = reverse("admin:proceedings_paper_add")
    page = client.get(url)
    assert "metadata_side_by_side" not in str(page.context["adminform"].form.fields)
    data = admin_form_data(page) | {
        "event": str(event.pk),
        "speaker": str(speaker.pk),
        "language": "ru",
        "title_ru": "Профилактика правонарушений",
        "authors-TOTAL_FORMS": "1",
        "authors-0-role": "author",
        "authors-0-surname_ru": "Жумабаева",
        "authors-0-given_name_ru": "Айгерим",
    }

    kazakh_only = client.post(
        url, data | {"authors-0-surname_ru": "", "authors-0-surname_kk": "Жұмабаева"}
    )
    [authors, *_read_only] = kazakh_only.context["inline_admin_formsets"]
    assert authors.formset.errors == [
        {"surname_ru": ["Give the surname in the language of the paper."]}
    ]
    response = client.post(url, data)

    assert response.status_code == 302, [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]
    paper = Paper.objects.get(title_ru="Профилактика правонарушений")
    assert (paper.status, paper.speaker, paper.event) == (Status.DRAFT, speaker, event)
    authors = paper.authors.all()
    assert [(author.surname_ru, author.short_name) for author in authors] == [
        ("Жумабаева", "Zhumabaeva A.")  # on an English page, the name written in Latin letters
    ]


def test_an_organiser_gives_a_paper_a_running_title(chair, client):
    paper = submitted_paper()
    page = client.get(change_url(paper))
    assert "printed at the top of the paper's right-hand pages" in page.text
    data = admin_form_data(page) | {"running_title": "Полиция және қоғам"}

    response = client.post(change_url(paper), data)

    assert response.status_code == 302, response.context["errors"]
    paper.refresh_from_db()
    assert paper.running_title == "Полиция және қоғам"


def test_a_paper_needs_its_title_in_its_own_language(chair, client):
    url = reverse("admin:proceedings_paper_add")
    data = admin_form_data(client.get(url)) | {
        "event": str(RoundTableFactory().pk),
        "speaker": str(PersonFactory().pk),
        "language": "ru",
        "title_kk": "Тек қазақша",
    }

    response = client.post(url, data)

    assert response.context["adminform"].form.errors == {
        "title_ru": ["Give the title in the language of the paper."]
    }
    assert not Paper.objects.exists()


def test_an_author_needs_a_surname_in_the_language_of_the_paper(chair, client):
    paper = submitted_paper()
    url = change_url(paper)

    response = client.post(url, admin_form_data(client.get(url)) | {"authors-0-surname_kk": ""})

    [authors, *_read_only] = response.context["inline_admin_formsets"]
    assert authors.formset.errors[0] == {
        "surname_kk": ["Give the surname in the language of the paper."]
    }


def test_versions_and_history_are_read_only(chair, client):
    paper = submitted_paper()
    version = add_version(paper, b"PK\x03\x04docx", kind="docx", name="мақала.docx", user=chair)
    review.move(paper, Status.REVISION, chair, "Әдебиеттер тізімін қосыңыз.")

    response = client.get(change_url(paper))

    inlines = {
        inline.formset.prefix: inline for inline in response.context["inline_admin_formsets"]
    }
    versions, history = inlines["versions"], inlines["status_changes"]
    for inline in (versions, history):
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission
    html = response.text
    assert 'name="versions-0-DELETE"' not in html
    assert "Add another version" not in html
    assert f'href="{version.get_download_url()}"' in html
    assert "мақала.docx" in html
    assert f"{version.sha256[:12]}…" in html
    assert "Әдебиеттер тізімін қосыңыз." in html
    assert [v.number for v in versions.formset.queryset] == [2, 1]


def test_the_status_is_not_a_form_field(chair, client):
    paper = submitted_paper()
    url = change_url(paper)
    page = client.get(url)

    assert "status" not in page.context["adminform"].form.fields
    client.post(url, admin_form_data(page) | {"status": "accepted"})
    paper.refresh_from_db()
    assert paper.status == Status.SUBMITTED


# --- Decisions -----------------------------------------------------------------------------------


def test_accepting_asks_for_an_optional_comment_records_it_and_tells_the_speaker(
    chair, client, django_capture_on_commit_callbacks
):
    paper = submitted_paper()

    confirm = act(client, "accept", paper)
    assert confirm.status_code == 200
    assert confirm.templates[0].name == "admin/proceedings/paper/decide.html"
    assert paper.title_kk in confirm.text
    assert not confirm.context["form"].fields["comment"].required

    with django_capture_on_commit_callbacks(execute=True):
        done = act(client, "accept", paper, comment="Жақсы мақала.")

    paper.refresh_from_db()
    assert paper.status == Status.ACCEPTED
    change = paper.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by, change.comment) == (
        "submitted",
        "accepted",
        chair,
        "Жақсы мақала.",
    )
    assert shown(done) == [f"“{paper.title_kk}” is now: Accepted."]
    # The letter itself is speakers/letters.py's and its `paper_decision` template's.
    deliver_letters()
    [letter] = mail.outbox
    assert letter.to == [paper.speaker.email]
    assert paper.title_kk in letter.body
    assert "Жақсы мақала." in letter.body


@pytest.mark.parametrize("action", ["reject", "request_revision"])
def test_rejecting_or_asking_a_revision_without_a_comment_changes_nothing(chair, client, action):
    paper = submitted_paper()

    response = act(client, action, paper, comment="   ")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "comment": ["Say what the speaker should change, or why it is rejected."]
    }
    assert "Say what the speaker should change" in response.text
    paper.refresh_from_db()
    assert paper.status == Status.SUBMITTED
    assert not paper.status_changes.exists()
    assert mail.outbox == []


def test_asking_a_revision_reopens_uploads(chair, client):
    paper = submitted_paper()

    response = act(client, "request_revision", paper, comment="Аннотацияны қысқартыңыз.")

    paper.refresh_from_db()
    assert (paper.status, paper.uploads_reopened) == (Status.REVISION, True)
    assert paper.status_changes.get().comment == "Аннотацияны қысқартыңыз."
    assert shown(response) == [f"“{paper.title_kk}” is now: Revision requested."]


def test_a_draft_cannot_be_accepted_and_the_others_are(chair, client):
    draft = PaperFactory()
    paper = submitted_paper()

    confirm = act(client, "accept", draft, paper)
    assert "A “Draft” paper cannot be moved so: it will be left as it is." in confirm.text

    response = act(client, "accept", draft, paper, comment="")

    draft.refresh_from_db()
    paper.refresh_from_db()
    assert (draft.status, paper.status) == (Status.DRAFT, Status.ACCEPTED)
    assert not draft.status_changes.exists()
    assert sorted(shown(response)) == sorted(
        [
            f"“{draft.title_kk}” was left as it is: A paper cannot go from “Draft” to “Accepted”.",
            f"“{paper.title_kk}” is now: Accepted.",
        ]
    )


def test_reopening_uploads_sets_the_flag_of_open_papers(chair, client):
    paper = submitted_paper()
    accepted = submitted_paper()
    review.move(accepted, Status.ACCEPTED, chair)

    response = act(client, "reopen_uploads", paper, accepted)

    paper.refresh_from_db()
    accepted.refresh_from_db()
    assert (paper.uploads_reopened, accepted.uploads_reopened) == (True, False)
    assert sorted(shown(response)) == sorted(
        [
            f"The speaker of “{paper.title_kk}” may upload again until the next decision.",
            f"“{accepted.title_kk}” was left as it is: "
            "Only a paper in draft, submitted or in revision takes new uploads.",
        ]
    )


def test_the_paper_page_offers_the_decisions_as_buttons(chair, client):
    paper = submitted_paper()
    url = change_url(paper)

    html = client.get(url).text
    decide = {
        status: reverse("admin:proceedings_paper_decide", args=[paper.pk, status])
        for status in ("accepted", "revision", "rejected")
    }
    for link in decide.values():
        assert f'href="{link}"' in html
    reopen = reverse("admin:proceedings_paper_reopen_uploads", args=[paper.pk])
    assert f'href="{reopen}"' in html

    page = client.get(decide["rejected"])
    assert page.context["form"].fields["comment"].required
    refused = client.post(decide["rejected"], {"comment": ""})
    assert refused.status_code == 200
    paper.refresh_from_db()
    assert paper.status == Status.SUBMITTED

    done = client.post(decide["rejected"], {"comment": "Тақырыпқа сәйкес емес."}, follow=True)

    assert done.redirect_chain[-1][0] == url
    paper.refresh_from_db()
    assert paper.status == Status.REJECTED
    assert shown(done) == [f"“{paper.title_kk}” is now: Rejected."]
    after = client.get(url).text
    assert decide["accepted"] not in after and reopen not in after
    assert (
        client.get(reverse("admin:proceedings_paper_decide", args=[paper.pk, "draft"])).status_code
        == 404
    )


def test_uploads_are_reopened_from_the_paper_page(chair, client):
    paper = submitted_paper()
    url = reverse("admin:proceedings_paper_reopen_uploads", args=[paper.pk])

    assert client.get(url).status_code == 200
    paper.refresh_from_db()
    assert not paper.uploads_reopened
    client.post(url)
    paper.refresh_from_db()
    assert paper.uploads_reopened


# --- CSV -----------------------------------------------------------------------------------------


def test_the_paper_list_downloads_as_csv_for_excel(chair, client):
    event = RoundTableFactory(slug="public-safety-2025")
    section = SectionFactory(event=event, name_kk="Құқықтық негіздер")
    kazakh = submitted_paper(event=event, section=section)
    review.move(kazakh, Status.REVISION, chair, "=HYPERLINK(1) қосыңыз")
    russian = PaperFactory(event=event, language="ru", title_ru="Профилактика правонарушений")

    response = client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [kazakh.pk, russian.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="papers-public-safety-2025-{today}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert header == [
        "No.",
        "round table",
        "section of the collection",
        "title",
        "language of the paper",
        "authors",
        "speaker",
        "speaker's e-mail",
        "status",
        "current version",
        "file kind",
        "size in bytes",
        "uploaded at",
        "last comment",
    ]
    assert len(rows) == 2
    by_id = {int(row[0]): row for row in rows}
    version = kazakh.versions.get()
    uploaded = timezone.localtime(version.uploaded_at).strftime("%Y-%m-%d %H:%M")
    assert by_id[kazakh.pk] == [
        str(kazakh.pk),
        "public-safety-2025",
        section.name,  # in the language of the request, as the headers
        kazakh.title_kk,
        "Қазақша",
        "Ахманов А.Т., Бегалиев Е.Н.",
        kazakh.speaker.full_name,
        kazakh.speaker.email,
        "Revision requested",
        "1",
        "PDF",
        "15",
        uploaded,
        "'=HYPERLINK(1) қосыңыз",
    ]
    assert by_id[russian.pk][3:5] == ["Профилактика правонарушений", "Русский"]
    assert by_id[russian.pk][9:] == ["", "", "", "", ""]


# --- Sections ------------------------------------------------------------------------------------


def test_sections_of_one_round_table_are_dragged_into_order(chair, client):
    event = RoundTableFactory()
    first, second, third = (SectionFactory(event=event, position=n) for n in (1, 2, 3))
    SectionFactory(position=2)
    url = reverse("admin:proceedings_section_changelist")

    unfiltered = client.get(url)
    assert 'class="drag handle"' not in unfiltered.text
    page = client.get(url, {"event__id__exact": event.pk})
    assert page.text.count('class="drag handle"') == 3
    assert list(page.context["cl"].result_list) == [first, second, third]

    # What the sortable script posts after the third section is dropped on top.
    response = client.post(
        reverse("admin:proceedings_section_sortable_update"),
        json.dumps({"updatedItems": [[third.pk, 1], [first.pk, 2], [second.pk, 3]]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert list(event.paper_sections.all()) == [third, first, second]


def test_a_new_section_comes_last_in_its_round_table_with_names_in_tabs(chair, client):
    event = RoundTableFactory()
    SectionFactory(event=event, position=4)
    SectionFactory(position=9)
    url = reverse("admin:proceedings_section_add")
    page = client.get(url)
    assert "mt-field-name-kk" in page.text

    response = client.post(
        url,
        admin_form_data(page)
        | {"event": event.pk, "name_kk": "Қорытынды", "name_ru": "Заключение", "name_en": ""},
    )

    assert response.status_code == 302
    assert Section.objects.get(name_kk="Қорытынды").position == 5


def test_papers_are_put_in_the_order_of_the_book_on_their_sections_page(chair, client):
    section = SectionFactory()
    first, second = (PaperFactory(event=section.event, section=section) for _ in range(2))
    url = change_url(section)
    page = client.get(url)
    assert str(first) in page.text and str(second) in page.text
    data = admin_form_data(page)
    orders = {key: value for key, value in data.items() if key.endswith("-position")}
    assert len(orders) == 2

    client.post(url, data | dict(zip(orders, ["2", "1"], strict=True)))

    assert list(section.papers.order_by("position")) == [second, first]


# --- Who may -------------------------------------------------------------------------------------


def test_staff_outside_the_organisers_see_nothing(client):
    paper = submitted_paper()
    section = SectionFactory()
    client.force_login(UserFactory(is_staff=True))

    for url in (
        CHANGELIST,
        change_url(paper),
        reverse("admin:proceedings_section_changelist"),
        change_url(section),
        reverse("admin:proceedings_paper_decide", args=[paper.pk, "accepted"]),
        reverse("admin:proceedings_paper_reopen_uploads", args=[paper.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for action in ("accept", "export_csv", "reopen_uploads"):
        response = client.post(
            CHANGELIST, {"action": action, "_selected_action": [paper.pk], "comment": "x"}
        )
        assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:proceedings_paper_decide", args=[paper.pk, "accepted"]), {"comment": ""}
        ).status_code
        == 403
    )
    paper.refresh_from_db()
    assert (paper.status, paper.uploads_reopened) == (Status.SUBMITTED, False)
