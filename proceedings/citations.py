"""A paper of the published book as others cite it: GOST R 7.0.100-2018 text, BibTeX, RIS and
CSL-JSON.

`reference(entry)` gathers what every format needs from a `BookEntry` (the paper, its authors,
its pages in the book), the collection it is in and the round table it comes from; `gost`,
`bibtex`, `ris` and `csl_json` write it out. The API and the Crossref deposit (`crossref`) read
the same `Reference`.

A reference is written in the paper's own language: its title and authors as the book prints
them, the collection's title in that language (or the one that stands in for it).

GOST R 7.0.100-2018, as applied to a paper in a collection (an analytic record, “составная
часть ресурса”):

    Ахманов, А. Т. Полиция және қоғам / А. Т. Ахманов, Е. Н. Бегалиев. – Мәтін : тікелей //
    Материалы круглого стола … : сборник материалов / Алматинская академия МВД. – Алматы :
    Изд-во, 2025. – Б. 196–201.

- The heading (“заголовок”, per GOST R 7.0.80) is the first author, surname first and
  initials after a comma, when the paper has one, two or three authors. With four or more the
  record starts with the title and has no heading.
- After the title, “/” introduces the statement of responsibility: the authors, initials before
  the surname, separated by commas, all of them up to four. With five or more the first three
  are given followed by “[и др.]” (the standard lets the describing agency shorten the list;
  this is the usual shortening).
- “. – ” separates the areas; the content type and means of access follow the title area
  (“Текст : непосредственный”: the printed book is what is cited).
- “//” introduces the collection: its title, “:” and the other title information (the
  subtitle), “/” and its first statement of responsibility (the organising institution), then
  “. – City : Publisher, Year”, and the paper's place in it, “. – С. 196–201” (one page: “С. 7”).
- With a DOI (only once the portal has a prefix: proceedings/dois.py), the record ends with it,
  “. – DOI 10.12345/public-safety-2025.7”, as the standard's examples give it.
- The prescribed words are in the record's language: “С.”, “[и др.]”, “Текст :
  непосредственный” in Russian; “Б.” (бет), “[және т.б.]”, “Мәтін : тікелей” in Kazakh; “P.”,
  “[et al.]”, “Text : unmediated” in English.
"""

import datetime
import json
from dataclasses import dataclass, field

from modeltranslation.utils import resolution_order

from proceedings.dois import doi
from proceedings.models import Author, page_range, split_keywords
from speakers import names

GOST_WORDS = {
    "kk": {"content": "Мәтін : тікелей", "pages": "Б.", "others": "[және т.б.]"},
    "ru": {"content": "Текст : непосредственный", "pages": "С.", "others": "[и др.]"},
    "en": {"content": "Text : unmediated", "pages": "P.", "others": "[et al.]"},
}
# The names biblatex (babel, polyglossia) knows the languages by.
BIBTEX_LANGUAGES = {"kk": "kazakh", "ru": "russian", "en": "english"}
DASH = "–"


@dataclass(frozen=True)
class Name:
    """An author's name as written in one language."""

    surname: str
    given_name: str = ""
    patronymic: str = ""
    # Where the author works (the organisation, and its "city, country") and their ORCID iD:
    # what Scholar's tags and the Crossref deposit say of them, not part of the name.
    organisation: str = field(default="", compare=False)
    place: str = field(default="", compare=False)
    orcid: str = field(default="", compare=False)

    @property
    def initials(self):
        """ "А. Т." (GOST puts a space between initials)."""
        return " ".join(
            f"{part[0].upper()}." for part in (self.given_name, self.patronymic) if part
        )

    @property
    def heading(self):
        """ "Ахманов, А. Т.", as a GOST heading starts."""
        return ", ".join(part for part in (self.surname, self.initials) if part)

    @property
    def direct(self):
        """ "А. Т. Ахманов", as GOST names authors after the title."""
        return " ".join(part for part in (self.initials, self.surname) if part)

    @property
    def given(self):
        """ "Асқар Төлегенұлы": the given name and the patronymic, as reference managers take it."""
        return " ".join(part for part in (self.given_name, self.patronymic) if part)

    @property
    def institution(self):
        """ "Академия МВД, Алматы, Казахстан", as Scholar's `citation_author_institution`."""
        return ", ".join(part for part in (self.organisation, self.place) if part)

    @property
    def inverted(self):
        """ "Ахманов, Асқар Төлегенұлы": surname, comma, the rest in full (BibTeX, RIS, Scholar)."""
        return ", ".join(part for part in (self.surname, self.given) if part)


@dataclass(frozen=True)
class Reference:
    """What a citation of one paper says, in the paper's language."""

    key: str
    language: str
    authors: tuple[Name, ...]
    title: str
    collection: str
    collection_note: str
    organiser: str
    city: str
    publisher: str
    year: int
    first_page: int
    last_page: int
    isbn: str
    url: str = ""
    # The paper's DOI, empty while the portal has no prefix.
    doi: str = ""
    keywords: tuple[str, ...] = field(default=())
    abstract: str = ""
    # The round table the papers were read at.
    event_title: str = ""
    event_date: datetime.date | None = None
    event_place: str = ""

    @property
    def pages(self):
        return page_range(self.first_page, self.last_page)


def in_language(obj, name, language):
    """A translated field in `language`, or in the language that stands in for it."""
    for code in resolution_order(language):
        value = (getattr(obj, f"{name}_{code}", "") or "").strip()
        if value:
            return value
    return ""


def name_of(author, language):
    surname, given_name, patronymic = author.name_in(language)
    if not surname:
        surname, given_name, patronymic = author.surname, author.given_name, author.patronymic
    place = ", ".join(
        part
        for part in (in_language(author, name, language) for name in ("city", "country"))
        if part
    )
    return Name(
        names.capitalise(surname),
        given_name,
        patronymic,
        organisation=in_language(author, "organisation", language),
        place=place,
        orcid=author.orcid,
    )


# Crossref allows this many characters in a conference's location.
PLACE_LENGTH = 255


def event_place(event, proceedings, language):
    """Where the round table was held: its venue and the city (the collection's: a round table
    has no city of its own), or the city alone when the venue is long or names it already."""
    venue = in_language(event, "venue", language)
    city = in_language(proceedings, "city", language)
    if not venue or city.lower() in venue.lower():
        return venue or city
    place = f"{venue}, {city}" if city else venue
    return place if len(place) <= PLACE_LENGTH else city


def reference(entry, *, url=""):
    """The reference to `entry`'s paper in its book; `url` is the paper's card, absolute.

    Reads `entry.paper` with its authors and `entry.build.proceedings` with its event: select and
    prefetch them to cite many papers without a query each.
    """
    paper = entry.paper
    proceedings = entry.build.proceedings
    event = proceedings.event
    language = paper.language
    authors = [author for author in paper.authors.all() if author.role == Author.Role.AUTHOR]
    keywords = in_language(paper, "keywords", language)
    return Reference(
        key=f"{proceedings.event.slug}-{paper.pk}",
        language=language,
        authors=tuple(name_of(author, language) for author in authors),
        title=paper.title_in_own_language.strip(),
        collection=in_language(proceedings, "title", language),
        collection_note=in_language(proceedings, "subtitle", language),
        organiser=in_language(proceedings, "organiser", language),
        city=in_language(proceedings, "city", language),
        publisher=in_language(proceedings, "publisher", language),
        year=proceedings.year,
        first_page=entry.first_page,
        last_page=entry.last_page,
        isbn=proceedings.isbn_printed,
        url=url,
        doi=doi(event, paper) or "",
        keywords=tuple(split_keywords(keywords)),
        abstract=in_language(paper, "abstract", language),
        event_title=in_language(event, "theme", language),
        event_date=event.date,
        event_place=event_place(event, proceedings, language),
    )


# --- GOST R 7.0.100-2018 -------------------------------------------------------------------------


def ending(text):
    """`text` without the full stop that the next separator (“. – ”) would double."""
    return text.rstrip().removesuffix(".").rstrip()


def gost(ref):
    """The record as one line of text (see the module's docstring for the rules)."""
    words = GOST_WORDS.get(ref.language, GOST_WORDS["ru"])
    authors = list(ref.authors)
    heading = f"{authors[0].heading} " if 1 <= len(authors) <= 3 else ""
    named = [author.direct for author in authors]
    if len(named) > 4:
        named = [", ".join(named[:3]) + f" {words['others']}"]
    title = ending(ref.title)
    if named:
        title += " / " + ", ".join(named)
    host = ending(ref.collection)
    if ref.collection_note:
        host += " : " + ending(ref.collection_note)
    if ref.organiser:
        host += " / " + ending(ref.organiser)
    record = (
        f"{heading}{title}. {DASH} {words['content']} // {host}. {DASH} {imprint_of(ref)}. "
        f"{DASH} {words['pages']} {ref.pages}."
    )
    return f"{record} {DASH} DOI {ref.doi}." if ref.doi else record


def imprint_of(ref):
    """ "Алматы : Изд-во, 2025": the collection's city, publisher and year."""
    imprint = " : ".join(part for part in (ref.city, ref.publisher) if part)
    return f"{imprint}, {ref.year}" if imprint else str(ref.year)


def source_line(ref):
    """Where the paper was printed, as its offprint's first page names it at the foot:
    “Материалы круглого стола … – Алматы : Изд-во, 2025. – С. 12–19.”"""
    words = GOST_WORDS.get(ref.language, GOST_WORDS["ru"])
    return (
        f"{ending(ref.collection)}. {DASH} {imprint_of(ref)}. {DASH} {words['pages']} {ref.pages}."
    )


# --- BibTeX ------------------------------------------------------------------------------------

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text):
    """`text` safe inside a braced BibTeX value: TeX's special characters as commands, one line.

    Other characters stay as they are: the file is UTF-8, which biber and BibTeX 0.99d with
    inputenc read (Kazakh and Russian letters included).
    """
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in " ".join(text.split()))


def bibtex_url(url):
    """`url` for the `url` field, which biblatex and the url package read verbatim: TeX escapes
    would become part of the address (`\\_`), so it is written as it is, with only what would
    end the braced value or the line percent-encoded."""
    return "".join(
        f"%{ord(char):02X}" if char in "{}\\" or char.isspace() else char for char in url.strip()
    )


def bibtex_name(name):
    """A name for `author`: a part holding “and” or a comma is braced, so it stays one name."""
    parts = [name.surname, name.given]
    escaped = [
        "{" + bibtex_escape(part) + "}"
        if "," in part or "and" in part.lower().split()
        else bibtex_escape(part)
        for part in parts
    ]
    return ", ".join(part for part in escaped if part)


def bibtex(ref):
    """An `@inproceedings` entry."""
    fields = [
        ("author", " and ".join(bibtex_name(name) for name in ref.authors)),
        ("title", bibtex_escape(ref.title)),
        ("booktitle", bibtex_escape(ref.collection)),
        ("year", str(ref.year)),
        ("pages", ref.pages.replace(DASH, "--")),
        ("publisher", bibtex_escape(ref.publisher)),
        ("address", bibtex_escape(ref.city)),
        ("isbn", ref.isbn),
        ("language", BIBTEX_LANGUAGES.get(ref.language, ref.language)),
        ("keywords", bibtex_escape(", ".join(ref.keywords))),
        ("abstract", bibtex_escape(ref.abstract)),
        ("doi", bibtex_url(ref.doi)),
        ("url", bibtex_url(ref.url)),
    ]
    lines = [f"  {name} = {{{value}}}," for name, value in fields if value]
    return "@inproceedings{" + ref.key + ",\n" + "\n".join(lines) + "\n}\n"


# --- RIS ---------------------------------------------------------------------------------------


def ris(ref):
    """A `CPAPER` record. RIS lines are “TAG  - value” and end in CRLF; values are one line."""
    lines = [("TY", "CPAPER")]
    lines += [("AU", name.inverted) for name in ref.authors]
    lines += [
        ("TI", ref.title),
        ("T2", ref.collection),
        ("SN", ref.isbn),
        ("SP", str(ref.first_page)),
        ("EP", str(ref.last_page)),
        ("PY", str(ref.year)),
        ("PB", ref.publisher),
        ("CY", ref.city),
        ("LA", ref.language),
        ("DO", ref.doi),
        ("UR", ref.url),
    ]
    lines += [("KW", word) for word in ref.keywords]
    lines += [("AB", ref.abstract), ("ER", "")]
    return "".join(
        f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines if value or tag == "ER"
    )


# --- CSL-JSON ----------------------------------------------------------------------------------


def csl_name(name):
    return {"family": name.surname, "given": name.given} if name.given else {"family": name.surname}


def csl_date(date):
    return {"date-parts": [[date.year, date.month, date.day]]} if date else None


def csl_item(ref):
    """The reference as a CSL-JSON item (CSL 1.0.2's `paper-conference`), as Zotero, Mendeley
    and citeproc read it.

    Names are split into family and given (with the patronymic); `page` is a range with a
    hyphen-minus, which CSL styles render with their own dash; dates are `date-parts`.
    """
    item = {
        "id": ref.key,
        "citation-key": ref.key,
        "type": "paper-conference",
        "title": ref.title,
        "author": [csl_name(name) for name in ref.authors],
        "container-title": ref.collection,
        "event-title": ref.event_title,
        "event-place": ref.event_place,
        "event-date": csl_date(ref.event_date),
        "publisher": ref.publisher,
        "publisher-place": ref.city,
        "issued": {"date-parts": [[ref.year]]},
        "page": ref.pages.replace(DASH, "-"),
        "ISBN": ref.isbn,
        "language": ref.language,
        "DOI": ref.doi,
        "URL": ref.url,
        "keyword": ", ".join(ref.keywords),
        "abstract": ref.abstract,
    }
    return {name: value for name, value in item.items() if value}


def csl_json(ref):
    """A CSL-JSON file: a list of items, here the one, in UTF-8 as written."""
    return json.dumps([csl_item(ref)], ensure_ascii=False, indent=2) + "\n"
