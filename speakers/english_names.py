"""The English (Latin) form of a person's name, suggested until someone writes it.

The English pages print names in Latin letters. Organisers rarely type them, so a person saved
without an English surname gets one: the Kazakh form (else the Russian) written as Kazakh
passports write it (`speakers.transliteration`, ICAO Doc 9303). Once stored it is the
organisers' to correct: a person whose English surname is filled is left as it is, so a
patronymic cleared on purpose stays cleared.
"""

from speakers.transliteration import latin

NAME_FIELDS = ("surname", "given_name", "patronymic")


def suggest(person):
    """Fill `person`'s English name from its Kazakh or Russian form when it has none."""
    if person.surname_en:
        return
    source = "kk" if person.surname_kk else "ru"
    for field in NAME_FIELDS:
        setattr(person, f"{field}_en", latin(getattr(person, f"{field}_{source}") or ""))
