"""The admin in Kazakh and Russian throughout: Django's own strings that its Kazakh catalogue lacks
or gets wrong are translated in ours (locale/), so no English and no typo is left on the pages an
organiser works in."""

import json
import re
from pathlib import Path

import pytest
from django.contrib import admin
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
    "Edited from",  # the concurrent-edit check's hidden field, named in an inline's headings
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
        reverse("admin:roundtable_roundtable_change", args=[item.event_id]),  # its inlines
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


def admin_script_strings():
    """The (context, text) of every string the admin's scripts translate, from Django's own
    English catalogue (django/contrib/admin/locale/en/LC_MESSAGES/djangojs.po)."""
    source = Path(admin.__file__).parent / "locale/en/LC_MESSAGES/djangojs.po"
    entries = re.findall(
        r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"', source.read_text(), flags=re.MULTILINE
    )
    return {(context or None, text.replace('\\"', '"')) for context, text in entries}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_admin_s_scripts_speak_kazakh_and_russian(client, language):
    """Calendars, the time picker, the many-to-many chooser and the action warnings read their
    strings from the admin's script catalogue, which Django leaves half English in Kazakh."""
    client.force_login(superuser())
    script = client.get(reverse("admin:jsi18n"), headers={"accept-language": language}).text
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    missing = [
        text
        for context, text in admin_script_strings()
        if (f"{context}\x04{text}" if context else text) not in catalogue
    ]
    assert not missing
    assert ("Қаңтар" if language == "kk" else "Январь") in catalogue.values()
