"""Kazakh words in the Latin alphabet of 2021, as its table writes them."""

import pytest

from portal.kazakh_latin import to_latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Қазақстан", "Qazaqstan"),
        ("ұлы", "ūly"),
        ("Әлия", "Äliia"),
        ("шығыс", "şyğys"),
        ("Ғылым", "Ğylym"),
        ("Өскемен", "Öskemen"),
        ("Үкімет", "Ükımet"),
        ("Іңкәр", "Iñkär"),  # І is the dotless I, and ı in small letters
        ("Ильяс Иманғали", "İlias İmanğali"),  # И is the dotted İ; ь is not written
        ("ұйым", "ūiym"),  # й is i
        ("шаһар", "şahar"),
        ("Жүсіпбек", "Jüsıpbek"),
        ("полиция", "politsiia"),  # ц ts, я ia
        ("Щучинск", "Şşuçinsk"),  # щ şş, ч ç
        ("Юрист", "İurist"),
        ("ЮНЕСКО", "İUNESKO"),  # a two-letter capital in a word in capitals: both capitals
        ("ЦЕНТР", "TSENTR"),
        ("съезд", "sezd"),  # ъ is not written
        ("ҚОЙШКЕН Ануар Талғатұлы", "QOİŞKEN Anuar Talğatūly"),
    ],
)
def test_words_are_written_as_the_2021_alphabet_writes_them(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_a_sentence_reads_as_the_alphabets_own_sample():
    cyrillic = "Бұрыңғы өткен заманда, бір данышпан кісі, — деп, сөйлесіп, сый беріп, қалайын!"
    assert to_latin(cyrillic) == (
        "Būryñğy ötken zamanda, bır danyşpan kısı, — dep, söilesıp, syi berıp, qalaiyn!"
    )


def test_what_is_not_cyrillic_passes_through():
    text = "ORCID 0000-0002-1825-0097, %(name)s, {count} — «Qazaqstan» 2025"
    assert to_latin(text) == text
    assert to_latin(to_latin("Әлия")) == "Äliia"
