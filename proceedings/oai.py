"""The papers of the published books for harvesters (BASE, CyberLeninka, KazNEB): an OAI-PMH 2.0
data provider, answered at /oai (proceedings/oai_views.py).

Items are the papers of the current book of every published round table whose proceedings are
published: `oai:<SITE_URL host>:<slug>/<paper id>`, in the set `<slug>` (one per round table),
their datestamp the moment that book was built (a rebuild may change a paper's pages). A paper
that an earlier book of the same proceedings printed and the current one does not (withdrawn, no
longer accepted) is a deleted record, datestamped with the current book. Deleted records are
`transient`: unpublishing proceedings takes their records out altogether.

Metadata: `oai_dc` (the titles and abstracts in each language written, with xml:lang; the
authors as the paper's own language writes them; subjects the keywords and the UDC; the card's
address and the DOI of proceedings.dois as identifiers; the collection with the pages as the
source). Addresses come from settings.SITE_URL, never from the request. Identify names the
address of DEFAULT_FROM_EMAIL as the administrator's and, on a site with a domain name, describes
the identifiers (oai-identifier).

Lists are cut into pages of PAGE_SIZE; the resumption token carries the request's arguments and
where the next page starts, so the provider keeps no state. A list has as many queries whatever
its length: the headers are read at once, and a page's papers with their authors in two more.
"""

import base64
import binascii
import datetime
import json
import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree

from proceedings import cards, citations
from proceedings.dois import doi
from proceedings.models import BookBuild, BookEntry, split_keywords
from roundtable.models import RoundTable

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
# A repository identifier is a domain name (the oai-identifier guidelines): a site served at
# localhost or at an IP address has none, and its Identify answer does not describe the scheme
# (nor does one with no record to give as the sample).
DOMAIN = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+")
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DATESTAMP = "%Y-%m-%dT%H:%M:%SZ"
PAGE_SIZE = 100
# The arguments each verb takes: (required, optional). A resumption token stands alone.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
# Dublin Core types: the DCMI type, and the DRIVER/OpenAIRE one BASE reads.
DC_TYPES = ("Text", "info:eu-repo/semantics/conferenceObject")


class OAIError(Exception):
    """An OAI-PMH error condition: `code` as the protocol names it, and why."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Header:
    slug: str
    paper_id: int
    datestamp: datetime.datetime
    deleted: bool
    entry_id: int | None

    @property
    def identifier(self):
        return f"oai:{host()}:{self.slug}/{self.paper_id}"


def host():
    return urlsplit(settings.SITE_URL).hostname


def stamp(moment):
    return moment.astimezone(datetime.UTC).strftime(DATESTAMP)


def headers():
    """Every item's header, oldest first: the papers of each current book, and those its
    proceedings' earlier books printed and it does not (deleted). One query."""
    rows = (
        BookEntry.objects.filter(
            build__status=BookBuild.Status.SUCCEEDED,
            build__variant=BookBuild.Variant.SCREEN,
            build__proceedings__published=True,
            build__proceedings__event__published=True,
        )
        .order_by("build__proceedings", "-build__finished_at", "-build")
        .values_list(
            "pk", "paper_id", "build_id", "build__finished_at", "build__proceedings__event__slug"
        )
    )
    current, found = {}, {}
    for entry_id, paper_id, build_id, finished_at, slug in rows:
        build = current.setdefault(slug, (build_id, finished_at))
        if (slug, paper_id) in found:
            continue
        present = build[0] == build_id
        found[slug, paper_id] = Header(
            slug, paper_id, build[1], not present, entry_id if present else None
        )
    return sorted(found.values(), key=lambda h: (h.datestamp, h.slug, h.paper_id))


def parse_datestamp(value, *, end):
    """A from or until argument as a moment; a day stands for its first or (`end`) last second."""
    for form, day in ((DATESTAMP, False), ("%Y-%m-%d", True)):
        try:
            moment = datetime.datetime.strptime(value, form).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if day and end:
            moment += datetime.timedelta(days=1, seconds=-1)
        return moment, day
    raise OAIError("badArgument", f"{value!r} is not a datestamp of the form {GRANULARITY}.")


def selected(arguments):
    """The headers a list request selects (from, until and set applied); noRecordsMatch when
    none is."""
    chosen = headers()
    bounds = {}
    for name in ("from", "until"):
        if arguments.get(name):
            bounds[name] = parse_datestamp(arguments[name], end=name == "until")
    if len({day for _moment, day in bounds.values()}) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if "from" in bounds and "until" in bounds and bounds["from"][0] > bounds["until"][0]:
        raise OAIError("badArgument", "from is later than until.")
    second = datetime.timedelta(seconds=1)
    if "from" in bounds:
        chosen = [h for h in chosen if h.datestamp.replace(microsecond=0) >= bounds["from"][0]]
    if "until" in bounds:
        chosen = [h for h in chosen if h.datestamp < bounds["until"][0] + second]
    if arguments.get("set"):
        chosen = [h for h in chosen if h.slug == arguments["set"]]
    if not chosen:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    return chosen


# --- Resumption tokens ---------------------------------------------------------------------------

LIST_ARGUMENTS = ("metadataPrefix", "from", "until", "set")


def token(arguments, cursor):
    state = {name: arguments[name] for name in LIST_ARGUMENTS if arguments.get(name)}
    state["cursor"] = cursor
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def resume(value):
    """The arguments and the cursor a token of `token` carries; badResumptionToken otherwise."""
    try:
        state = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        cursor = state.pop("cursor")
        if (
            not isinstance(cursor, int)
            or cursor < 0
            or set(state) - set(LIST_ARGUMENTS)
            or "metadataPrefix" not in state
        ):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        raise OAIError("badResumptionToken", "The resumption token is not valid.") from None
    return state, cursor


# --- Requests ------------------------------------------------------------------------------------


def checked(query):
    """(verb, arguments) of a request's `query` (a QueryDict), as the protocol allows them."""
    verbs = query.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    names = set(query) - {"verb"}
    if any(len(query.getlist(name)) > 1 for name in names):
        raise OAIError("badArgument", "An argument is repeated.")
    if names - required - optional:
        raise OAIError(
            "badArgument", f"{verb} does not take {', '.join(sorted(names - required - optional))}."
        )
    arguments = {name: query[name] for name in names}
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OAIError(
                "badArgument", "A resumption token is the only argument beside the verb."
            )
    elif required - names:
        raise OAIError("badArgument", f"{verb} requires {', '.join(sorted(required - names))}.")
    return verb, arguments


def identified(identifier):
    """The header of `identifier`; idDoesNotExist when it names no item."""
    for header in headers():
        if header.identifier == identifier:
            return header
    raise OAIError("idDoesNotExist", f"{identifier} is not an identifier of this repository.")


def format_of(prefix):
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"{prefix} is not a metadata format here.")
    return prefix


# --- Writing the answer --------------------------------------------------------------------------


def sub(parent, tag, text=None, namespace=OAI, **attributes):
    child = etree.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    if text is not None:
        child.text = str(text)
    return child


def envelope(arguments, verb=None):
    root = etree.Element(
        f"{{{OAI}}}OAI-PMH",
        {f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
        nsmap={None: OAI, "xsi": XSI},
    )
    sub(root, "responseDate", stamp(timezone.now()))
    request = sub(root, "request", base_url())
    if verb:
        request.set("verb", verb)
        for name, value in sorted(arguments.items()):
            request.set(name, value)
    return root


def base_url():
    return settings.SITE_URL + reverse("oai")


def respond(query):
    """The OAI-PMH answer to `query` (the request's GET or POST), as UTF-8 XML."""
    verb, arguments = None, {}
    try:
        verb, arguments = checked(query)
        root = envelope(arguments, verb)
        ANSWERS[verb](sub(root, verb), arguments)
    except OAIError as error:
        # badVerb and badArgument answers name the base URL alone, as the protocol says.
        keep = error.code not in ("badVerb", "badArgument")
        root = envelope(arguments if keep else {}, verb if keep else None)
        sub(root, "error", error.message, code=error.code)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def identify(parent, _arguments):
    everything = headers()
    earliest = everything[0].datestamp if everything else timezone.now()
    sub(parent, "repositoryName", repository_name())
    sub(parent, "baseURL", base_url())
    sub(parent, "protocolVersion", "2.0")
    sub(parent, "adminEmail", parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    sub(parent, "earliestDatestamp", stamp(earliest))
    sub(parent, "deletedRecord", "transient")
    sub(parent, "granularity", GRANULARITY)
    if everything and DOMAIN.fullmatch(host()):
        scheme = etree.SubElement(
            sub(parent, "description"),
            f"{{{OAI_IDENTIFIER}}}oai-identifier",
            {f"{{{XSI}}}schemaLocation": f"{OAI_IDENTIFIER} {OAI_IDENTIFIER}.xsd"},
            nsmap={None: OAI_IDENTIFIER, "xsi": XSI},
        )
        sub(scheme, "scheme", "oai", namespace=OAI_IDENTIFIER)
        sub(scheme, "repositoryIdentifier", host(), namespace=OAI_IDENTIFIER)
        sub(scheme, "delimiter", ":", namespace=OAI_IDENTIFIER)
        sub(scheme, "sampleIdentifier", everything[0].identifier, namespace=OAI_IDENTIFIER)


def repository_name():
    # Harvesters show it beside other repositories' names, in English like the protocol's words.
    return f"Round-table proceedings ({host()})"


def list_metadata_formats(parent, arguments):
    if "identifier" in arguments:
        identified(arguments["identifier"])
    for prefix, (schema, namespace) in FORMATS.items():
        item = sub(parent, "metadataFormat")
        sub(item, "metadataPrefix", prefix)
        sub(item, "schema", schema)
        sub(item, "metadataNamespace", namespace)


def list_sets(parent, arguments):
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", "ListSets answers in one list: it has no tokens.")
    slugs = {header.slug for header in headers()}
    if not slugs:
        raise OAIError("noSetHierarchy", "No round table has published proceedings yet.")
    events = RoundTable.objects.filter(slug__in=slugs).select_related("proceedings")
    for event in events.order_by("slug"):
        item = sub(parent, "set")
        sub(item, "setSpec", event.slug)
        sub(item, "setName", citations.in_language(event.proceedings, "title", "en"))


def page(arguments):
    """(headers of this page, the resumption token element's text and attributes or None, the
    metadata prefix)."""
    if "resumptionToken" in arguments:
        arguments, cursor = resume(arguments["resumptionToken"])
    else:
        cursor = 0
    format_of(arguments.get("metadataPrefix"))
    chosen = selected(arguments)
    if cursor >= len(chosen):
        raise OAIError("badResumptionToken", "The resumption token points past the list.")
    shown = chosen[cursor : cursor + PAGE_SIZE]
    prefix = arguments["metadataPrefix"]
    if len(chosen) <= PAGE_SIZE and cursor == 0:
        return shown, None, prefix
    following = cursor + PAGE_SIZE
    text = token(arguments, following) if following < len(chosen) else ""
    return shown, (text, {"completeListSize": str(len(chosen)), "cursor": str(cursor)}), prefix


def resumption(parent, state):
    if state is not None:
        sub(parent, "resumptionToken", state[0], **state[1])


def header_of(parent, header):
    item = sub(parent, "header", **({"status": "deleted"} if header.deleted else {}))
    sub(item, "identifier", header.identifier)
    sub(item, "datestamp", stamp(header.datestamp))
    sub(item, "setSpec", header.slug)


def list_identifiers(parent, arguments):
    shown, state, _prefix = page(arguments)
    for header in shown:
        header_of(parent, header)
    resumption(parent, state)


def entries_of(shown):
    """The BookEntry of each present header in `shown`, with what the metadata reads (three
    queries however many)."""
    ids = [header.entry_id for header in shown if not header.deleted]
    found = (
        BookEntry.objects.filter(pk__in=ids)
        .select_related("paper", "build__proceedings__event")
        .prefetch_related("paper__authors")
    )
    return {entry.pk: entry for entry in found}


def records(parent, shown, prefix):
    entries = entries_of(shown)
    for header in shown:
        record = sub(parent, "record")
        header_of(record, header)
        if not header.deleted:
            METADATA[prefix](sub(record, "metadata"), entries[header.entry_id])


def list_records(parent, arguments):
    shown, state, prefix = page(arguments)
    records(parent, shown, prefix)
    resumption(parent, state)


def get_record(parent, arguments):
    prefix = format_of(arguments["metadataPrefix"])
    records(parent, [identified(arguments["identifier"])], prefix)


# --- oai_dc --------------------------------------------------------------------------------------


def card_url(entry):
    with translation.override(entry.paper.language):
        path = reverse(
            "roundtable:article", args=[entry.build.proceedings.event.slug, entry.paper_id]
        )
    return settings.SITE_URL + path


def in_own_language_first(paper, name):
    """[(language, text)] of a translated field, the paper's own language first."""
    written = cards.in_each_language(paper, name)
    return [
        (item["code"], item["text"])
        for item in sorted(written, key=lambda item: item["code"] != paper.language)
    ]


def oai_dc(parent, entry):
    """`entry`'s paper as unqualified Dublin Core (see the module's docstring)."""
    paper = entry.paper
    event = entry.build.proceedings.event
    reference = citations.reference(entry, url=card_url(entry))
    dc = etree.SubElement(
        parent,
        f"{{{OAI_DC}}}dc",
        {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {FORMATS['oai_dc'][0]}"},
        nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI},
    )

    def element(tag, text, language=None):
        if text:
            child = sub(dc, tag, text, namespace=DC)
            if language:
                child.set(XML_LANG, language)

    for language, title in in_own_language_first(paper, "title"):
        element("title", title, language)
    for name in reference.authors:
        element("creator", name.inverted)
    for language, keywords in in_own_language_first(paper, "keywords"):
        for word in split_keywords(keywords):
            element("subject", word, language)
    element("subject", f"UDC {paper.udc}" if paper.udc else "")
    for language, abstract in in_own_language_first(paper, "abstract"):
        element("description", abstract, language)
    element("publisher", reference.publisher, reference.language)
    element("date", str(reference.year))
    for kind in DC_TYPES:
        element("type", kind)
    element("format", "application/pdf")
    element("identifier", reference.url)
    paper_doi = doi(event, paper)
    element("identifier", f"https://doi.org/{paper_doi}" if paper_doi else "")
    element("source", cards.source(reference), reference.language)
    element("language", reference.language)


ANSWERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
METADATA = {"oai_dc": oai_dc}
