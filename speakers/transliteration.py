"""Kazakh and Russian names in Latin letters as Kazakh passports print them.

Kazakh passports and identity cards write the holder's name by the ICAO Doc 9303 table for
Cyrillic, with the Kazakh letters reduced to their base Latin letters (Ә → A, Ғ → G, Қ → K,
Ң → N, Ө → O, Ұ Ү → U, Һ → H, І → I). Есбулатова Әлия → ESBULATOVA ALIIA; the portal writes it
in title case, Esbulatova Aliia. It is a suggestion: people correct their name where their
passport spells it otherwise.
"""

ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # The Kazakh letters, as Kazakh passports write them.
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip


def latin(text):
    """`text` with its Cyrillic letters in Latin, capitals kept: Жұмабек-Ұлы → Zhumabek-Uly."""
    return " ".join(_word(word) for word in text.split(" "))


def _word(word):
    shouting = len(word) > 1 and word.isupper()
    letters = []
    for letter in word:
        written = ICAO.get(letter.lower())
        if written is None:
            letters.append(letter)
        elif letter.isupper():
            letters.append(written.upper() if shouting else written.capitalize())
        else:
            letters.append(written)
    return "".join(letters)
