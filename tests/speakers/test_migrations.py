import pytest
from django.core.management import call_command

from speakers.models import Person
from tests.factories import PersonFactory


@pytest.mark.django_db(transaction=True)
def test_people_stored_before_the_upgrade_get_english_names_and_corrected_ones_stay():
    ten = PersonFactory(surname_kk="ТЕН", given_name_kk="Айнур", patronymic_kk="Александровна")
    corrected = PersonFactory(surname_kk="ЕСБОЛАТОВ", surname_en="YESBULATOV")
    call_command("migrate", "speakers", "0008", verbosity=0)  # the release before
    Person.objects.filter(pk=ten.pk).update(surname_en=None, given_name_en=None, patronymic_en=None)

    call_command("migrate", "speakers", verbosity=0)

    ten.refresh_from_db()
    assert (ten.surname_en, ten.given_name_en, ten.patronymic_en) == (
        "TEN",
        "Ainur",
        "Aleksandrovna",
    )
    corrected.refresh_from_db()
    assert corrected.surname_en == "YESBULATOV"
