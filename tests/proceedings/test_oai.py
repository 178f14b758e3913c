"""/oai as harvesters read it: harvested with a real OAI-PMH client (oaipmh-scythe) from the live
server, and every answer valid against the OAI-PMH and oai_dc schemas (tests/proceedings/schemas/
oai/, see SOURCES.md there)."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig
from oaipmh_scythe.exceptions import (
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
)
from oaipmh_scythe.iterator import OAIResponseIterator

from proceedings import oai
from proceedings.models import BookBuild, Paper
from tests.factories import AuthorFactory, PaperFactory, ProceedingsFactory, RoundTableFactory
from tests.factories.books import finished_build, two_pages_each

SCHEMAS = Path(__file__).parent / "schemas" / "oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIX = "10.12345"
BUILT = datetime.datetime(2025, 6, 2, 10, 30, 15, 500000, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def schema():
    """The OAI-PMH schema with oai_dc and oai-identifier beside it, so that a record's metadata
    and Identify's description are checked too."""
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/"
                 schemaLocation="{(SCHEMAS / "OAI-PMH.xsd").as_uri()}"/>
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
                 schemaLocation="{(SCHEMAS / "oai_dc.xsd").as_uri()}"/>
      <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai-identifier"
                 schemaLocation="{(SCHEMAS / "oai-identifier.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper, base_url=SCHEMAS.as_uri() + "/"))


VALID = schema()


def valid(xml):
    document = etree.fromstring(xml)
    assert VALID.validate(document), VALID.error_log
    return document


def accepted(event, **fields):
    return PaperFactory(event=event, status=Paper.Status.ACCEPTED, **fields)


def built(proceedings, papers, when=BUILT):
    build = finished_build(proceedings, two_pages_each(papers))
    BookBuild.objects.filter(pk=build.pk).update(finished_at=when)
    return build


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.CROSSREF_DOI_PREFIX = PREFIX
    settings.DEFAULT_FROM_EMAIL = "Round tables <noreply@academy.example.kz>"
    return live_server


@pytest.fixture
def book(site):
    """Published proceedings of one round table: a Kazakh paper with its title, keywords and
    abstract in Kazakh, Russian and English and two authors; a Russian paper."""
    event = RoundTableFactory(slug="public-safety-2025")
    proceedings = ProceedingsFactory(event=event, published=True)
    kazakh = accepted(
        event,
        title_kk="Полиция және қоғам",
        title_ru="Полиция и общество",
        title_en="Police and society",
        keywords_en="police, society",
        abstract_en="The paper studies how the police and society work together.",
        udc="351.74",
    )
    AuthorFactory(paper=kazakh)
    AuthorFactory(paper=kazakh, surname_kk="Бегалиев", given_name_kk="Ерлан", patronymic_kk="")
    russian = accepted(event, language="ru", title_ru="Профилактика правонарушений", title_kk="")
    AuthorFactory(paper=russian)
    built(proceedings, [kazakh, russian])
    return kazakh, russian


def harvester(site, **options):
    return Scythe(f"{site.url}/oai", **options)


def pages(site, verb, **query):
    """Each answer of a list request, its resumption tokens followed, each checked against the
    schemas."""
    scythe = harvester(site, iterator=OAIResponseIterator)
    method = {"ListRecords": scythe.list_records, "ListIdentifiers": scythe.list_identifiers}
    return [valid(response.raw.encode()) for response in method[verb](**query)]


def answer(site, **query):
    """The document /oai answers to `query`, checked against the schemas (errors included)."""
    return valid(harvester(site).client.get(f"{site.url}/oai", params=query).content)


def identifier(paper):
    return f"oai:localhost:{paper.event.slug}/{paper.pk}"


def test_identify_names_the_repository_its_policy_and_granularity(book, site):
    identify = harvester(site).identify()

    answer(site, verb="Identify")
    assert identify.baseURL == f"{site.url}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.adminEmail == "noreply@academy.example.kz"
    assert identify.deletedRecord == "transient"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.earliestDatestamp == "2025-06-02T10:30:15Z"


def test_a_site_on_a_domain_describes_its_identifiers(book, site, settings):
    kazakh, _russian = book
    settings.SITE_URL = "https://roundtable.example.kz"

    document = answer(site, verb="Identify")

    scheme = "{http://www.openarchives.org/OAI/2.0/oai-identifier}"
    description = document.find(f".//{OAI}description/{scheme}oai-identifier")
    assert description.findtext(f"{scheme}repositoryIdentifier") == "roundtable.example.kz"
    assert description.findtext(f"{scheme}sampleIdentifier") == (
        f"oai:roundtable.example.kz:public-safety-2025/{kazakh.pk}"
    )
    assert document.findtext(f".//{OAI}baseURL") == "https://roundtable.example.kz/oai"


def test_the_formats_and_a_set_per_published_round_table(book, site):
    ProceedingsFactory(published=False)
    scythe = harvester(site)

    formats = list(scythe.list_metadata_formats())
    sets = list(scythe.list_sets())

    answer(site, verb="ListMetadataFormats")
    answer(site, verb="ListSets")
    assert [f.metadataPrefix for f in formats] == ["oai_dc"]
    assert [(s.setSpec, s.setName) for s in sets] == [
        ("public-safety-2025", "Proceedings of the round table “Public safety”")
    ]
    with pytest.raises(IdDoesNotExist):
        list(scythe.list_metadata_formats(identifier="oai:localhost:public-safety-2025/999"))


def test_a_harvest_reads_each_paper_once_in_every_language_it_is_written_in(book, site):
    kazakh, russian = book

    (document,) = pages(site, "ListRecords", metadata_prefix="oai_dc")
    records = {r.header.identifier: r for r in harvester(site).list_records()}

    assert set(records) == {identifier(kazakh), identifier(russian)}
    header = records[identifier(kazakh)].header
    assert header.datestamp == "2025-06-02T10:30:15Z"
    assert header.setSpecs == ["public-safety-2025"]
    dc = document.find(f".//{OAI}record/{OAI}metadata/*")
    titles = [(t.get(LANG), t.text) for t in dc.iter(f"{DC}title")]
    assert titles == [
        ("kk", "Полиция және қоғам"),
        ("ru", "Полиция и общество"),
        ("en", "Police and society"),
    ]
    metadata = records[identifier(kazakh)].metadata
    assert metadata["creator"] == ["Ахманов, Асқар Төлегенұлы", "Бегалиев, Ерлан"]
    assert {"полиция", "police", "UDC 351.74"} <= set(metadata["subject"])
    assert "The paper studies how the police and society work together." in metadata["description"]
    card = f"{site.url}/kk/public-safety-2025/proceedings/{kazakh.pk}/"
    assert metadata["identifier"] == [
        card,
        f"https://doi.org/{PREFIX}/public-safety-2025.{kazakh.pk}",
    ]
    assert metadata["language"] == ["kk"]
    assert metadata["date"] == ["2025"]
    assert metadata["source"][0].endswith("2025, ISBN 978-601-7943-57-8, 3–4")
    russian_card = records[identifier(russian)].metadata["identifier"][0]
    assert russian_card == f"{site.url}/ru/public-safety-2025/proceedings/{russian.pk}/"


def test_get_record_gives_one_paper_and_names_an_unknown_one_as_such(book, site):
    kazakh, _russian = book
    scythe = harvester(site)

    record = scythe.get_record(identifier=identifier(kazakh), metadata_prefix="oai_dc")

    answer(site, verb="GetRecord", identifier=identifier(kazakh), metadataPrefix="oai_dc")
    assert record.metadata["title"][0] == "Полиция және қоғам"
    with pytest.raises(IdDoesNotExist):
        scythe.get_record(identifier="oai:localhost:public-safety-2025/0", metadata_prefix="oai_dc")


def test_a_long_list_comes_in_pages_that_resumption_tokens_join(book, site, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    kazakh, russian = book

    documents = pages(site, "ListIdentifiers", metadata_prefix="oai_dc")
    headers = list(harvester(site).list_identifiers())

    assert [h.identifier for h in headers] == [identifier(kazakh), identifier(russian)]
    tokens = [d.find(f".//{OAI}resumptionToken") for d in documents]
    assert [(t.get("cursor"), t.get("completeListSize")) for t in tokens] == [
        ("0", "2"),
        ("1", "2"),
    ]
    assert tokens[0].text
    assert not tokens[1].text


def test_from_until_and_set_harvest_what_changed_where(book, site):
    later = RoundTableFactory(slug="cyber-2026")
    proceedings = ProceedingsFactory(event=later, published=True)
    paper = accepted(later, title_kk="Киберқауіпсіздік")
    AuthorFactory(paper=paper)
    built(proceedings, [paper], when=datetime.datetime(2026, 3, 1, 9, 0, 0, tzinfo=datetime.UTC))
    scythe = harvester(site)

    since = [h.identifier for h in scythe.list_identifiers(from_="2026-01-01")]
    until = [h.identifier for h in scythe.list_identifiers(until="2025-06-02T10:30:15Z")]
    in_set = [h.identifier for h in scythe.list_identifiers(set_="cyber-2026")]

    assert since == in_set == [identifier(paper)]
    assert until == [identifier(p) for p in book]
    with pytest.raises(NoRecordsMatch):
        list(scythe.list_identifiers(until="2025-06-02T10:30:14Z"))


def test_a_paper_the_new_book_leaves_out_is_a_deleted_record(book, site):
    kazakh, russian = book
    proceedings = kazakh.event.proceedings
    rebuilt = datetime.datetime(2025, 9, 1, 8, 0, 0, tzinfo=datetime.UTC)
    built(proceedings, [kazakh], when=rebuilt)

    records = {r.header.identifier: r for r in harvester(site).list_records()}
    withdrawn = harvester(site).get_record(identifier=identifier(russian), metadata_prefix="oai_dc")

    assert records[identifier(russian)].header.deleted
    assert records[identifier(russian)].header.datestamp == "2025-09-01T08:00:00Z"
    assert not records[identifier(kazakh)].header.deleted
    assert withdrawn.deleted
    answer(site, verb="GetRecord", identifier=identifier(russian), metadataPrefix="oai_dc")


def test_unpublished_proceedings_are_not_harvested(book, site):
    kazakh, _russian = book
    kazakh.event.proceedings.__class__.objects.update(published=False)

    with pytest.raises(IdDoesNotExist):
        harvester(site).get_record(identifier=identifier(kazakh), metadata_prefix="oai_dc")
    with pytest.raises(NoRecordsMatch):
        list(harvester(site).list_identifiers())


@pytest.mark.parametrize(
    ("query", "error", "code"),
    [
        ({"verb": "Harvest"}, BadVerb, "badVerb"),
        ({"verb": "ListRecords"}, BadArgument, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "June"},
            BadArgument,
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2025-06-03",
                "until": "2025-06-01",
            },
            BadArgument,
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2025-06-01",
                "until": "2025-06-03T00:00:00Z",
            },
            BadArgument,
            "badArgument",
        ),
        ({"verb": "Identify", "set": "x"}, BadArgument, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "marc21"},
            CannotDisseminateFormat,
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "none"},
            NoRecordsMatch,
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "not-a-token"},
            BadResumptionToken,
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": oai.token({"metadataPrefix": "oai_dc"}, 50)},
            BadResumptionToken,
            "badResumptionToken",
        ),
        (
            {"verb": "ListIdentifiers", "resumptionToken": oai.token({}, 1)},
            BadResumptionToken,
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
            BadArgument,
            "badArgument",
        ),
    ],
)
def test_errors_are_the_ones_the_protocol_names(book, site, query, error, code):
    with pytest.raises(error):
        harvester(site).harvest(query)

    document = answer(site, **query)
    (element,) = document.findall(f"{OAI}error")
    assert element.get("code") == code
    request = document.find(f"{OAI}request")
    assert request.text == f"{site.url}/oai"
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}
    else:
        assert request.get("verb") == query["verb"]


def test_a_post_is_answered_like_a_get(book, site):
    scythe = harvester(site, http_config=HTTPConfig(http_method="POST"))

    assert len(list(scythe.list_identifiers())) == 2


def test_listing_records_costs_as_many_queries_for_two_papers_as_for_eight(book, site):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            valid(oai.respond(QueryDict("verb=ListRecords&metadataPrefix=oai_dc")))
        return len(captured)

    two = queries()
    event = book[0].event
    more = [accepted(event) for _ in range(6)]
    for paper in more:
        AuthorFactory(paper=paper)
    built(event.proceedings, [*book, *more], when=BUILT + datetime.timedelta(days=1))

    assert queries() == two == 3
