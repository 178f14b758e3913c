"""Russian and Kazakh typesetting rules applied to the book's text at render time.

`tie` puts non-breaking spaces where the rules forbid a line break: after an initial and
between a surname and its initials (no `И. М. / Есбулатова`, `С. / Джобса`), after `№` and
`§`, between a number and its unit (`25 %`, `10 км`), before `т.б.`/`т.д.` and before a dash.
`tie_html` applies it to the text of an HTML document only, never inside its tags.
`running_title` shortens a title for a running head where a line may break, with an ellipsis.
"""

import re

NBSP = "\u00a0"
CAPITALS = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
SPACE = r"[ \t\r\n]+"
GAP = r"[ \t\r\n\u00a0]+"

RULES = (
    # An initial and what follows it (another initial or the surname).
    (re.compile(rf"(?<![\w.])([{CAPITALS}]\.){SPACE}(?=[{CAPITALS}])"), rf"\1{NBSP}"),
    # A surname and the initials after it.
    (
        re.compile(
            rf"(?<=\w){SPACE}(?=[{CAPITALS}]\.(?:{GAP}?[{CAPITALS}]\.)*(?!{GAP}?[{CAPITALS}]))"
        ),
        NBSP,
    ),
    (re.compile(rf"([№§]){SPACE}?"), rf"\1{NBSP}"),
    (
        re.compile(rf"(?<=\d){SPACE}(?=(?:%|км|м|см|мм|кг|г|т|га|млн|млрд|тыс|₸|руб)(?!\w))"),
        NBSP,
    ),
    (re.compile(rf"{SPACE}(?=(?:т\.б\.|т\.с\.с\.|т\.д\.|т\.п\.|и\.т\.б\.))"), NBSP),
    (re.compile(rf"{SPACE}(?=[—–](?:{SPACE}|$))"), NBSP),
)

TAG = re.compile(r"(<[^>]*>)")
RAW = re.compile(r"<(script|style)\b", re.IGNORECASE)


def tie(text):
    """`text` with non-breaking spaces where a line must not break."""
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def tie_html(html):
    """`tie` applied to the text between the tags of `html` (tags, style and script untouched)."""
    pieces = TAG.split(html)
    raw = False
    for index, piece in enumerate(pieces):
        if index % 2:
            raw = bool(RAW.match(piece))
        elif not raw:
            pieces[index] = tie(piece)
    return "".join(pieces)


def running_title(title, limit=60):
    """`title` fit for a running head: as it is when short, else cut after a word, with `…`.

    It is cut only where `tie` lets a line break, so never between a surname and its initials
    (“Тұрсынбекова…” for “Тұрсынбекова А.Т.”): a list of authors ends on a whole name.
    """
    title = tie(" ".join(title.split()))
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if title[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-«(\u00a0") + "…"
