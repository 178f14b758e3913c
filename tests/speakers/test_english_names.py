import pytest

from speakers.models import Person
from tests.factories import PersonFactory

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
