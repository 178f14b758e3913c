"""The published book as its public pages show it: the contents, and a card for each paper.

Everything here reads one book build: its `BookEntry` rows hold each paper's number and pages as
they were printed, so the pages, the card and the paper's own PDF always agree with the book.

The card shows the paper's printed parts (title, how the contents list it) in the paper's own
language, as the book prints them; what the reader reads about it (authors and affiliations,
abstract, keywords) in the reader's language, falling back to the paper's language. The meta
tags for Google Scholar and Dublin Core describe the paper as it is cited (`citations`).
"""

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from modeltranslation.utils import get_language  # texts' language: kk on /kk-latn/ pages

from portal.templatetags.languages import written_in
from proceedings import article, citations
from proceedings.models import Author, split_keywords
from roundtable.models import ReleasedItem
from speakers.models import Participation

LANGUAGE_NAMES = dict(settings.WRITTEN_LANGUAGES)


def entries(build):
    """The papers of `build` in the book's order, with what the contents and the card read: each
    author's `speaker_slug` when they are on the round table's roster (their speaker page)."""
    roster = Participation.objects.filter(
        event=OuterRef("paper__event"), person=OuterRef("person")
    ).values("person__slug")[:1]
    authors = Author.objects.select_related("degree", "academic_title").annotate(
        speaker_slug=Subquery(roster)
    )
    return (
        build.entries.select_related("paper__section", "paper__talk")
        .prefetch_related(Prefetch("paper__authors", queryset=authors))
        .order_by("number")
    )


def authors_of(paper, role=Author.Role.AUTHOR):
    return [author for author in paper.authors.all() if author.role == role]


def contents_line(entry):
    """How the contents list the paper: "Ахманов А.Т., Бегалиев Е.Н. Полиция және қоғам"."""
    paper = entry.paper
    authors = ", ".join(author.short_name_in(paper.language) for author in authors_of(paper))
    return article.contents_line(authors, paper.title_in_own_language)


def for_reader(paper, name):
    """A translated field of `paper` in the reader's language, else in the paper's own."""
    for code in (get_language(), paper.language):
        text = (getattr(paper, f"{name}_{code}", "") or "").strip()
        if text:
            return {"text": text, "lang": code}
    return {"text": "", "lang": get_language()}


def in_each_language(obj, name):
    """[{"code", "name", "text"}] for each language the field is written in."""
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "text": text}
        for code in LANGUAGE_NAMES
        if (text := (getattr(obj, f"{name}_{code}", "") or "").strip())
    ]


def person(author):
    """An author as the card lists them, in the reader's language (or the model's fallback)."""
    return {
        "name": author.full_name,
        "lang": written_in(author, "surname"),
        "affiliation": article.place_of(author),
        "affiliation_lang": written_in(author, "organisation"),
        "credentials": author.credentials,
        "speaker_slug": author.speaker_slug,
    }


def card(entry, *, url, pdf_url):
    """What the card page shows about `entry`'s paper; `url` and `pdf_url` are absolute."""
    paper = entry.paper
    reference = citations.reference(entry, url=url)
    own_title = paper.title_in_own_language
    title_for_reader = for_reader(paper, "title")
    keywords = for_reader(paper, "keywords")
    supervisor = authors_of(paper, Author.Role.SUPERVISOR)
    return {
        "entry": entry,
        "paper": paper,
        "title": own_title,
        "translated_title": title_for_reader if title_for_reader["text"] != own_title else None,
        "authors": [person(author) for author in authors_of(paper)],
        "supervisor": person(supervisor[0]) if supervisor else None,
        "contents_line": contents_line(entry),
        "abstract": for_reader(paper, "abstract"),
        "keywords": {
            "words": split_keywords(keywords["text"]),
            "lang": keywords["lang"],
        },
        "collection_titles": in_each_language(entry.build.proceedings, "title"),
        "reference": reference,
        "gost": citations.gost(reference),
        "scholar_tags": scholar_tags(reference, pdf_url),
        "dublin_core": dublin_core(reference, paper),
        "talk": released_talk(paper),
    }


def released_talk(paper):
    """The paper's talk as the released programme has it (the draft is the organisers'), or
    None when it has none or the talk is not released."""
    if paper.talk_id is None:
        return None
    return ReleasedItem.objects.filter(
        release__current_of=paper.event_id, item_key=paper.talk_id
    ).first()


def scholar_tags(ref, pdf_url):
    """Google Scholar's `citation_*` tags as (name, content): one `citation_author` per author,
    followed by that author's `citation_author_institution` and `citation_author_orcid` (Scholar
    reads them as belonging to the author before them), and the DOI when there is one."""
    tags = [("citation_title", ref.title)]
    for name in ref.authors:
        tags += [
            ("citation_author", name.inverted),
            ("citation_author_institution", name.institution),
            ("citation_author_orcid", name.orcid and f"https://orcid.org/{name.orcid}"),
        ]
    tags += [
        ("citation_conference_title", ref.collection),
        ("citation_publisher", ref.publisher),
        ("citation_isbn", ref.isbn),
        ("citation_firstpage", str(ref.first_page)),
        ("citation_lastpage", str(ref.last_page)),
        ("citation_publication_date", str(ref.year)),
        ("citation_language", ref.language),
        ("citation_doi", ref.doi),
        ("citation_keywords", "; ".join(ref.keywords)),
        ("citation_pdf_url", pdf_url),
    ]
    return [(name, content) for name, content in tags if content]


def dublin_core(ref, paper):
    """Dublin Core tags as (name, content, lang): the title once per language it is written in,
    the paper's own first."""
    titles = sorted(in_each_language(paper, "title"), key=lambda t: t["code"] != ref.language)
    tags = [("DC.title", title["text"], title["code"]) for title in titles]
    tags += [("DC.creator", name.inverted, "") for name in ref.authors]
    tags += [("DC.subject", word, ref.language) for word in ref.keywords]
    tags += [
        ("DC.type", "Text", ""),
        ("DC.format", "application/pdf", ""),
        ("DC.date", str(ref.year), ""),
        ("DC.language", ref.language, ""),
        ("DC.identifier", ref.url, ""),
        ("DC.identifier", ref.doi and f"https://doi.org/{ref.doi}", ""),
        ("DC.source", source(ref), ""),
        ("DC.publisher", ref.publisher, ""),
    ]
    return [(name, content, lang) for name, content, lang in tags if content]


def source(ref):
    """The collection the paper is in, for DC.source: "Title, 2025, ISBN 978-…, 196–201"."""
    isbn = f"ISBN {ref.isbn}" if ref.isbn else ""
    return ", ".join(part for part in (ref.collection, str(ref.year), isbn, ref.pages) if part)
