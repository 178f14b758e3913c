"""The programme inline's stacked titles: the talk's own language first, the others marked
"not translated" while empty."""

import pytest
from django.utils import translation

from roundtable.title_fields import ProgrammeTitlesForm
from tests.factories import ProgrammeItemFactory

pytestmark = pytest.mark.django_db


def rendered(item):
    form = ProgrammeTitlesForm(instance=item)
    with translation.override("kk"):
        return str(form["titles"])


def test_russian_talk_shows_its_russian_title_first_and_marks_the_others():
    item = ProgrammeItemFactory(title_language="ru", title_kk="", title_ru="Доклад", title_en="")
    html = rendered(item)
    assert html.index('lang="ru"') < html.index('lang="kk"') < html.index('lang="en"')
    assert html.count("аударылмаған") == 4  # placeholder and mark, in kk and en
    assert 'value="Доклад"' in html


def test_translated_title_is_not_marked():
    item = ProgrammeItemFactory(title_language="kk", title_kk="Баяндама", title_ru="Доклад")
    html = rendered(item)
    assert html.index('lang="kk"') < html.index('lang="ru"')
    # The mark on the empty English one only (placeholders show only while a box is empty).
    assert html.count('class="not-translated-mark"') == 1


def test_titles_are_saved_in_their_languages():
    item = ProgrammeItemFactory(title_language="ru", title_ru="Доклад")
    form = ProgrammeTitlesForm(instance=item)
    field = form.fields["titles"]
    data = {"title_language": "ru", "titles_ru": "Доклад", "titles_kk": "Баяндама", "titles_en": ""}
    assert field.languages == ["ru", "kk", "en"]
    bound = ProgrammeTitlesForm(data, instance=item)
    bound.full_clean()
    assert (bound.instance.title_ru, bound.instance.title_kk) == ("Доклад", "Баяндама")
