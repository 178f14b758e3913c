"""The English (Latin) form of a person's name, suggested until someone writes it.

The English pages print names in Latin letters. Organisers rarely type them, so a person saved
without an English surname gets one: the Kazakh form (else the Russian) written as Kazakh
passports write it (`speakers.transliteration`, ICAO Doc 9303). Once stored it is the
organisers' to correct: a person whose English surname is filled is left as it is, so a
patronymic cleared on purpose stays cleared. A paper's author who is on the roster takes the
English name of their person, as organisers may have corrected it there.
"""

from speakers.transliteration import latin

NAME_FIELDS = ("surname", "given_name", "patronymic")


def suggest(named, person=None):
    """Fill the English name of `named` (a person, or a paper's author) when it has none: from
    `person`'s English name when given and filled, else from its own Kazakh or Russian form."""
    if named.surname_en:
        return
    if person is not None and person.surname_en:
        for field in NAME_FIELDS:
            setattr(named, f"{field}_en", getattr(person, f"{field}_en"))
        return
    source = "kk" if named.surname_kk else "ru"
    for field in NAME_FIELDS:
        setattr(named, f"{field}_en", latin(getattr(named, f"{field}_{source}") or ""))
