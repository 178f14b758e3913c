"""Line spans folded into their paragraphs: read back with pypdf, as the book's merge reads them."""

import io
import re

import pikepdf
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, NumberObject

from typesetting import structure_tree
from typesetting.line_spans import without_line_spans
from typesetting.printing import lay_out

LONG = " ".join(["Қоғамдық қауіпсіздік мемлекет пен азаматтық қоғамның өзара іс-қимылы."] * 60)
HTML = f"""<html lang="kk"><body><h1>Құқықтық мемлекет</h1>
<p>{LONG}</p>
<p>Мақала <a href="https://example.org">сілтеме</a> туралы.</p>
</body></html>"""


def typeset(html):
    return lay_out(html).write_pdf(pdf_tags=True, pdf_version="1.7")


def with_said_span(pdf):
    """`pdf` with its last span saying what it reads as: such a span is more than a line."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pending, last = [document.Root.StructTreeRoot.K], None
        while pending:
            node = pending.pop(0)
            if isinstance(node, pikepdf.Array):
                pending += list(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                last = node if node.S == "/Span" else last
                pending += [node.K] if "/K" in node else []
        last.ActualText = pikepdf.String("rule of law")
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


def elements(reader):
    pending, found = [reader.root_object["/StructTreeRoot"]["/K"]], []
    while pending:
        node = pending.pop().get_object()
        items = list(node) if isinstance(node, list) else [node]
        for item in items:
            item = item.get_object()
            if isinstance(item, DictionaryObject) and "/S" in item:
                found.append(item)
                if "/K" in item:
                    pending.append(item["/K"])
    return found


def owned_marks(element):
    """(page object number, marked-content id) of each mark the element itself holds."""
    kids = element["/K"].get_object()
    kids = list(kids) if isinstance(kids, list) else [kids]
    marks = set()
    for kid in kids:
        kid = kid.get_object()
        if isinstance(kid, NumberObject):
            marks.add((element.raw_get("/Pg").idnum, int(kid)))
        elif kid.get("/Type") == "/MCR":
            marks.add((kid.raw_get("/Pg").idnum, int(kid["/MCID"])))
    return marks


def test_plain_line_spans_go_and_each_mark_belongs_to_the_element_the_parent_tree_names():
    pdf = with_said_span(typeset(HTML))
    before = PdfReader(io.BytesIO(pdf))
    after = PdfReader(io.BytesIO(without_line_spans(pdf)))

    spans = [e for e in elements(before) if e["/S"] == "/Span"]
    kept = [e for e in elements(after) if e["/S"] == "/Span"]
    assert len(spans) > 30 and len(after.pages) == len(before.pages) == 2
    # A span that says something stays.
    assert [span.get("/ActualText") for span in kept] == ["rule of law"]

    # Every mark a page draws is named in the ParentTree by an element of the tree that holds it.
    tree = dict(structure_tree.number_tree(after.root_object["/StructTreeRoot"]["/ParentTree"]))
    in_tree = {id(element) for element in elements(after)}
    for page in after.pages:
        ids = {int(m) for m in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())}
        owners = tree[int(page["/StructParents"])]
        for mcid in ids:
            owner = owners[mcid].get_object()
            assert id(owner) in in_tree
            assert (page.indirect_reference.idnum, mcid) in owned_marks(owner)

    # The text reads as before.
    assert [p.extract_text() for p in after.pages] == [p.extract_text() for p in before.pages]


def test_an_untagged_pdf_is_left_as_it_is():
    pdf = lay_out("<p>Бет</p>").write_pdf()
    assert without_line_spans(pdf) == pdf
