"""The interface strings of the Kazakh pages in the Latin alphabet, made from the Kazakh ones.

`scripts/portal messages` pipes the Kazakh catalogue (django.po with calendar.po) through

    python -m portal.latin_catalogue < kk.po > kk_Latn.po

and compiles the result into locale/kk_Latn/, which git ignores: the Latin catalogue is never
kept by hand, so it always says what the Kazakh one says. Only the translations (msgstr) are
converted; the English msgids, some of which hold Cyrillic examples, stay the keys they are.
"""

import sys

from portal.kazakh_latin import to_latin


def to_latin_catalogue(lines):
    """The lines of a .po file with its translations in the Latin alphabet of 2021."""
    in_translation = False
    for line in lines:
        if line.startswith("msgstr"):
            in_translation = True
        elif not line.startswith('"'):
            in_translation = False
        if line.startswith('"Language: '):
            yield '"Language: kk_Latn\\n"\n'
        else:
            yield to_latin(line) if in_translation else line


if __name__ == "__main__":
    sys.stdout.writelines(to_latin_catalogue(sys.stdin))
