"""The metadata a merged PDF declares itself with: the document information dictionary and the
same facts as an XMP packet (ISO 16684-1) in the catalog's /Metadata, with the conformance
claims readers and archives check: PDF/UA-1 for a tagged file (`pdfuaid:part`), PDF/A-3u for an
archival one (`pdfaid:part` 3, `pdfaid:conformance` U).

PDF/A wants the two to agree (title, authors, subject, keywords, producer, creator tool, dates),
so both are written here from one `Description`. An archival file also needs an output intent
(the colour space its colours mean: WeasyPrint's parts carry sRGB).
"""

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import NameObject

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
PACKET_BEGIN = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
PACKET_END = b'\n<?xpacket end="r"?>'


@dataclass
class Description:
    title: str
    lang: str
    created: datetime  # aware
    authors: list[str] = field(default_factory=list)
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    creator_tool: str = ""
    producer: str = ""


def describe(writer: PdfWriter, description, *, archival=False, output_intents=None):
    """Write `description` (a Description) into `writer` as its info dictionary and XMP packet.

    `archival` claims PDF/A-3u: then `output_intents` (an /OutputIntents array from one of the
    merged documents) is required. (The file identifier PDF/A also wants is written with the
    file: typesetting/object_streams.py.)
    """
    info = {
        "/Title": description.title,
        "/Author": "; ".join(description.authors),
        "/Subject": description.subject,
        "/Keywords": ", ".join(description.keywords),
        "/Creator": description.creator_tool,
        "/Producer": description.producer,
        "/CreationDate": pdf_date(description.created),
        "/ModDate": pdf_date(description.created),
    }
    writer.add_metadata({key: value for key, value in info.items() if value})
    writer.xmp_metadata = packet(description, archival=archival)
    stream = writer.root_object["/Metadata"].get_object()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    if archival:
        if output_intents is None:
            raise ValueError("A PDF/A file needs the output intent of its colours.")
        writer.root_object[NameObject("/OutputIntents")] = output_intents.clone(writer)


def packet(description, *, archival):
    """The XMP packet as bytes; it claims PDF/UA-1, as the book is tagged."""
    meta = etree.Element(f"{{{NS['x']}}}xmpmeta", nsmap={"x": NS["x"]})
    rdf = etree.SubElement(meta, f"{{{NS['rdf']}}}RDF", nsmap={"rdf": NS["rdf"]})

    def node(prefix, attributes=()):
        element = etree.SubElement(rdf, f"{{{NS['rdf']}}}Description", nsmap={prefix: NS[prefix]})
        element.set(f"{{{NS['rdf']}}}about", "")
        for name, value in attributes:
            child = etree.SubElement(element, f"{{{NS[prefix]}}}{name}")
            child.text = value
        return element

    dc = node("dc")
    listed(dc, "title", [description.title], "Alt")
    if description.authors:
        listed(dc, "creator", description.authors, "Seq")
    if description.subject:
        listed(dc, "description", [description.subject], "Alt")
    if description.keywords:
        listed(dc, "subject", description.keywords, "Bag")
    listed(dc, "language", [description.lang], "Bag")
    date = description.created.isoformat(timespec="seconds")
    node(
        "xmp",
        [("CreateDate", date), ("ModifyDate", date), ("MetadataDate", date)]
        + ([("CreatorTool", description.creator_tool)] if description.creator_tool else []),
    )
    pdf = [("Producer", description.producer)] if description.producer else []
    if description.keywords:
        pdf.append(("Keywords", ", ".join(description.keywords)))
    if pdf:
        node("pdf", pdf)
    node("pdfuaid", [("part", "1")])
    if archival:
        node("pdfaid", [("part", "3"), ("conformance", "U")])
    return PACKET_BEGIN + etree.tostring(meta, encoding="utf-8") + PACKET_END


def listed(parent, name, values, container):
    """dc:`name` as an rdf:Alt (its value in the default language), Seq (ordered) or Bag."""
    element = etree.SubElement(parent, f"{{{NS['dc']}}}{name}")
    items = etree.SubElement(element, f"{{{NS['rdf']}}}{container}")
    for value in values:
        item = etree.SubElement(items, f"{{{NS['rdf']}}}li")
        item.text = value
        if container == "Alt":
            item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")


def pdf_date(moment):
    """A PDF date string: D:YYYYMMDDHHmmSS+HH'mm'."""
    offset = moment.strftime("%z")
    return f"D:{moment:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"
