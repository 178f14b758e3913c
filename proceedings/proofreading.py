"""The checks an editor makes by eye before a paper goes into the book, made by the portal.

Authors who type on both a Kazakh or Russian and an English keyboard leave Latin letters that look
Cyrillic inside Cyrillic words (`cоотношение` with a Latin c) and Cyrillic ones inside Latin words
(`Рolisia`, `VІ` with the Kazakh І, `КZ`). They read right and print right, but the word is not
found by search, hyphenation skips it, and indexers count it as a different word.
`mixed_script_words` finds them in a paper's metadata and text, and says which letters to change
where the intended word is unambiguous: each odd letter has a look-alike in the word's own script,
and the word's own script is clear (it has letters that exist in one script only, or more of one
script than the other). `correct` makes that change, recorded as a TextCorrection, and
`corrected_text` applies the recorded changes where the text is laid out (proceedings/article.py).

`unnumbered_references` looks at the reference list after its heading (“Әдебиеттер”, “Список
литературы”, “References”): GOST lists are numbered, and the book's hanging numbers need them.
`reference_list` gives that list's entries as text, which the Crossref deposit cites.
"""

import html as html_module
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.html import strip_tags

from proceedings.models import Paper, TextCorrection

# Letters that look the same in both scripts: Latin → Cyrillic. The Kazakh І/і (U+0406/U+0456) is
# the twin of the Latin I/i, the Kazakh һ of h. Y and y are left out: they look like both the
# Russian У and the Kazakh Ү, so which was meant is not clear.
LATIN_TO_CYRILLIC = dict(zip("ABCEHIKMOPTXaceiopxh", "АВСЕНІКМОРТХасеіорхһ", strict=True))
CYRILLIC_TO_LATIN = {cyrillic: latin for latin, cyrillic in LATIN_TO_CYRILLIC.items()}

WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")
TAG = re.compile(r"(<[^>]*>)")


def script_of(letter):
    if "a" <= letter.lower() <= "z":
        return "latin"
    if "\u0400" <= letter <= "\u04ff":
        return "cyrillic"
    return None


@dataclass(frozen=True)
class MixedWord:
    """A word written in two scripts; `corrected` is None where the intent is not clear."""

    word: str
    corrected: str | None


def intended(word):
    """The word in its own script, or None where that script is not clear."""
    scripts = [script_of(letter) for letter in word]
    latin = [letter for letter, script in zip(word, scripts, strict=True) if script == "latin"]
    cyrillic = [
        letter for letter, script in zip(word, scripts, strict=True) if script == "cyrillic"
    ]
    latin_only = any(letter not in LATIN_TO_CYRILLIC for letter in latin)
    cyrillic_only = any(letter not in CYRILLIC_TO_LATIN for letter in cyrillic)
    if latin_only and cyrillic_only:
        return None
    if latin_only or (not cyrillic_only and len(latin) > len(cyrillic)):
        table, odd = CYRILLIC_TO_LATIN, cyrillic
    elif cyrillic_only or len(cyrillic) > len(latin):
        table, odd = LATIN_TO_CYRILLIC, latin
    else:
        return None
    if any(letter not in table for letter in odd):
        return None
    return "".join(table.get(letter, letter) for letter in word)


def odd_letters(mixed):
    """{position: script} of the letters that are not in the word's own script (where that is
    not clear, the letters of the script the word has fewer of)."""
    scripts = [script_of(letter) for letter in mixed.word]
    if mixed.corrected is not None:
        return {
            index: script
            for index, (script, was, now) in enumerate(
                zip(scripts, mixed.word, mixed.corrected, strict=True)
            )
            if was != now
        }
    minority = min(("latin", "cyrillic"), key=scripts.count)
    return {index: script for index, script in enumerate(scripts) if script == minority}


def mixed_script_words(text):
    """Each word of `text` (plain text or HTML) with letters of both scripts, once, in order."""
    found = {}
    for segment in TAG.split(text or ""):
        if segment.startswith("<"):
            continue
        for match in WORD.finditer(segment):
            word = match.group()
            if word in found:
                continue
            scripts = {script_of(letter) for letter in word}
            if {"latin", "cyrillic"} <= scripts:
                found[word] = MixedWord(word, intended(word))
    return list(found.values())


def metadata_fields():
    """The translated fields a paper's head prints, e.g. title_kk, abstract_ru, keywords_en."""
    return [
        f"{name}_{code}"
        for name in ("title", "abstract", "keywords")
        for code, _name in settings.WRITTEN_LANGUAGES
    ]


def text_of(paper):
    """Everything of `paper` the checks read: its metadata and the text of its current version,
    as the book prints it (with the corrections made)."""
    parts = [getattr(paper, field) or "" for field in metadata_fields()]
    if paper.current_version is not None:
        parts.append(corrected_text(paper.current_version.html, paper.corrections.all()))
    return "\n".join(parts)


def findings(paper):
    return mixed_script_words(text_of(paper))


def replace_word(text, word, corrected):
    """`text` with every whole occurrence of `word` replaced, outside HTML tags."""
    pattern = re.compile(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])")
    return "".join(
        segment if segment.startswith("<") else pattern.sub(corrected, segment)
        for segment in TAG.split(text)
    )


def corrected_text(html, corrections):
    """A version's converted text with the paper's corrections made. Versions are kept as they
    were converted (what the author sent); the corrections apply to every version, so a revised
    file with the same slip is printed right too."""
    for correction in corrections:
        html = replace_word(html, correction.original, correction.corrected)
    return html


class NothingToCorrect(Exception):
    """The word is no longer in the paper (someone corrected it meanwhile), or which letters
    were meant is not clear."""


def correct(paper, word, user):
    """Have `word` printed in its own script everywhere in `paper`: its metadata is edited, its
    text corrected as it is laid out (`corrected_text`), and a TextCorrection records who
    changed what. The paper's row is locked, so two editors correcting it at once neither
    overwrite each other nor record a correction twice."""
    corrected = intended(word)
    if corrected is None:
        raise NothingToCorrect(word)
    with transaction.atomic():
        paper = (
            Paper.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=paper.pk)
        )
        if word not in {mixed.word for mixed in findings(paper)}:
            raise NothingToCorrect(word)
        changed = []
        for field in metadata_fields():
            value = getattr(paper, field) or ""
            fixed = replace_word(value, word, corrected)
            if fixed != value:
                setattr(paper, field, fixed)
                changed.append(field)
        if changed:
            paper.save(update_fields=[*changed, "updated_at"])
        return TextCorrection.objects.create(
            paper=paper,
            version=paper.current_version,
            original=word,
            corrected=corrected,
            made_by=user,
        )


REFERENCES_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:пайдаланылған\s+)?(?:әдебиеттер(?:\s+тізімі)?|"
    r"(?:список\s+(?:использованн\w+\s+)?(?:литературы|источников))|литература|"
    r"references|bibliography)\s*:?\s*$",
    re.IGNORECASE,
)
BLOCK = re.compile(r"<(p|h[1-6]|li)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
BULLETED = re.compile(r"<ul\b.*?</ul>", re.IGNORECASE | re.DOTALL)
NUMBERED = re.compile(r"^\s*\[?\d{1,3}\s*[.)\]]")


@dataclass(frozen=True)
class ReferenceCount:
    total: int
    unnumbered: int


def reference_blocks(html):
    """The blocks (`BLOCK` matches) of the reference list: after its heading, up to the next
    heading; None when `html` has no reference list."""
    blocks = list(BLOCK.finditer(html or ""))
    for index, block in enumerate(blocks):
        if block.group(1).lower() != "li" and REFERENCES_HEADING.match(strip_tags(block.group(2))):
            entries = []
            for entry in blocks[index + 1 :]:
                if entry.group(1).lower().startswith("h"):
                    break
                if strip_tags(entry.group(2)).strip():
                    entries.append(entry)
            return entries
    return None


def unnumbered_references(html):
    """How many entries the reference list has, and how many have no number (paragraphs after
    the heading up to the next heading; items of a numbered list count as numbered, of a
    bulleted one not)."""
    entries = reference_blocks(html)
    if entries is None:
        return None
    bulleted = [match.span() for match in BULLETED.finditer(html)]
    numbered = []
    for entry in entries:
        in_bullets = any(start <= entry.start() < end for start, end in bulleted)
        numbered_item = entry.group(1).lower() == "li" and not in_bullets
        numbered.append(numbered_item or bool(NUMBERED.match(strip_tags(entry.group(2)).strip())))
    return ReferenceCount(len(numbered), numbered.count(False))


def reference_list(html):
    """The entries of the reference list as plain text, without their numbers ("1.", "[2]"), as
    Crossref's deposit cites them."""
    return [
        " ".join(NUMBERED.sub("", html_module.unescape(strip_tags(entry.group(2)))).split())
        for entry in reference_blocks(html) or []
    ]


def references_hung(html):
    """`html` with the paragraphs of its reference list (after the heading up to the next
    heading) marked `class="reference"`, which the print stylesheet sets with a hanging number
    instead of the paragraph indent."""
    blocks = list(BLOCK.finditer(html or ""))
    for index, block in enumerate(blocks):
        if block.group(1).lower() != "li" and REFERENCES_HEADING.match(strip_tags(block.group(2))):
            pieces, last = [], block.end()
            for entry in blocks[index + 1 :]:
                if entry.group(1).lower().startswith("h"):
                    break
                if entry.group(1).lower() == "p" and "class=" not in entry.group(0)[:60]:
                    pieces += [html[last : entry.start()], '<p class="reference"']
                    last = entry.start() + 2
            return html[: block.end()] + "".join(pieces) + html[last:]
    return html
