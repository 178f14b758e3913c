import datetime
import io

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter

from typesetting import xmp
from typesetting.printing import lay_out

MOMENT = datetime.datetime(
    2026, 5, 23, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
)
DESCRIPTION = xmp.Description(
    title="«Құқық & қоғам» дөңгелек үстелінің материалдары",
    lang="kk",
    created=MOMENT,
    authors=["Ахметов А.Б.", "Иванова С.П."],
    subject="Полиция және азаматтық қоғам",
    keywords=["полиция", "қоғам"],
    creator_tool="roundtable proceedings",
    producer="WeasyPrint, pypdf",
)


def written(*, archival=False, variant=None):
    source = lay_out("<html lang='kk'><p>Мәтін</p></html>").write_pdf(
        **({"pdf_variant": variant} if variant else {})
    )
    reader = PdfReader(io.BytesIO(source))
    writer = PdfWriter()
    writer.append(reader)
    xmp.describe(
        writer,
        DESCRIPTION,
        archival=archival,
        output_intents=reader.root_object.get("/OutputIntents"),
    )
    output = io.BytesIO()
    writer.write(output)
    return PdfReader(output)


def rdf_values(reader, namespace, name):
    tree = etree.fromstring(reader.root_object["/Metadata"].get_object().get_data())
    attributes = tree.xpath(f"//@*[local-name()='{name}']")
    elements = tree.xpath(f"//*[namespace-uri()='{xmp.NS[namespace]}' and local-name()='{name}']")
    return [str(a) for a in attributes] + ["".join(e.itertext()) for e in elements]


def test_the_info_dictionary_and_the_xmp_packet_say_the_same():
    reader = written()

    info, metadata = reader.metadata, reader.xmp_metadata
    assert info.title == metadata.dc_title["x-default"] == DESCRIPTION.title
    assert info.author == "Ахметов А.Б.; Иванова С.П."
    assert metadata.dc_creator == DESCRIPTION.authors
    assert metadata.dc_subject == ["полиция", "қоғам"]
    assert metadata.dc_language == ["kk"]
    assert info.producer == metadata.pdf_producer == "WeasyPrint, pypdf"
    assert info.creator == metadata.xmp_creator_tool == "roundtable proceedings"
    assert info.creation_date == MOMENT
    # pypdf gives the XMP date in UTC, without its zone.
    assert metadata.xmp_create_date == MOMENT.astimezone(datetime.UTC).replace(tzinfo=None)
    assert rdf_values(reader, "pdfuaid", "part") == ["1"]
    assert rdf_values(reader, "pdfaid", "part") == []
    stream = reader.root_object["/Metadata"].get_object()
    assert (stream["/Type"], stream["/Subtype"]) == ("/Metadata", "/XML")


def test_an_archival_file_claims_pdf_a_3u_with_its_output_intent():
    reader = written(archival=True, variant="pdf/a-3u")

    assert rdf_values(reader, "pdfaid", "part") == ["3"]
    assert rdf_values(reader, "pdfaid", "conformance") == ["U"]
    (intent,) = reader.root_object["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"


def test_an_archival_file_without_an_output_intent_is_refused():
    with pytest.raises(ValueError, match="output intent"):
        written(archival=True)
