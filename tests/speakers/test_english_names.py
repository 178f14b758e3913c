import pytest
from django.urls import reverse
from django.utils import translation

from proceedings.models import Paper
from speakers.models import Person
from tests.factories import AuthorFactory, PersonFactory, ProceedingsFactory, finished_build
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def english_name(person):
    person.refresh_from_db()
    return person.surname_en, person.given_name_en, person.patronymic_en


def test_a_person_saved_without_an_english_name_gets_the_kazakh_one_as_passports_write_it():
    person = PersonFactory(
        surname_kk="ЖҰМАБЕКОВА", given_name_kk="Әлия", patronymic_kk="Талғатқызы", surname_en=""
    )
    assert english_name(person) == ("ZHUMABEKOVA", "Aliia", "Talgatkyzy")


def test_a_person_without_a_kazakh_name_gets_the_russian_one_in_latin():
    person = Person.objects.create(
        slug="shchukin", surname_ru="Щукин", given_name_ru="Юрий", patronymic_ru="Ильич"
    )
    assert english_name(person) == ("Shchukin", "Iurii", "Ilich")


def test_an_english_name_organisers_corrected_is_kept_when_the_person_is_saved_again():
    person = PersonFactory(surname_kk="ЕСБОЛАТОВ", given_name_kk="Мәлік", patronymic_kk="")
    assert english_name(person)[:2] == ("ESBOLATOV", "Malik")
    person.surname_en, person.given_name_en = "YESBULATOV", "Malik"
    person.position_kk = "профессор"
    person.save()
    assert english_name(person)[:2] == ("YESBULATOV", "Malik")


def test_a_papers_author_gets_the_kazakh_name_as_passports_write_it():
    author = AuthorFactory()
    assert english_name(author) == ("Akhmanov", "Askar", "Tolegenuly")


def test_an_author_on_the_roster_takes_the_english_name_organisers_corrected_on_the_person():
    person = PersonFactory(surname_kk="ЕСБОЛАТОВ", given_name_kk="Мәлік", patronymic_kk="")
    person.surname_en, person.given_name_en = "YESBULATOV", "Malik"
    person.save()
    author = AuthorFactory(
        person=person, surname_kk="Есболатов", given_name_kk="Мәлік", patronymic_kk=""
    )
    assert english_name(author) == ("YESBULATOV", "Malik", "")


def test_the_english_card_prints_the_authors_in_latin_letters(client):
    author = AuthorFactory(paper__status=Paper.Status.ACCEPTED)
    event = author.paper.event
    event.published = True
    event.save()
    proceedings = ProceedingsFactory(event=event, published=True)
    finished_build(proceedings, [(author.paper, 1, 3, 6)])
    with translation.override("en"):
        url = reverse("roundtable:article", args=[event.slug, author.paper.pk])
    text = text_of(client.get(url).text)
    # The authors in Latin letters; the contents line and the citation stay as the book prints.
    assert "Proceedings Полиция және қоғам" in text
    assert "Akhmanov Askar Tolegenuly Алматинская академия" in text
