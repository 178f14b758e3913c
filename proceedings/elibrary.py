"""The published book for eLibrary (RSCI, РИНЦ): the <journal> XML its upload of issues takes (the
format its Articulus program writes), zipped with the papers' offprints it names.

The XML follows eLibrary's journal schema (tests/proceedings/schemas/elibrary-journal.xsd, with
where it comes from); within <article> the elements keep the schema's order, as eLibrary asks:

    journal
      titleid        the collection's number at eLibrary (settings.ELIBRARY_TITLE_ID)
      journalInfo    the collection's title, in Russian (the schema allows one)
      issue          its pages (1 to the book's last), year, the round table's theme, the DOI
        articles     per section: <section> with its name per language, then its papers:
          article    pages as printed, artType CNF (conference materials), langPubl, authors,
                     artTitles, abstracts, text (the offprint's text), codes (DOI, УДК),
                     keywords, references, files (the offprint), rubrics (IRSTI, ГРНТИ), dates

Every text per language is written in each language it is given in, never a fallback from
another language under the wrong code. eLibrary's codes: Kazakh is KKZ (its list has no KAZ),
Russian RUS, English ENG. Each author has an <individInfo> per language their surname is written
in (the paper's own first): surname, initials, organisation, city, country, e-mail; a scientific
supervisor is an author of role 26 (научный руководитель). The references are the paragraphs of
the paper's reference list (proofreading.reference_list), of no language in particular (ANY).
The DOIs are proceedings.dois's; the full text and the files are the offprints of the book's
build (proceedings/offprints.py), so that eLibrary holds the pages exactly as printed.
"""

import io
import zipfile

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from pypdf import PdfReader

from proceedings import cards, proofreading
from proceedings.citations import name_of
from proceedings.dois import doi
from proceedings.models import Author, split_keywords

# eLibrary's three-letter codes (its typeLang) of the portal's languages.
LANGUAGE_CODES = {"kk": "KKZ", "ru": "RUS", "en": "ENG"}
# The language eLibrary reads the collection's own title in (one <journalInfo>, one <issTitle>).
COLLECTION_LANGUAGE = "ru"
CONFERENCE_MATERIALS = "CNF"
SUPERVISOR_ROLE = "26"


def problems(proceedings, build):
    """Why the book cannot go to eLibrary yet, in sentences for organisers; none when it can."""
    reasons = []
    if not settings.ELIBRARY_TITLE_ID.isdigit():
        reasons.append(
            _("Set ELIBRARY_TITLE_ID to the number eLibrary gave the collection (its titleid).")
        )
    if not proceedings.published:
        reasons.append(_("Publish the proceedings first."))
    if build is None:
        reasons.append(_("Build the book first: eLibrary takes each paper's pages from it."))
    elif build.entries.filter(offprint="").exists():
        reasons.append(_("Build the book again: some of its papers have no offprint."))
    return reasons


def file_name(event, entry):
    return f"{event.slug}-{entry.paper_id}.pdf"


def languages_of(paper):
    """The paper's own language, then the portal's others."""
    return [paper.language, *(code for code in LANGUAGE_CODES if code != paper.language)]


def given(obj, name, language):
    """A translated field exactly as written in `language`, "" when it is not."""
    return (getattr(obj, f"{name}_{language}", "") or "").strip()


def element(parent, tag, text=None, **attributes):
    child = etree.SubElement(parent, tag, attributes)
    if text is not None:
        child.text = str(text)
    return child


def pages_of(first, last):
    return str(first) if first == last else f"{first}-{last}"


def date_of(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def author_element(parent, number, author, paper):
    person = element(parent, "author", num=str(number))
    if author.role == Author.Role.SUPERVISOR:
        element(person, "role", SUPERVISOR_ROLE)
    written = [code for code in languages_of(paper) if given(author, "surname", code)]
    for language in written or [paper.language]:
        name = name_of(author, language)
        info = element(person, "individInfo", lang=LANGUAGE_CODES[language])
        element(info, "surname", name.surname)
        if name.initials:
            element(info, "initials", name.initials)
        for tag, field in (("orgName", "organisation"), ("town", "city"), ("country", "country")):
            value = given(author, field, language)
            if value:
                element(info, tag, value)
        if author.email:
            element(info, "email", author.email)
    if author.orcid:
        element(element(person, "authorCodes"), "orcid", author.orcid)


def per_language(parent, container, tag, obj, name, paper):
    texts = [(code, given(obj, name, code)) for code in languages_of(paper)]
    texts = [(code, text) for code, text in texts if text]
    if texts:
        group = element(parent, container)
        for code, text in texts:
            element(group, tag, text, lang=LANGUAGE_CODES[code])


def article_element(parent, entry, event, published_at, offprint):
    paper = entry.paper
    language = LANGUAGE_CODES[paper.language]
    article = element(parent, "article")
    element(article, "pages", pages_of(entry.first_page, entry.last_page))
    element(article, "artType", CONFERENCE_MATERIALS)
    element(article, "langPubl", language)
    # The authors, then the supervisor (Author's ordering), numbered as the book prints them.
    people = list(paper.authors.all())
    if people:
        authors = element(article, "authors")
        for number, author in enumerate(people, start=1):
            author_element(authors, number, author, paper)
    # A paper always has its title in its own language (Paper.clean): <artTitles> is required.
    per_language(article, "artTitles", "artTitle", paper, "title", paper)
    per_language(article, "abstracts", "abstract", paper, "abstract", paper)
    full_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(offprint)).pages)
    element(article, "text", full_text.strip(), lang=language)
    codes = [
        (tag, value) for tag, value in (("doi", doi(event, paper)), ("udk", paper.udc)) if value
    ]
    if codes:
        container = element(article, "codes")
        for tag, value in codes:
            element(container, tag, value.strip())
    groups = [
        (code, split_keywords(given(paper, "keywords", code))) for code in languages_of(paper)
    ]
    groups = [(code, words) for code, words in groups if words]
    if groups:
        container = element(article, "keywords")
        for code, words in groups:
            group = element(container, "kwdGroup", lang=LANGUAGE_CODES[code])
            for word in words:
                element(group, "keyword", word)
    listed = proofreading.reference_list(
        paper.current_version.html if paper.current_version else ""
    )
    if listed:
        references = element(article, "references")
        for text in listed:
            info = element(element(references, "reference"), "refInfo", lang="ANY")
            element(info, "text", text)
    element(element(article, "files"), "file", file_name(event, entry), desc="fullText")
    if paper.irsti.strip():
        element(element(article, "rubrics"), "rubric", paper.irsti.strip())
    if published_at:
        element(element(article, "dates"), "datePublication", date_of(published_at))


def journal(proceedings, build, offprints):
    """The <journal> XML of `build`'s papers (UTF-8 bytes); `offprints` maps each BookEntry's pk
    to its offprint's bytes."""
    event = proceedings.event
    root = etree.Element("journal")
    element(root, "titleid", settings.ELIBRARY_TITLE_ID)
    info = element(root, "journalInfo", lang=LANGUAGE_CODES[COLLECTION_LANGUAGE])
    element(info, "title", given(proceedings, "title", COLLECTION_LANGUAGE))
    issue = element(root, "issue")
    element(issue, "pages", pages_of(1, build.page_count))
    element(issue, "dateUni", proceedings.year)
    theme = given(event, "theme", COLLECTION_LANGUAGE)
    if theme:
        element(issue, "issTitle", theme, lang=LANGUAGE_CODES[COLLECTION_LANGUAGE])
    if doi(event):
        element(element(issue, "codes"), "doi", doi(event))
    articles = element(issue, "articles")
    section = None
    for entry in cards.entries(build).select_related("paper__current_version"):
        paper = entry.paper
        if paper.section is not None and paper.section != section:
            section = paper.section
            heading = element(articles, "section")
            for code in LANGUAGE_CODES:
                name = given(section, "name", code)
                if name:
                    element(heading, "secTitle", name, lang=LANGUAGE_CODES[code])
        article_element(articles, entry, event, proceedings.published_at, offprints[entry.pk])
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def archive(proceedings, build):
    """The zip for eLibrary: the XML (`<slug>.xml`) and each paper's offprint it names.

    Check `problems` first: it needs every paper's offprint.
    """
    entries = list(build.entries.all())
    offprints = {}
    for entry in entries:
        with entry.offprint.open("rb") as stored:
            offprints[entry.pk] = stored.read()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{proceedings.event.slug}.xml", journal(proceedings, build, offprints))
        for entry in entries:
            zipped.writestr(file_name(proceedings.event, entry), offprints[entry.pk])
    return out.getvalue()
