"""Reading the degree, academic title and rank out of a printed position line.

Programmes print one line per person, e.g. 'начальник кафедры …, к.ю.н., профессор, полковник
полиции'. The portal keeps that line as printed and also its parts: the post in words and the
terms of the vocabularies. A term counts only when the kk line has its kk form and the ru line its
ru form, so a word that happens to match in one language is not taken for a term.
"""

import re
from dataclasses import dataclass

from speakers.models import AcademicTitle, Degree, Rank

MATCHED_LANGUAGES = ("kk", "ru")
# What is left around a removed term: 'бастығы. з.ғ.к., профессор' leaves '. ' and ', '.
SEPARATORS = " ,;."


@dataclass(frozen=True)
class Vocabulary:
    """The known degrees, academic titles and ranks, read once for many position lines."""

    degrees: list
    academic_titles: list
    ranks: list

    @classmethod
    def load(cls):
        return cls(
            list(Degree.objects.all()), list(AcademicTitle.objects.all()), list(Rank.objects.all())
        )


@dataclass(frozen=True)
class PositionParts:
    degree: Degree | None
    academic_title: AcademicTitle | None
    rank: Rank | None
    position: dict  # language -> the line without the matched terms


def printed_form(term, language):
    """The term as position lines print it in `language`, '' when not entered in that language."""
    if isinstance(term, Degree):
        return getattr(term, f"abbreviation_{language}") or getattr(term, f"name_{language}") or ""
    return getattr(term, f"name_{language}") or ""


def whole_words(form, line):
    """Spans of `form` in `line` where it is not part of a longer word."""
    pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
    return [match.span() for match in re.finditer(pattern, line)]


def separate_segments(form, line):
    """Spans of `form` where it stands as a comma-separated segment of its own.

    'профессор' is a title in '…, к.ю.н., профессор, …' but a post in 'профессор кафедры …'.
    """
    pattern = rf"(?:^|,)\s*({re.escape(form)})[\s.;]*(?=,|$)"
    return [match.span(1) for match in re.finditer(pattern, line)]


def find_term(terms, lines, locate):
    """The term found in every matched language, with its spans per language.

    When several are found ('лейтенант полиции' within 'старший лейтенант полиции'), the longest
    wins.
    """
    best, best_spans, best_length = None, {}, 0
    for term in terms:
        forms = {language: printed_form(term, language) for language in lines}
        spans = {
            language: locate(form, lines[language]) for language, form in forms.items() if form
        }
        length = sum(len(forms[language]) for language in MATCHED_LANGUAGES if language in forms)
        if all(spans.get(language) for language in MATCHED_LANGUAGES) and length > best_length:
            best, best_spans, best_length = term, spans, length
    return best, best_spans


def masked(line, spans):
    """`line` with the spans turned into commas, so that a term found reads as a separator."""
    for begin, end in spans:
        line = line[:begin] + "," * (end - begin) + line[end:]
    return line


def without(line, spans):
    """`line` without the spans and the separators they leave behind, the rest joined by commas."""
    pieces, start = [], 0
    for begin, end in sorted(spans):
        if begin >= start:
            pieces.append(line[start:begin])
        start = max(start, end)
    pieces.append(line[start:])
    last = len(pieces) - 1
    kept = []
    for index, piece in enumerate(pieces):
        if index > 0:
            piece = piece.lstrip(SEPARATORS)
        if index < last:
            piece = piece.rstrip(SEPARATORS)
        if piece:
            kept.append(piece)
    return ", ".join(kept)


def read_position(lines, vocabulary):
    """Split the printed position `lines` ({language: line}) into post and vocabulary terms."""
    degree, degree_spans = find_term(vocabulary.degrees, lines, whole_words)
    rank, rank_spans = find_term(vocabulary.ranks, lines, whole_words)
    spans = {
        language: degree_spans.get(language, []) + rank_spans.get(language, [])
        for language in lines
    }
    title_lines = {language: masked(line, spans[language]) for language, line in lines.items()}
    academic_title, title_spans = find_term(
        vocabulary.academic_titles, title_lines, separate_segments
    )
    for language, found in title_spans.items():
        spans[language] += found
    return PositionParts(
        degree=degree,
        academic_title=academic_title,
        rank=rank,
        position={language: without(line, spans[language]) for language, line in lines.items()},
    )
