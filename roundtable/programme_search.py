"""Finding programme items by their title or a speaker's name, in any language they are written in.

A visitor may type a name as the Russian page spells it on the Kazakh page, so an item is found by
its texts in every written language; on the Latin Kazakh page, by them in Latin letters.
Case does not count (Қ finds қ). The programme page filters in the browser from the text each
item carries (`static/roundtable/programme_filter.js`); without a script, `?q=` does the same on
the server.
"""

from django.utils import translation

from portal.kazakh_latin import to_latin
from portal.kazakh_latin_pages import LATIN
from roundtable import script_phrases
from roundtable.models import in_every_language

NAME_FIELDS = ("surname", "given_name", "patronymic")


def normalised(text):
    """`text` as searches compare it: case folded, spaces collapsed."""
    return " ".join(text.casefold().split())


def searchable_text(item):
    """What `item` is found by: its titles and its speakers' names in every written language.
    Reads the speakers prefetched with the programme."""
    columns = [(item, column) for column in in_every_language("title")]
    for person in item.speakers.all():
        columns += [
            (person, column) for field in NAME_FIELDS for column in in_every_language(field)
        ]
    texts = [getattr(obj, column) or "" for obj, column in columns]
    if translation.get_language() == LATIN:
        # The Latin Kazakh page is all in Latin letters, what it finds by too.
        texts = [to_latin(text) for text in texts]
    return normalised(" ".join(dict.fromkeys(text for text in texts if text)))


def matches(item, query):
    """Whether every word of `query` is in what `item` is found by."""
    found_by = searchable_text(item)
    if translation.get_language() == LATIN:
        query = to_latin(query)
    return all(word in found_by for word in normalised(query).split())


def matching(items, query):
    """The keys (ReleasedItem.item_key) of the `items` that match `query`; None for no query
    (every item is shown)."""
    if not normalised(query):
        return None
    return {item.item_key for item in items if matches(item, query)}


def found_phrases():
    """ "N items found." in each plural form, for the script that filters in the browser."""
    return script_phrases.in_every_plural(
        "%(counter)s item found.", "%(counter)s items found.", "counter", "found"
    )
