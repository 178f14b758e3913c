"""Kazakh text in the Latin alphabet of 2021, converted from the Cyrillic letter by letter.

The alphabet is the one the Baitursynov Institute of Linguistics and the state working group
presented in January 2021 (the "2021" column of the Latin-script table in Wikipedia's *Kazakh
alphabets*, https://en.wikipedia.org/wiki/Kazakh_alphabets#Latin_script, which also carries a
sample text in it: «Būryñğy ötken zamanda, bır danyşpan kısı…»):

    а a   ә ä   б b   в v   г g   ғ ğ   д d   е e   ж j   з z   и i   й i   к k   қ q   л l
    м m   н n   ң ñ   о o   ө ö   п p   р r   с s   т t   у u   ұ ū   ү ü   ф f   х h   һ h
    ч ç   ш ş   ы y   і ı   э e

Its capitals: И and Й are İ (dotted), І is I (dotless), as in Turkish. The letters the 2021
alphabet has no sign for are written as their sounds: ё io, ц ts, щ şş, ю iu, я ia (a capital
Ю is İu, or İU in a word written in capitals); ъ and ь are not written. So Қазақстан is
Qazaqstan, ұлы ūly, Әлия Äliia, шығыс şyğys.

Only Cyrillic letters change: digits, punctuation and Latin text pass through, so converting
text twice changes nothing more.
"""

import re

LETTERS = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
# Capitals by hand: Python's "i".upper() is the dotless I that Kazakh writes for І, not И.
CAPITALS = {
    "А": "A", "Ә": "Ä", "Б": "B", "В": "V", "Г": "G", "Ғ": "Ğ", "Д": "D", "Е": "E", "Ё": "İo",
    "Ж": "J", "З": "Z", "И": "İ", "Й": "İ", "К": "K", "Қ": "Q", "Л": "L", "М": "M", "Н": "N",
    "Ң": "Ñ", "О": "O", "Ө": "Ö", "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U", "Ұ": "Ū",
    "Ү": "Ü", "Ф": "F", "Х": "H", "Һ": "H", "Ц": "Ts", "Ч": "Ç", "Ш": "Ş", "Щ": "Şş", "Ъ": "",
    "Ы": "Y", "І": "I", "Ь": "", "Э": "E", "Ю": "İu", "Я": "İa",
}  # fmt: skip
TABLE = str.maketrans(LETTERS | CAPITALS)
CYRILLIC = re.compile("[" + "".join(LETTERS | CAPITALS) + "]")
UPPER = "".join(CAPITALS)
# A capital written as two Latin letters inside a word in capitals (ЮНЕСКО, ЦЕНТР, ЖҮЙЕСІ):
# its second letter is a capital too.
CAPITAL_PAIR = re.compile(f"[ЁЦЩЮЯ](?=[{UPPER}])|(?<=[{UPPER}])[ЁЦЩЮЯ](?![{LETTERS}])")


def to_latin(text):
    """`text` with its Kazakh Cyrillic letters written in the Latin alphabet of 2021."""
    if not CYRILLIC.search(text):
        return text
    text = CAPITAL_PAIR.sub(lambda match: CAPITALS[match[0]].upper(), text)
    return text.translate(TABLE)
