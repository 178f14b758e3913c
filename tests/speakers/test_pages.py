import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ParticipationFactory, PersonFactory, RoundTableFactory, programme_of
from tests.pages import page

pytestmark = pytest.mark.django_db


def names_on(html):
    return re.findall(r'class="person-name"[^>]*>([^<]+)<', html)


def test_roster_lists_all_25_speakers_with_printed_positions(client, demo_event):
    html = page(client, "kk", "roundtable:speakers", slug=demo_event.slug)
    names = names_on(html)
    assert len(names) == 25
    assert "ЖАЛАЛОВ Сайдислам Сайджамалович" in names
    assert "Қазақстан Республикасы ҰҚК Академиясының магистранты" in html


def test_roster_sorts_in_kazakh_alphabetical_order(client):
    event = RoundTableFactory()
    for surname in ["ІЗБАСАРОВ", "ҒАБИТ", "ӘБІЛОВ", "ЫСҚАҚОВ", "ГАББАСОВ", "АБАЕВ", "БАЙТҰРСЫН"]:
        ParticipationFactory(event=event, person=PersonFactory(surname_kk=surname))
    html = page(client, "kk", "roundtable:speakers", slug=event.slug)
    surnames = [name.split()[0] for name in names_on(html)]
    # Kazakh order: а ә б … г ғ … ы і, which neither byte order nor Russian order gives.
    assert surnames == ["АБАЕВ", "ӘБІЛОВ", "БАЙТҰРСЫН", "ГАББАСОВ", "ҒАБИТ", "ЫСҚАҚОВ", "ІЗБАСАРОВ"]


def test_participant_list_keeps_the_printed_order(client, demo_event):
    html = page(client, "ru", "roundtable:participants", slug=demo_event.slug)
    names = names_on(html)
    assert len(names) == 24
    assert names[:4] == [
        "ДИЛЬБАРХАНОВА Жанат Рахимжановна",
        "ШУМАЕВ Серик Исатаевич",
        "КОРЖУМБАЕВА Тамара Муслимовна",
        "ТЕН Айнур Александровна",
    ]
    assert not any(name.startswith("ЖАЛАЛОВ") for name in names)


def test_speaker_page_shows_the_name_per_language_and_the_talk(client, demo_event):
    kk = page(client, "kk", "roundtable:speaker", slug=demo_event.slug, person="koyshken")
    ru = page(client, "ru", "roundtable:speaker", slug=demo_event.slug, person="koyshken")
    assert "КОЙШКЕН Ануар Талғатұлы" in kk
    assert "КОЙШКЕН Ануар Талгатович" in ru
    talk = "Административно-юрисдикционная деятельность ОВД Республики Казахстан"
    assert talk in kk and talk in ru
    assert "11:00" in ru


def test_speaker_of_another_round_table_is_not_found(client, demo_event):
    other = ParticipationFactory(event=RoundTableFactory())
    with translation.override("kk"):
        url = reverse(
            "roundtable:speaker", kwargs={"slug": demo_event.slug, "person": other.person.slug}
        )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
@pytest.mark.parametrize(
    ("name", "queries"), [("roundtable:speakers", 3), ("roundtable:participants", 3)]
)
def test_people_pages_queries_do_not_grow(client, django_assert_num_queries, talks, name, queries):
    event = programme_of(RoundTableFactory(), talks)
    # the version (portal/page_cache.py), the event, its people with their terms
    with django_assert_num_queries(queries):
        html = page(client, "kk", name, slug=event.slug)
    assert len(names_on(html)) == talks
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        assert page(client, "kk", name, slug=event.slug) == html


@pytest.mark.parametrize("talks", [27, pytest.param(270, marks=pytest.mark.slow)])
def test_speaker_page_queries(client, django_assert_num_queries, talks):
    event = programme_of(RoundTableFactory(), talks)
    person = event.participations.first().person
    # the version (portal/page_cache.py), the event, the participation, the talks, the papers
    # in the book (proceedings/paper_links.py)
    with django_assert_num_queries(5):
        page(client, "kk", "roundtable:speaker", slug=event.slug, person=person.slug)
    with django_assert_num_queries(1):  # the version: the page comes from the cache
        page(client, "kk", "roundtable:speaker", slug=event.slug, person=person.slug)
