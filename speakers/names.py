"""Names as the programmes print them, and their alphabetical order per language."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.translation import get_language
from modeltranslation.utils import resolution_order

# ICU collations that PostgreSQL creates at initdb: Kazakh order puts ә after а, ғ after г, and
# so on, which neither the C collation nor Russian order does.
COLLATIONS = {"kk": "kk-x-icu", "ru": "ru-x-icu", "en": "en-x-icu"}


def full_name(surname, given_name, patronymic=""):
    """'ДИЛЬБАРХАНОВА Жанат Рахимжановна': surname first, as the programmes print it."""
    return " ".join(part for part in (surname, given_name, patronymic) if part)


def short_name(surname, given_name, patronymic=""):
    """'Дильбарханова Ж.Р.': surname and initials, as Kazakh collections list authors."""
    initials = "".join(f"{part[0].upper()}." for part in (given_name, patronymic) if part)
    return f"{capitalise(surname)} {initials}".strip()


def capitalise(word):
    """'ДИЛЬБАРХАНОВА' -> 'Дильбарханова', keeping each part of a double surname capitalised."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def alphabetical(field, language=None):
    """Order by a translated `field` as readers of `language` (the active one) see it.

    The value read is the one modeltranslation shows, falling back to the next language when
    empty (its fallbacks apply on read, not in queries, so the query spells them out).
    """
    language = (language or get_language() or "kk")[:2]
    columns = [NullIf(F(f"{field}_{code}"), Value("")) for code in resolution_order(language)]
    shown = Coalesce(*columns) if len(columns) > 1 else columns[0]
    return Collate(shown, COLLATIONS.get(language, COLLATIONS["kk"])).asc()
