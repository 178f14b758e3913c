"""The Latin pages' interface strings: generated from the Kazakh catalogue, never kept by hand."""

import pytest
from django.utils import translation

from portal.kazakh_latin import to_latin
from portal.latin_catalogue import to_latin_catalogue

KAZAKH = """msgid ""
msgstr ""
"Language: kk\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#: templates/roundtable/event.html
msgid "As printed on the programme, e.g. дөңгелек үстел / круглый стол."
msgstr ""
"Бағдарламада басылғандай, мысалы "
"дөңгелек үстел / круглый стол."
"""


def test_the_translations_are_converted_and_the_keys_kept():
    latin = "".join(to_latin_catalogue(KAZAKH.splitlines(keepends=True)))

    assert latin == KAZAKH.replace('"Language: kk', '"Language: kk_Latn').replace(
        '"Бағдарламада басылғандай, мысалы "\n"дөңгелек үстел / круглый стол."',
        '"Bağdarlamada basylğandai, mysaly "\n"döñgelek üstel / kruglyi stol."',
    )


@pytest.mark.parametrize(
    ("context", "message"),
    [("", "Programme"), ("", "Sign in"), ("", "Speakers"), ("alt. month", "May")],
)
def test_the_latin_pages_speak_the_kazakh_catalogue_in_latin_letters(context, message):
    with translation.override("kk"):
        kazakh = translation.pgettext(context, message) if context else translation.gettext(message)
    with translation.override("kk-latn"):
        latin = translation.pgettext(context, message) if context else translation.gettext(message)

    assert kazakh != message
    assert latin == to_latin(kazakh) != kazakh
