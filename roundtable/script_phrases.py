"""Sentences with a number in them that the public pages' scripts say, in the page's language.

Plural forms differ by language (Russian has three), so the page carries the sentence in each
plural category the browser's `Intl.PluralRules` may name, its number left as a placeholder for
the script to fill in. The script then says what the server would have said.
"""

from django.utils.translation import ngettext

# A number of each plural category (CLDR's names, as Intl.PluralRules gives them).
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}
PLACEHOLDER = "{n}"


def in_every_plural(singular, plural, name, prefix):
    """`ngettext(singular, plural, n) % {name: n}` for each plural category, keyed
    `<prefix>_<category>`, with PLACEHOLDER where the number goes."""
    return {
        f"{prefix}_{category}": ngettext(singular, plural, number) % {name: PLACEHOLDER}
        for category, number in PLURAL_SAMPLES.items()
    }
