import pytest

from speakers.transliteration import latin


@pytest.mark.parametrize(
    ("cyrillic", "passport"),
    [
        ("Есбулатова Әлия Талғатқызы", "Esbulatova Aliia Talgatkyzy"),
        ("Жұмабек-Ұлы", "Zhumabek-Uly"),
        ("Щукин Юрий", "Shchukin Iurii"),
        ("Өмірзақ Һәм Іңкәр", "Omirzak Ham Inkar"),
        ("Подъячев Ёлкин", "Podieiachev Elkin"),
        ("ҚАЗАҚСТАН", "KAZAKSTAN"),
        ("Smith", "Smith"),
    ],
)
def test_names_are_written_as_kazakh_passports_write_them(cyrillic, passport):
    assert latin(cyrillic) == passport
