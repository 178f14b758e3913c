"""The admin in Kazakh and Russian throughout: Django's own strings that its Kazakh catalogue lacks
or gets wrong are translated in ours (locale/), so no English and no typo is left on the pages an
organiser works in."""

import pytest
from django.urls import reverse

from tests.factories import ProgrammeItemFactory, superuser

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Select an option",
    "Delete selected",
    "Your password must contain",
    "Your password can’t",
    "Enter the same password",
    "View site",
    "Skip to main content",
    "Toggle theme",
    "Recent actions",
]
TYPOS = ["Өзгетру", "өзгету", "үщін", "өшірілді"]


@pytest.fixture
def pages(client):
    client.force_login(superuser())
    item = ProgrammeItemFactory()
    return [
        reverse("admin:index"),
        reverse("admin:roundtable_programmeitem_changelist"),  # the actions' drop-down
        reverse("admin:roundtable_programmeitem_change", args=[item.pk]),  # its selects
        reverse("admin:password_change"),  # the password validators' rules
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_admin_pages_leave_no_english_and_no_typo(client, pages, language):
    for path in pages:
        html = client.get(path, headers={"accept-language": language}).text
        assert f'lang="{language}"' in html, path
        for text in ENGLISH + (TYPOS if language == "kk" else []):
            assert text not in html, f"{path} ({language}): {text}"


def test_kazakh_admin_reads_the_delete_action_as_a_command(client, pages):
    html = client.get(pages[1], headers={"accept-language": "kk"}).text
    assert ">Таңдалған бағдарлама тармақтары жою</option>" in html
    assert "- Нұсқаны таңдаңыз -" in client.get(pages[2], headers={"accept-language": "kk"}).text
