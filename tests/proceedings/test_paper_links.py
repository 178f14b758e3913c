"""The links between talks, papers and speakers: the programme links each talk to its paper, a
speaker's page their talks and papers, a paper's card its authors and talk; papers only while
the reader may read them (the published book); and the pages' queries do not grow with them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from proceedings.models import Paper
from roundtable.models import ProgrammeItem
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    ProceedingsFactory,
    RoundTableFactory,
    UserFactory,
    finished_build,
    programme_of,
    two_pages_each,
)
from tests.pages import page

pytestmark = pytest.mark.django_db


def book_of_talks(talks, *, published=True):
    """A round table of `talks` talks, each with its speaker's accepted paper (the speaker its
    first author, beside a co-author not on the roster), all in the current book."""
    event = programme_of(RoundTableFactory(), talks)
    proceedings = ProceedingsFactory(event=event, published=published)
    papers = []
    for number, item in enumerate(event.programme_items.all(), start=1):
        person = item.speakers.get()
        paper = PaperFactory(
            event=event,
            talk=item,
            speaker=person,
            status=Paper.Status.ACCEPTED,
            title_kk=f"Қауіпсіздік {number}",
            title_en=f"Safety {number}",
        )
        AuthorFactory(paper=paper, person=person, surname_en="Speaker", given_name_en="One")
        AuthorFactory(paper=paper, surname_en="Coauthor", given_name_en="Two")
        papers.append(paper)
    finished_build(proceedings, two_pages_each(papers), pages=2 + 2 * talks)
    return event, papers


def of_class(name):
    return f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'


def links(html, name):
    """[(href, text)] of the links inside the elements of class `name`."""
    tree = lxml_html.fromstring(html)
    return [(a.get("href"), a.text_content().strip()) for a in tree.xpath(f"{of_class(name)}//a")]


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"roundtable:{name}", kwargs=kwargs)


def test_programme_links_each_talk_to_its_paper_in_the_readers_language(client):
    event, papers = book_of_talks(2)
    html = page(client, "en", "roundtable:event", slug=event.slug)
    assert links(html, "programme-paper") == [
        (url("article", slug=event.slug, pk=paper.pk), f"Safety {number}")
        for number, paper in enumerate(papers, start=1)
    ]
    kazakh = page(client, "kk", "roundtable:event", slug=event.slug)
    assert links(kazakh, "programme-paper")[0] == (
        url("article", "kk", slug=event.slug, pk=papers[0].pk),
        "Қауіпсіздік 1",
    )


def test_papers_link_only_once_the_book_is_published(client):
    event, papers = book_of_talks(1, published=False)
    assert links(page(client, "en", "roundtable:event", slug=event.slug), "programme-paper") == []
    person = papers[0].speaker
    speaker = page(client, "en", "roundtable:speaker", slug=event.slug, person=person.slug)
    assert links(speaker, "papers") == []

    event.proceedings.published = True
    event.proceedings.save()
    assert len(links(page(client, "en", "roundtable:event", slug=event.slug), "programme-paper"))


def test_organisers_previewing_the_book_follow_its_links(client):
    event, papers = book_of_talks(1, published=False)
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_proceedings"))
    client.force_login(user)
    html = page(client, "en", "roundtable:event", slug=event.slug)
    assert links(html, "programme-paper") == [
        (url("article", slug=event.slug, pk=papers[0].pk), "Safety 1")
    ]


def test_a_paper_left_out_of_the_current_book_is_not_linked(client):
    event, papers = book_of_talks(2)
    finished_build(event.proceedings, two_pages_each(papers[1:]))
    html = page(client, "en", "roundtable:event", slug=event.slug)
    assert links(html, "programme-paper") == [
        (url("article", slug=event.slug, pk=papers[1].pk), "Safety 2")
    ]


def test_speaker_page_links_their_talks_and_papers(client):
    event, papers = book_of_talks(2)
    person = papers[1].speaker
    item = papers[1].talk
    html = page(client, "en", "roundtable:speaker", slug=event.slug, person=person.slug)
    assert [href for href, _text in links(html, "talks")] == [
        url("event", slug=event.slug) + f"#item-{item.pk}"
    ]
    assert links(html, "papers") == [(url("article", slug=event.slug, pk=papers[1].pk), "Safety 2")]


def test_card_links_its_authors_on_the_roster_and_its_talk(client):
    event, papers = book_of_talks(1)
    paper = papers[0]
    html = page(client, "en", "roundtable:article", slug=event.slug, pk=paper.pk)
    assert [href for href, _text in links(html, "article-authors")] == [
        url("speaker", slug=event.slug, person=paper.speaker.slug)
    ]
    tree = lxml_html.fromstring(html)
    names = tree.xpath(of_class("article-authors") + "//*[@class='person-name']")
    assert [name.tag for name in names] == ["a", "span"]  # the co-author is not on the roster
    talk = tree.xpath('//dt[text()="Talk at the round table"]/following-sibling::dd[1]/a')[0]
    assert talk.get("href") == url("event", slug=event.slug) + f"#item-{paper.talk_id}"


def test_card_names_its_talk_as_released(client):
    event, papers = book_of_talks(1)
    paper = papers[0]
    released = paper.talk.title_ru
    ProgrammeItem.objects.filter(pk=paper.talk_id).update(title_ru="Черновое название")
    html = page(client, "en", "roundtable:article", slug=event.slug, pk=paper.pk)
    tree = lxml_html.fromstring(html)
    talk = tree.xpath('//dt[text()="Talk at the round table"]/following-sibling::dd[1]/a')[0]
    assert talk.text_content() == released
    assert "Черновое название" not in html


def test_an_author_of_another_round_table_is_not_linked(client):
    event, papers = book_of_talks(1)
    stranger = programme_of(RoundTableFactory(), 1).participations.get().person
    AuthorFactory(paper=papers[0], person=stranger)
    html = page(client, "en", "roundtable:article", slug=event.slug, pk=papers[0].pk)
    assert len(links(html, "article-authors")) == 1


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
def test_links_cost_one_query_however_long_the_programme(client, django_assert_num_queries, talks):
    event, papers = book_of_talks(talks)
    # the version (portal/page_cache.py), event, items, their speakers, participations, the
    # talks' papers in the book
    with django_assert_num_queries(6):
        html = page(client, "en", "roundtable:event", slug=event.slug)
    assert len(links(html, "programme-paper")) == talks
    person = papers[-1].speaker
    # the version, the event, the participation, the talks, the papers in the book
    with django_assert_num_queries(5):
        html = page(client, "en", "roundtable:speaker", slug=event.slug, person=person.slug)
    assert len(links(html, "papers")) == 1
    # the version, event and proceedings, build, entry and paper, authors with their places on
    # the roster, and the talk as released
    with django_assert_num_queries(6):
        html = page(client, "en", "roundtable:article", slug=event.slug, pk=papers[-1].pk)
    assert len(links(html, "article-authors")) == 1
