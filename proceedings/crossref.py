"""The published book as a Crossref deposit: a <doi_batch> (schema 5.3.1, which Crossref
accepts; its newest, 5.4.0, could not be had here to check a deposit against) for conference
proceedings, registering a DOI for the collection and one for each paper in it.

The file follows the element order of crossref5.3.1.xsd, which a deposit must keep (the schema's
sequences are ordered):

    doi_batch version="5.3.1"
      head: doi_batch_id, timestamp, depositor (depositor_name, email_address), registrant
      body / conference:
        contributors          the editorial board, when every line of it reads as a name
        event_metadata        conference_name, conference_acronym, conference_location ("city,
                              country"), conference_date
        proceedings_metadata  proceedings_title, publisher (publisher_name, publisher_place),
                              publication_date, isbn or noisbn, doi_data (doi, resource)
        conference_paper …    contributors (each author's affiliation and ORCID), titles,
                              jats:abstract (one per language it is written in),
                              publication_date, pages, ai:program (free to read; the licence),
                              doi_data, citation_list (the paper's reference list)

What the collection, the round table and its editors are called is written in the site's default
language (`settings.LANGUAGE_CODE`, or the language that stands in for it); each paper in its own
language, its authors named as the book prints them.

Titles per language: a conference paper has one <titles>, which holds a <title> and at most one
<original_language_title> — by the schema's definition the title in the work's original language
when the metadata gives it in translation. So a paper written in Kazakh with an English title
deposits the English title as <title> and the Kazakh one as <original_language_title
language="kk">, and <conference_paper language="kk"> says what it is written in; a paper with no
translated title deposits its own title alone. The translation chosen is the first in
`TRANSLATIONS` that the paper has.

The DOIs are proceedings.dois's: the collection's and one per paper. Each leads to its page under
`settings.SITE_URL`, the portal's public address, whatever host the organiser downloading the
deposit happened to use.
"""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from proceedings import cards, citations, proofreading
from proceedings.citations import Name, in_language
from proceedings.dois import doi
from roundtable.frab import acronym

NAMESPACE = "http://www.crossref.org/schema/5.3.1"
VERSION = "5.3.1"
SCHEMA_LOCATION = f"{NAMESPACE} https://www.crossref.org/schemas/crossref{VERSION}.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
ACCESS_INDICATORS = "http://www.crossref.org/AccessIndicators.xsd"
XML = "http://www.w3.org/XML/1998/namespace"
# The languages a paper's title is deposited in, after its own, in this order of preference.
TRANSLATIONS = ("en", "ru", "kk")
DOI_PREFIX = re.compile(r"10\.[0-9]{4,9}")
# An address Crossref accepts: a dot in its domain ("webmaster@localhost" is refused).
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Initials as editorial boards print them: "Е.С.", "Е. С.", "N.".
INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
# Where a board's line leaves the name for the role: "Кайратов Е.С. – ответственный редактор".
ROLE_SEPARATOR = re.compile(r"\s[–—-]\s|,|\(")


def deposit_language():
    return settings.LANGUAGE_CODE[:2]


def publisher_of(proceedings, language):
    """Who publishes the collection: its publisher, else the institution that organises it."""
    return in_language(proceedings, "publisher", language) or in_language(
        proceedings, "organiser", language
    )


def problems(proceedings, build):
    """Why the proceedings cannot be deposited yet, in sentences for organisers; none when they
    can."""
    reasons = []
    if not settings.CROSSREF_DOI_PREFIX:
        reasons.append(
            _(
                "The portal has no DOI prefix yet: set CROSSREF_DOI_PREFIX (e.g. 10.12345) to "
                "the prefix Crossref assigned to the publisher."
            )
        )
    elif not DOI_PREFIX.fullmatch(settings.CROSSREF_DOI_PREFIX):
        reasons.append(
            _("CROSSREF_DOI_PREFIX is “%(prefix)s”, which is not a DOI prefix such as 10.12345.")
            % {"prefix": settings.CROSSREF_DOI_PREFIX}
        )
    if not EMAIL.fullmatch(settings.CROSSREF_DEPOSITOR_EMAIL):
        reasons.append(
            _(
                "Set CROSSREF_DEPOSITOR_EMAIL to the address Crossref writes to about the "
                "deposit (it is “%(email)s”)."
            )
            % {"email": settings.CROSSREF_DEPOSITOR_EMAIL}
        )
    if build is None:
        reasons.append(_("Build the book first: the deposit gives each paper's pages in it."))
    if not proceedings.published:
        reasons.append(_("Publish the proceedings first: each DOI leads to a public page."))
    if not publisher_of(proceedings, deposit_language()):
        reasons.append(_("Give the publisher of the collection."))
    return reasons


def editor_name(line):
    """The name on a line of the editorial board, "Кайратов Е.С." or "Е.С. Кайратов" with a role
    after it; None when the line holds no surname with initials."""
    words = ROLE_SEPARATOR.split(line, maxsplit=1)[0].split()
    initials = [word for word in words if INITIALS.fullmatch(word)]
    surnames = [word for word in words if not INITIALS.fullmatch(word)]
    if len(surnames) != 1 or not initials:
        return None
    return Name(surnames[0], " ".join(initials))


def editors(proceedings, language):
    """The editorial board as names, when every line of it reads as one; else none at all (a
    partial board would misstate who edited the collection)."""
    lines = [
        line.strip()
        for line in in_language(proceedings, "editors", language).splitlines()
        if line.strip()
    ]
    names = [editor_name(line) for line in lines]
    return names if names and all(names) else []


def paper_titles(paper):
    """(title, (language, original language title) or None), as the module's docstring says."""
    own = paper.title_in_own_language.strip()
    for code in TRANSLATIONS:
        translated = (getattr(paper, f"title_{code}", "") or "").strip()
        if code != paper.language and translated and translated != own:
            return translated, (paper.language, own)
    return own, None


# --- Writing the XML -----------------------------------------------------------------------------


def element(parent, tag, text=None, namespace=NAMESPACE, **attributes):
    """A child `tag` of `parent` in Crossref's namespace, or `namespace` (attributes whose value
    is None left out)."""
    child = etree.SubElement(
        parent,
        f"{{{namespace}}}{tag}",
        {name: str(value) for name, value in attributes.items() if value is not None},
    )
    if text is not None:
        child.text = str(text)
    return child


def contributors(parent, names, role, language=None):
    if not names:
        return
    people = element(parent, "contributors")
    for number, name in enumerate(names):
        person = element(
            people,
            "person_name",
            sequence="first" if number == 0 else "additional",
            contributor_role=role,
            language=language,
        )
        if name.given:
            element(person, "given_name", name.given)
        element(person, "surname", name.surname)
        if name.organisation:
            institution = element(element(person, "affiliations"), "institution")
            element(institution, "institution_name", name.organisation)
            if name.place:
                element(institution, "institution_place", name.place)
        if name.orcid:
            element(person, "ORCID", f"https://orcid.org/{name.orcid}")


def doi_data(parent, doi_name, url):
    data = element(parent, "doi_data")
    element(data, "doi", doi_name)
    element(data, "resource", url)


def year(parent, value):
    date = element(parent, "publication_date", media_type="print")
    element(date, "year", value)


def head(batch, proceedings, language, now):
    timestamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
    publisher = publisher_of(proceedings, language)
    part = element(batch, "head")
    element(part, "doi_batch_id", f"{proceedings.event.slug}-{timestamp}")
    element(part, "timestamp", timestamp)
    depositor = element(part, "depositor")
    element(depositor, "depositor_name", settings.CROSSREF_DEPOSITOR or publisher)
    element(depositor, "email_address", settings.CROSSREF_DEPOSITOR_EMAIL)
    element(part, "registrant", publisher)


def event_metadata(conference, proceedings, language):
    event = proceedings.event
    metadata = element(conference, "event_metadata")
    element(metadata, "conference_name", in_language(event, "theme", language))
    element(metadata, "conference_acronym", acronym(event.slug))
    place = ", ".join(
        part
        for part in (in_language(proceedings, name, language) for name in ("city", "country"))
        if part
    )
    if place:
        element(metadata, "conference_location", place)
    day, month, event_year = f"{event.date.day:02d}", f"{event.date.month:02d}", event.date.year
    element(
        metadata,
        "conference_date",
        event.date.isoformat(),
        start_day=day,
        start_month=month,
        start_year=event_year,
        end_day=day,
        end_month=month,
        end_year=event_year,
    )


def proceedings_metadata(conference, proceedings, language, url):
    metadata = element(conference, "proceedings_metadata", language=language)
    element(metadata, "proceedings_title", in_language(proceedings, "title", language))
    publisher = element(metadata, "publisher")
    element(publisher, "publisher_name", publisher_of(proceedings, language))
    city = in_language(proceedings, "city", language)
    if city:
        element(publisher, "publisher_place", city)
    year(metadata, proceedings.year)
    if proceedings.isbn:
        element(metadata, "isbn", proceedings.isbn_printed, media_type="print")
    else:
        element(metadata, "noisbn", reason="monograph")
    doi_data(metadata, doi(proceedings.event), url)


def abstracts(item, paper):
    """A <jats:abstract xml:lang> for each language the paper's abstract is written in, its own
    first."""
    codes = sorted(cards.LANGUAGE_NAMES, key=lambda code: code != paper.language)
    for code in codes:
        text = (getattr(paper, f"abstract_{code}", "") or "").strip()
        if text:
            abstract = element(item, "abstract", namespace=JATS, **{f"{{{XML}}}lang": code})
            for paragraph in text.splitlines():
                if paragraph.strip():
                    element(abstract, "p", paragraph.strip(), namespace=JATS)


def access(item, proceedings):
    """Access indicators: the published paper is free to read, under the collection's licence
    (from its publication date) when it has one."""
    program = element(item, "program", namespace=ACCESS_INDICATORS, name="AccessIndicators")
    element(program, "free_to_read", namespace=ACCESS_INDICATORS)
    if proceedings.licence:
        published = proceedings.published_at
        element(
            program,
            "license_ref",
            proceedings.licence_url,
            namespace=ACCESS_INDICATORS,
            applies_to="vor",
            start_date=published.date().isoformat() if published else None,
        )


def citation_list(item, paper):
    """The paper's reference list as Crossref's unstructured citations, keyed by their number."""
    version = paper.current_version
    entries = proofreading.reference_list(version.html if version else "")
    if not entries:
        return
    references = element(item, "citation_list")
    for number, text in enumerate(entries, start=1):
        citation = element(references, "citation", key=f"ref{number}")
        element(citation, "unstructured_citation", text)


def conference_paper(conference, entry, url):
    paper = entry.paper
    proceedings = entry.build.proceedings
    reference = citations.reference(entry, url=url)
    item = element(conference, "conference_paper", language=paper.language)
    contributors(item, reference.authors, "author", language=paper.language)
    title, original = paper_titles(paper)
    titles = element(item, "titles")
    element(titles, "title", title)
    if original:
        element(titles, "original_language_title", original[1], language=original[0])
    abstracts(item, paper)
    year(item, reference.year)
    pages = element(item, "pages")
    element(pages, "first_page", entry.first_page)
    element(pages, "last_page", entry.last_page)
    access(item, proceedings)
    doi_data(item, doi(proceedings.event, paper), url)
    citation_list(item, paper)


def page_url(name, language, *args):
    """The address of a public page under SITE_URL, in `language`."""
    with translation.override(language):
        return settings.SITE_URL + reverse(f"roundtable:{name}", args=args)


def deposit(proceedings, build, *, now=None):
    """The deposit of `build`'s papers as UTF-8 XML.

    Check `problems` first: without a DOI prefix the DOIs it writes are not valid.
    """
    language = deposit_language()
    slug = proceedings.event.slug
    batch = etree.Element(
        f"{{{NAMESPACE}}}doi_batch",
        {"version": VERSION, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
        nsmap={None: NAMESPACE, "xsi": XSI, "jats": JATS, "ai": ACCESS_INDICATORS},
    )
    head(batch, proceedings, language, now or timezone.now())
    conference = element(element(batch, "body"), "conference")
    contributors(conference, editors(proceedings, language), "editor", language=language)
    event_metadata(conference, proceedings, language)
    proceedings_metadata(conference, proceedings, language, page_url("proceedings", language, slug))
    # With each paper's text, whose reference list the deposit cites.
    for entry in cards.entries(build).select_related("paper__current_version"):
        url = page_url("article", entry.paper.language, slug, entry.paper_id)
        conference_paper(conference, entry, url)
    return etree.tostring(batch, encoding="UTF-8", xml_declaration=True, pretty_print=True)
