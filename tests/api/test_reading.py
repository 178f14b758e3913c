"""Reading the API: what the public sees of each resource, in which language form, and how lists
page and filter."""

import pytest

from proceedings.models import Paper
from resolutions.models import Resolution
from speakers.models import Degree, Rank
from tests.api.conftest import client_of, round_table
from tests.factories import (
    ParticipationFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RoundTableFactory,
)
from tests.proceedings import view_factories as make

pytestmark = pytest.mark.django_db

API = "/api/v1"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_public_reads_published_round_tables_only(anonymous, event):
    hidden = RoundTableFactory(published=False)
    ProgrammeItemFactory(event=hidden)

    slugs = [item["slug"] for item in results(anonymous.get(f"{API}/events/"))]
    items = results(anonymous.get(f"{API}/programme/"))

    assert slugs == [event.slug]
    assert {item["event"] for item in items} == {event.slug}
    assert anonymous.get(f"{API}/events/{hidden.slug}/").status_code == 404


def test_organisers_also_read_unpublished_round_tables(event, organiser):
    hidden = RoundTableFactory(published=False)

    slugs = {item["slug"] for item in results(client_of(organiser).get(f"{API}/events/"))}

    assert slugs == {event.slug, hidden.slug}


def test_translated_fields_come_as_objects_with_every_language(anonymous, event):
    data = anonymous.get(f"{API}/events/{event.slug}/").json()

    assert data["theme"] == {"kk": event.theme_kk, "ru": event.theme_ru, "en": ""}
    assert data["date"] == "2025-05-01"


def test_lang_flattens_every_translated_field_with_the_sites_fallbacks(anonymous, event):
    kazakh = anonymous.get(f"{API}/events/{event.slug}/", {"lang": "kk"}).json()
    english = anonymous.get(f"{API}/events/{event.slug}/", {"lang": "en"}).json()

    assert kazakh["theme"] == event.theme_kk
    # No English theme: the site shows the Russian one.
    assert english["theme"] == event.theme_ru


def test_an_unknown_lang_is_refused(anonymous, event):
    response = anonymous.get(f"{API}/events/", {"lang": "de"})

    assert response.status_code == 400
    assert "lang" in response.json()


def test_people_have_their_names_per_language_and_nothing_private(anonymous, event):
    person = event.participations.first().person
    person.email = "private@example.kz"
    person.save()

    data = anonymous.get(f"{API}/people/{person.slug}/").json()
    flat = anonymous.get(f"{API}/people/{person.slug}/", {"lang": "ru"}).json()

    # The English surname is written from the Kazakh (ҚОЙШЫБАЕВ) when the person is saved.
    english = person.surname_kk.replace("ҚОЙШЫБАЕВ", "KOISHYBAEV")
    assert data["surname"] == {"kk": person.surname_kk, "ru": person.surname_ru, "en": english}
    assert data["full_name"]["ru"] == f"{person.surname_ru} Ануар Талгатович"
    assert flat["position_line"] == "старший преподаватель"
    assert "private@example.kz" not in str(data)
    assert "email" not in data and "user" not in data


def test_people_outside_visible_round_tables_are_not_public(anonymous, event):
    loner = PersonFactory()

    slugs = {person["slug"] for person in results(anonymous.get(f"{API}/people/"))}

    assert loner.slug not in slugs
    assert len(slugs) == 2
    assert anonymous.get(f"{API}/people/{loner.slug}/").status_code == 404


def test_filtering_people_by_an_unpublished_round_table_tells_the_public_nothing(anonymous, event):
    hidden = RoundTableFactory(published=False)
    ParticipationFactory(event=hidden, person=event.participations.first().person)

    people = results(anonymous.get(f"{API}/people/", {"event": hidden.slug}))

    assert people == []


def test_the_released_programme_filters_by_event_date_speaker_and_language(anonymous, event):
    other = round_table(1)
    speaker = event.participations.first().person

    by_event = results(anonymous.get(f"{API}/programme/", {"event": other.slug}))
    by_date = results(anonymous.get(f"{API}/programme/", {"date": "2025-05-01"}))
    by_speaker = results(anonymous.get(f"{API}/programme/", {"speaker": speaker.slug}))
    in_kazakh = results(anonymous.get(f"{API}/programme/", {"language": "kk"}))

    assert {item["event"] for item in by_event} == {other.slug}
    assert {item["event"] for item in by_date} == {event.slug}
    assert [item["speakers"] for item in by_speaker] == [[speaker.slug]]
    assert in_kazakh == []
    assert anonymous.get(f"{API}/programme/", {"date": "May"}).status_code == 400


def test_items_come_in_the_order_of_the_day(anonymous, event):
    items = results(anonymous.get(f"{API}/programme/", {"event": event.slug}))

    assert [(item["start"], item["end"]) for item in items] == [
        ("10:00:00", "10:10:00"),
        ("10:10:00", "10:20:00"),
    ]


def test_lists_are_paged_with_a_capped_page_size(anonymous, event):
    for number in range(3):
        round_table(number + 1)

    first = anonymous.get(f"{API}/events/", {"page_size": 2}).json()
    capped = anonymous.get(f"{API}/events/", {"page_size": 10_000}).json()

    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    assert len(capped["results"]) == 4
    assert anonymous.get(f"{API}/events/", {"page": 9}).status_code == 404


def test_papers_are_those_in_the_current_book_with_their_pages(anonymous, event):
    papers = results(anonymous.get(f"{API}/papers/", {"event": event.slug}))

    assert [(paper["number"], paper["first_page"], paper["last_page"]) for paper in papers] == [
        (1, 3, 4),
        (2, 5, 6),
    ]
    assert all(paper["status"] == "accepted" for paper in papers)
    assert len(papers[0]["authors"]) == 2
    assert papers[0]["section"]["name"]["kk"]


def test_papers_of_unpublished_proceedings_are_not_public(anonymous, event, organiser):
    event.proceedings.published = False
    event.proceedings.save()

    assert results(anonymous.get(f"{API}/papers/")) == []
    assert results(anonymous.get(f"{API}/proceedings/")) == []
    assert anonymous.get(f"{API}/proceedings/{event.slug}/").status_code == 404
    # Organisers preview the book, as on the site.
    assert len(results(client_of(organiser).get(f"{API}/papers/"))) == 2


def test_a_speaker_reads_their_own_papers_with_their_token(event, speaker, other_speaker):
    draft = make.paper_of(speaker, event)

    mine = results(client_of(speaker).get(f"{API}/papers/", {"mine": 1}))
    others = results(client_of(other_speaker).get(f"{API}/papers/", {"mine": 1}))

    assert [(paper["id"], paper["status"], paper["number"]) for paper in mine] == [
        (draft.pk, Paper.Status.DRAFT, None)
    ]
    assert others == []
    assert client_of().get(f"{API}/papers/", {"mine": 1}).status_code == 401


def test_proceedings_give_the_current_books_page_ranges(anonymous, event):
    data = anonymous.get(f"{API}/proceedings/{event.slug}/", {"lang": "ru"}).json()
    papers = {paper.pk for paper in Paper.objects.filter(status=Paper.Status.ACCEPTED)}

    assert data["isbn"] == "9786017943578"
    assert data["title"] == "Материалы круглого стола «Общественная безопасность»"
    assert data["page_count"] == 12
    assert [(entry["number"], entry["first_page"]) for entry in data["papers"]] == [(1, 3), (2, 5)]
    assert {entry["paper"] for entry in data["papers"]} == papers


def test_the_resolution_is_public_once_published(anonymous, event, organiser):
    data = anonymous.get(f"{API}/resolutions/{event.slug}/").json()

    assert data["status"] == "published"
    assert [len(section["items"]) for section in data["sections"]] == [2, 2]

    Resolution.objects.filter(event=event).update(status=Resolution.Status.DISCUSSION)

    assert results(anonymous.get(f"{API}/resolutions/")) == []
    assert len(results(client_of(organiser).get(f"{API}/resolutions/"))) == 1


def test_participants_follow_a_resolution_under_discussion(event, speaker, other_speaker):
    Resolution.objects.filter(event=event).update(status=Resolution.Status.DISCUSSION)
    event.participations.create(person=speaker.person)

    assert client_of(speaker).get(f"{API}/resolutions/{event.slug}/").status_code == 200
    assert client_of(other_speaker).get(f"{API}/resolutions/{event.slug}/").status_code == 404


def test_participations_filter_by_person_and_role(anonymous, event):
    person = event.participations.first().person

    rows = results(anonymous.get(f"{API}/participations/", {"person": person.slug}))
    moderators = results(anonymous.get(f"{API}/participations/", {"is_moderator": "true"}))

    assert [(row["event"], row["is_speaker"]) for row in rows] == [(event.slug, True)]
    assert moderators == []


def test_malformed_lookups_are_not_found_rather_than_errors(anonymous, event):
    assert anonymous.get(f"{API}/programme-items/{'9' * 30}/").status_code == 404
    assert anonymous.get(f"{API}/people/a%00b/").status_code == 404
    assert anonymous.get(f"{API}/programme-items/", {"speaker": "a\x00b"}).status_code == 400


def test_events_filter_by_dates(anonymous, event):
    later = round_table(5)

    rows = results(anonymous.get(f"{API}/events/", {"date_from": "2025-05-03"}))

    assert [row["slug"] for row in rows] == [later.slug]


def test_the_vocabularies_list_the_ids_people_are_written_with(anonymous, event):
    degree = Degree.objects.get(name_kk="ғылым кандидаты 0")

    degrees = anonymous.get(f"{API}/degrees/", {"page_size": 200}).json()["results"]
    ranks = anonymous.get(f"{API}/ranks/", {"lang": "ru"}).json()["results"]

    assert {
        "id": degree.pk,
        "name": {"kk": "ғылым кандидаты 0", "ru": "", "en": ""},
        "abbreviation": {"kk": "ғ.к.", "ru": "", "en": ""},
    } in degrees
    assert {
        "id": Rank.objects.get(name_kk="полиция полковнигі 0").pk,
        "name": "полковник полиции 0",
    } in ranks


@pytest.mark.parametrize("resource", ["events", "programme-items", "people", "papers"])
def test_format_json_is_the_answers_format_on_every_list(anonymous, event, resource):
    response = anonymous.get(f"{API}/{resource}/", {"format": "json"})

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"


def test_round_tables_are_filtered_by_their_format_as_event_format(anonymous, event):
    remote = RoundTableFactory(format="remote")

    slugs = [item["slug"] for item in results(anonymous.get(f"{API}/events/?event_format=remote"))]

    assert slugs == [remote.slug]
    assert anonymous.get(f"{API}/events/?event_format=nowhere").status_code == 400
