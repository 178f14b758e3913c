"""The proceedings' admin page: editing what the book prints, the build button, the progress panel
and its JSON, the download of the book and the build history, per role."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from proceedings import builds
from proceedings.book_gaps import Gaps
from proceedings.models import BookBuild, Paper, Proceedings
from tests.factories import (
    PASSWORD,
    AuthorFactory,
    PaperFactory,
    broken_paper,
    organiser,
    speaker,
    staff,
    tiny_proceedings,
)
from tests.pages import admin_form_data, change_url, shown, text_of

pytestmark = pytest.mark.django_db

Status = BookBuild.Status


def build_url(proceedings):
    return reverse("admin:proceedings_proceedings_build", args=[proceedings.pk])


def status_url(proceedings):
    return reverse("admin:proceedings_proceedings_build_status", args=[proceedings.pk])


def book_url(build):
    return reverse("admin:proceedings_proceedings_book", args=[build.proceedings_id, build.pk])


def content_of(response):
    # The test client closes the file once the content is read.
    return b"".join(response.streaming_content)


@pytest.fixture
def proceedings(db):
    return tiny_proceedings()


@pytest.fixture
def chair(client):
    """A signed-in organiser whose browser asks for English."""
    user = organiser(username="chair")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


@pytest.fixture
def built(proceedings):
    """A successful build of `proceedings`, then a failed one."""
    good = builds.run(builds.request_build(proceedings, None))
    broken_paper(proceedings)
    failed = builds.run(builds.request_build(proceedings, None))
    return good, failed


# --- Who may do what -----------------------------------------------------------------------------


def urls_of(proceedings, build):
    return {
        "page": change_url(proceedings),
        "status": status_url(proceedings),
        "book": book_url(build),
    }


@pytest.mark.parametrize("who", ["anonymous", "speaker"])
def test_visitors_and_speakers_are_sent_to_sign_in(client, proceedings, who):
    build = builds.run(builds.request_build(proceedings, None))
    if who == "speaker":
        client.force_login(speaker())
    login = reverse("admin:login")

    for url in urls_of(proceedings, build).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login)
    response = client.post(build_url(proceedings))
    assert response.status_code == 302
    assert response["Location"].startswith(login)
    assert proceedings.builds.count() == 1


def test_staff_outside_the_organisers_may_not_see_nor_build_the_book(client, proceedings):
    build = builds.run(builds.request_build(proceedings, None))
    client.force_login(staff("guest"))

    for url in urls_of(proceedings, build).values():
        assert client.get(url).status_code == 403
    assert client.post(build_url(proceedings)).status_code == 403
    assert proceedings.builds.count() == 1


@pytest.mark.parametrize("who", ["organiser", "superuser"])
def test_organisers_and_superusers_build_follow_and_download(
    client, proceedings, who, django_capture_on_commit_callbacks
):
    if who == "organiser":
        user = organiser(username="chair")
    else:
        user = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(change_url(proceedings))
    assert page.status_code == 200
    assert "Build proceedings" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(build_url(proceedings))
    assert response.status_code == 302
    build = proceedings.builds.get()
    assert (build.status, build.requested_by, bool(build.task_id)) == (Status.QUEUED, user, True)

    builds.run(build)  # what the worker does with the task

    state = client.get(status_url(proceedings)).json()
    assert state["build"]["status"] == Status.SUCCEEDED
    download = client.get(state["book"]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    pdf = PdfReader(io.BytesIO(content_of(download)))
    build.refresh_from_db()
    assert len(pdf.pages) == state["book"]["page_count"] == build.page_count


def test_only_a_post_builds(chair, client, proceedings):
    assert client.get(build_url(proceedings)).status_code == 405
    assert not proceedings.builds.exists()


def test_the_button_needs_the_csrf_token(proceedings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser(username="chair"))

    assert client.post(build_url(proceedings)).status_code == 403
    assert not proceedings.builds.exists()


# --- The button and the messages -----------------------------------------------------------------


def test_pressing_the_button_queues_a_build_and_says_so(
    chair, client, proceedings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(build_url(proceedings))

    assert response["Location"] == f"{change_url(proceedings)}#book-build"
    assert shown(response) == ["The book is being built; this page shows how far it has got."]
    page = client.get(change_url(proceedings))
    panel = text_of(page.text)
    assert "Queued" in panel
    assert "Waiting for the worker" in panel
    assert 'data-active="true"' in page.text
    assert '<progress max="100" value="0"' in page.text
    # The button is disabled until the build ends.
    assert 'data-build="button" disabled' in page.text


def test_a_second_press_while_building_is_refused_with_a_message(
    chair, client, proceedings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(build_url(proceedings))

    response = client.post(build_url(proceedings))

    assert shown(response)[-1] == "This book is already being built: wait until it ends."
    assert proceedings.builds.count() == 1


# --- The panel and its JSON ----------------------------------------------------------------------


def test_the_status_of_a_queued_build(chair, client, proceedings):
    build = builds.request_build(proceedings, chair)

    response = client.get(status_url(proceedings))

    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    state = response.json()
    assert state["active"] is True
    assert state["book"] is None
    assert state["build"] | {"requested_at": ""} == {
        "id": build.pk,
        "variant": "screen",
        "variant_display": "For reading and the site",
        "status": "queued",
        "status_display": "Queued",
        "stage": "waiting",
        "stage_display": "Waiting for the worker",
        "progress": 0,
        "requested_at": "",
        "duration": "",
        "page_count": None,
        "error": "",
    }


def test_the_status_while_the_papers_are_typeset(chair, client, proceedings):
    build = builds.request_build(proceedings, chair)
    BookBuild.objects.filter(pk=build.pk).update(status=Status.RUNNING)
    builds.Progress(build)(BookBuild.Stage.PAPERS, 42)

    state = client.get(status_url(proceedings)).json()

    assert state["active"] is True
    assert (state["build"]["stage_display"], state["build"]["progress"]) == (
        "Typesetting the papers",
        42,
    )


def test_the_status_of_a_failed_build_shows_its_error_and_the_good_book(
    chair, client, proceedings, built
):
    good, failed = built

    state = client.get(status_url(proceedings)).json()

    assert state["active"] is False
    assert state["build"]["id"] == failed.pk
    assert state["build"]["status_display"] == "Failed"
    assert "could not be typeset" in state["build"]["error"]
    assert state["build"]["duration"].endswith(" s")
    assert state["book"]["url"] == book_url(good)
    assert state["book"]["page_count"] == good.page_count
    assert f"PDF, {good.page_count} pages" in state["book"]["label"]


def test_the_page_shows_the_error_the_book_and_the_history(chair, client, proceedings, built):
    good, failed = built

    page = client.get(change_url(proceedings))

    text = text_of(page.text)
    assert failed.error in text
    assert f'href="{book_url(good)}"' in page.text
    assert 'data-active="false"' in page.text
    assert "proceedings/build_progress.js" in page.text
    history = page.context["inline_admin_formsets"][0]
    assert [form.original for form in history] == [failed, good]
    assert "Build history" in text


def test_the_page_shows_a_build_whose_worker_died_as_failed(chair, client, proceedings):
    stuck = builds.request_build(proceedings, chair)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.BOOK_BUILD_STALE_AFTER + 60)
    BookBuild.objects.filter(pk=stuck.pk).update(status=Status.RUNNING, started_at=long_ago)

    page = client.get(change_url(proceedings))

    assert 'data-active="false"' in page.text
    assert "stopped without finishing" in text_of(page.text)
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED


def test_the_download_serves_only_successful_builds_of_these_proceedings(
    chair, client, proceedings, built
):
    good, failed = built
    other = builds.run(builds.request_build(tiny_proceedings(), None))

    assert client.get(book_url(failed)).status_code == 404
    wrong = reverse("admin:proceedings_proceedings_book", args=[proceedings.pk, other.pk])
    assert client.get(wrong).status_code == 404
    response = client.get(book_url(good))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert content_of(response).startswith(b"%PDF")


# --- Editing the proceedings ---------------------------------------------------------------------


def test_the_page_groups_the_fields_and_saves_them(chair, client, proceedings):
    changelist = client.get(reverse("admin:proceedings_proceedings_changelist"))
    assert list(changelist.context["cl"].result_list) == [proceedings]
    assert client.get(reverse("admin:proceedings_proceedings_add")).status_code == 200
    page = client.get(change_url(proceedings))
    assert "The book has not been built yet." in page.text
    # Language tabs, with the project's own copy of jQuery UI.
    assert "vendor/jquery-ui/jquery-ui.min.js" in page.text
    assert 'name="title_ru"' in page.text
    groups = [fieldset.name for fieldset in page.context["adminform"]]
    assert [str(name) for name in groups] == [
        "Titles",
        "Cataloguing",
        "Editorial board",
        "Front matter",
        "Layout",
        "Publishing",
        "Output data",
        "Review",
    ]
    data = admin_form_data(page)
    data.update({"isbn": "978-601-7943-00-4", "editors_ru": "Иванов И.И. – главный редактор"})
    assert data["papers_start"] == "right"  # as books have always been set
    data["papers_start"] = "next"
    data["published"] = "on"

    response = client.post(change_url(proceedings), data)

    assert response.status_code == 302, response.context["errors"]
    proceedings = Proceedings.objects.get(pk=proceedings.pk)
    assert proceedings.isbn == "9786017943004"
    assert proceedings.editors_ru == "Иванов И.И. – главный редактор"
    assert proceedings.published_at is not None
    assert proceedings.papers_start == Proceedings.PaperStart.NEXT_PAGE


# --- What the book lacks ------------------------------------------------------------------------


def gap_notes(page):
    panel = page.text[page.text.index('id="book-build"') : page.text.index("Latest build")]
    return re.findall(r'<li class="warning">([^<]+)</li>', panel), panel


def test_a_complete_book_lacks_nothing(chair, client, proceedings):
    builds.run(builds.request_build(proceedings, None))

    notes, panel = gap_notes(client.get(change_url(proceedings)))

    assert notes == []
    assert 'data-build="gaps" hidden' in panel
    assert client.get(status_url(proceedings)).json()["gaps"] == []


def test_the_panel_says_which_papers_the_book_lacks_beside_the_build_button(
    chair, client, proceedings
):
    builds.run(builds.request_build(proceedings, None))
    in_book = Paper.objects.get(event=proceedings.event)
    for _ in range(2):
        AuthorFactory(paper=PaperFactory(event=proceedings.event, status=Paper.Status.ACCEPTED))

    notes, panel = gap_notes(client.get(change_url(proceedings)))

    assert notes == ["2 accepted papers are not in the book."]
    assert panel.index("Build proceedings") < panel.index("2 accepted papers are not in the book.")
    assert client.get(status_url(proceedings)).json()["gaps"] == notes
    in_book.title_kk = "Түзетілген тақырып"
    in_book.save()
    assert gap_notes(client.get(change_url(proceedings)))[0] == [
        "2 accepted papers are not in the book.",
        "1 paper in the book has changed since it was built.",
    ]
    Paper.objects.filter(pk=in_book.pk).update(status=Paper.Status.REVISION)
    assert gap_notes(client.get(change_url(proceedings)))[0] == [
        "2 accepted papers are not in the book.",
        "1 paper in the book is no longer accepted.",
    ]


@pytest.mark.parametrize(
    ("language", "count", "note"),
    [
        ("ru", 1, "1 принятая статья не вошла в сборник."),
        ("ru", 3, "3 принятые статьи не вошли в сборник."),
        ("ru", 5, "5 принятых статей не вошли в сборник."),
        ("kk", 1, "Жинаққа 1 қабылданған мақала кірмеген."),
        ("kk", 5, "Жинаққа 5 қабылданған мақала кірмеген."),
        ("en", 1, "1 accepted paper is not in the book."),
    ],
)
def test_the_count_of_missing_papers_reads_in_each_language(language, count, note):
    with translation.override(language):
        assert Gaps(missing=count).messages() == [note]


# --- Queries -------------------------------------------------------------------------------------


def test_queries_of_the_page_and_the_status(
    chair, client, proceedings, built, django_assert_num_queries
):
    # One more for the current book, whose pages give the output data's printed sheets, two
    # (the accepted papers, the book's entries) for what the book lacks, and one for whether each
    # paper in it has its offprint (the eLibrary export). The content type is known, as in a
    # server that has served a page: tests that ran before would have cached it.
    ContentType.objects.get_for_model(Proceedings)
    with django_assert_num_queries(13):
        assert client.get(change_url(proceedings)).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(status_url(proceedings)).status_code == 200
    # The history does not add a query per build, nor what the book lacks one per paper.
    for _ in range(3):
        BookBuild.objects.create(proceedings=proceedings, status=Status.FAILED, error="Stopped.")
        AuthorFactory(paper=PaperFactory(event=proceedings.event, status=Paper.Status.ACCEPTED))
    with django_assert_num_queries(13):
        assert client.get(change_url(proceedings)).status_code == 200
