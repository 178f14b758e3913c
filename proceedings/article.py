"""A paper laid out as the collection prints it, for the preview page, its PDF and the book.

`article(paper)` gathers what `templates/print/paper_article.html` sets, in the paper's own
language: the authors as "Ахманов А.Т., Бегалиев Е.Н.", the scientific supervisor after them,
the affiliations, the title, abstract and keywords, the converted text of the current version
(with the editors' corrections, proofreading.py), and the title, abstract and keywords written
in the other languages.

The few words printed around them (“Ғылыми жетекшісі:”, “Ключевые слова:”) are the collection's
fixed forms in the paper's language, whatever language the reader's page is in, so they are
written here per language rather than translated with the interface.
"""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from proceedings import proofreading
from proceedings.models import Author, PaperVersion

PRINTED = {
    "kk": {
        "supervisor": "Ғылыми жетекшісі:",
        "abstract": "Аңдатпа.",
        "keywords": "Түйін сөздер:",
        "udc": "ӘОЖ",
        "irsti": "ҒТАМР",
    },
    "ru": {
        "supervisor": "Научный руководитель:",
        "abstract": "Аннотация.",
        "keywords": "Ключевые слова:",
        "udc": "УДК",
        "irsti": "МРНТИ",
    },
    "en": {
        "supervisor": "Scientific supervisor:",
        "abstract": "Abstract.",
        "keywords": "Keywords:",
        "udc": "UDC",
        "irsti": "IRSTI",
    },
}
LANGUAGE_CODES = [code for code, _name in settings.WRITTEN_LANGUAGES]


def with_authors(papers):
    """`papers` (a queryset) with what `article` reads, so that it makes no queries of its own."""
    authors = Author.objects.select_related("degree", "academic_title")
    return papers.select_related("current_version").prefetch_related(
        Prefetch("authors", queryset=authors), "corrections"
    )


def article(paper, version=None):
    """The printed parts of `paper` as a dict for `print/paper_article.html`.

    `version` defaults to the current one; only a DOCX version has a body (its sanitised HTML):
    a PDF goes into the book as it is.
    """
    language = paper.language
    version = version or paper.current_version
    with translation.override(language):
        authors = [author for author in paper.authors.all() if author.role == Author.Role.AUTHOR]
        supervisor = next(
            (author for author in paper.authors.all() if author.role == Author.Role.SUPERVISOR),
            None,
        )
        places = affiliations(authors)
        marked = len(places) > 1
        return {
            "lang": language,
            "labels": PRINTED.get(language, PRINTED["en"]),
            "authors": [
                {
                    "name": author.short_name_in(language),
                    "mark": places.index(place_of(author)) + 1
                    if marked and place_of(author)
                    else None,
                }
                for author in authors
            ],
            "affiliations": [
                {"mark": number if marked else None, "text": place}
                for number, place in enumerate(places, start=1)
            ],
            "supervisor": {
                "name": supervisor.short_name_in(language),
                "credentials": supervisor.credentials,
            }
            if supervisor
            else None,
            "udc": paper.udc,
            "irsti": paper.irsti,
            "contacts": [
                {
                    "name": author.short_name_in(language),
                    "email": author.email,
                    "orcid": author.orcid,
                }
                for author in authors
                if author.email or author.orcid
            ],
            "title": paper.title_in_own_language,
            "abstract": getattr(paper, f"abstract_{language}", "") or "",
            "keywords": getattr(paper, f"keywords_{language}", "") or "",
            "body": mark_safe(
                proofreading.references_hung(
                    body_of(
                        proofreading.corrected_text(version.html, paper.corrections.all()),
                        paper.title_in_own_language,
                    )
                )
            )
            if version and version.kind == PaperVersion.Kind.DOCX
            else "",
            "summaries": summaries(paper),
        }


def without_authors(printed, paper):
    """`printed` (an `article` of `paper`) with no author's name, organisation, e-mail or ORCID,
    for a double-blind reviewer (proceedings/reviewing.py).

    The head prints none of them; in the text, whatever stands before the first heading (where
    a file's own title block names its authors) is left out, and each trace of an author found
    further on (a self-citation, say) reads "[…]".
    """
    body = str(printed["body"])
    heading = FIRST_HEADING.search(body)
    body = body[heading.start() :] if heading else body
    for trace in sorted(traces_of(paper), key=len, reverse=True):
        body = body.replace(escape(trace), "[…]")
    return {
        **printed,
        "authors": [],
        "affiliations": [],
        "supervisor": None,
        "contacts": [],
        "body": mark_safe(body),
    }


def traces_of(paper):
    """The surnames, organisations, e-mail addresses and ORCID iDs of the paper's authors and
    speaker, in every language they are written in."""
    people = [*paper.authors.all(), paper.speaker]
    fields = [f"{name}_{code}" for name in ("surname", "organisation") for code in LANGUAGE_CODES]
    return {
        value.strip()
        for person in people
        for value in [
            *(getattr(person, name, "") or "" for name in fields),
            person.email or "",
            getattr(person, "orcid", "") or "",
        ]
        if len(value.strip()) > 2
    }


FIRST_HEADING = re.compile(r"<h[1-6][\s>]")


def contents_line(authors, title):
    """How contents list a paper: "Ахманов А.Т., Бегалиев Е.Н. Полиция және қоғам". The names
    end in an initial's full stop already."""
    return " ".join(part for part in (authors, title) if part)


def body_of(html, title):
    """The converted text without the file's own title block, when it has one.

    Papers arrive as collections ask for them: УДК, authors, title, abstract and keywords above
    the first heading (Кіріспе, Введение). The article prints all of those from the paper's
    details, so when the text before the first heading repeats the title, that block is left
    out. Sanitised HTML stays sanitised: the cut is at a tag boundary.
    """
    heading = FIRST_HEADING.search(html)
    wanted = plain(title)
    if heading and wanted and wanted in plain(strip_tags(html[: heading.start()])):
        return html[heading.start() :]
    return html


def plain(text):
    return " ".join(text.split()).casefold()


def place_of(author):
    """Organisation, city, country in the active language (falling back as the model does)."""
    return ", ".join(part for part in (author.organisation, author.city, author.country) if part)


def affiliations(authors):
    places = []
    for author in authors:
        place = place_of(author)
        if place and place not in places:
            places.append(place)
    return places


def summaries(paper):
    """The title, abstract and keywords in each other language they are written in."""
    found = []
    for code in LANGUAGE_CODES:
        if code == paper.language:
            continue
        title, abstract, keywords = (
            getattr(paper, f"{name}_{code}", "") or "" for name in ("title", "abstract", "keywords")
        )
        if abstract or keywords:
            found.append(
                {
                    "lang": code,
                    "labels": PRINTED.get(code, PRINTED["en"]),
                    "title": title,
                    "abstract": abstract,
                    "keywords": keywords,
                }
            )
    return found
