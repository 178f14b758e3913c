import io
import re

from pypdf import PdfReader, PdfWriter

from typesetting import structure_tree
from typesetting.printing import lay_out


def tagged(html):
    return PdfReader(io.BytesIO(lay_out(html).write_pdf(pdf_tags=True, pdf_version="1.7")))


KAZAKH = """<html lang="kk"><body><h1>Құқықтық мемлекет</h1><p>Бірінші бет.</p>
<p style="break-before: page">Екінші бет, <a href="https://example.org/kk">сілтеме</a>.</p>
</body></html>"""
RUSSIAN = """<html lang="ru"><body><h1>Правовое государство</h1>
<p>Текст статьи <a href="https://example.org/ru">со ссылкой</a>.</p></body></html>"""


def merged(*readers, titles=()):
    writer = PdfWriter()
    parts, index = [], 0
    for reader, title in zip(readers, titles, strict=True):
        writer.append(reader)
        parts.append(structure_tree.TaggedPart(reader, index, title=title))
        index += len(reader.pages)
    structure_tree.join(writer, parts, lang="kk")
    output = io.BytesIO()
    writer.write(output)
    return PdfReader(output)


def parent_tree(reader):
    root = reader.root_object["/StructTreeRoot"]
    return dict(structure_tree.number_tree(root["/ParentTree"]))


def page_of(element):
    while "/Pg" not in element:
        element = element["/P"].get_object()
    return element["/Pg"].get_object()


def test_each_part_is_a_part_of_one_document_in_its_own_language():
    reader = merged(tagged(KAZAKH), tagged(RUSSIAN), titles=("Қазақша", "По-русски"))

    root = reader.root_object
    assert root["/Lang"] == "kk" and root["/MarkInfo"]["/Marked"]
    (document,) = root["/StructTreeRoot"]["/K"]
    document = document.get_object()
    assert document["/S"] == "/Document"
    parts = [kid.get_object() for kid in document["/K"]]
    assert [(p["/S"], p["/Lang"], p["/T"]) for p in parts] == [
        ("/Part", "kk", "Қазақша"),
        ("/Part", "ru", "По-русски"),
    ]
    headings = [kid.get_object() for part in parts for kid in part["/K"]]
    assert [h["/S"] for h in headings][:1] == ["/H1"]


def test_every_marked_content_on_every_page_leads_back_to_its_element_on_that_page():
    reader = merged(tagged(KAZAKH), tagged(RUSSIAN), titles=("kk", "ru"))
    tree = parent_tree(reader)

    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == len(keys) == 3
    for page in reader.pages:
        ids = [int(n) for n in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())]
        elements = tree[page["/StructParents"]]
        assert ids and len(elements) == max(ids) + 1
        for mcid in ids:
            element = elements[mcid].get_object()
            assert page_of(element).indirect_reference == page.indirect_reference


def test_each_link_annotation_is_the_object_of_its_link_element():
    reader = merged(tagged(KAZAKH), tagged(RUSSIAN), titles=("kk", "ru"))
    tree = parent_tree(reader)

    links = [
        annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])
    ]
    assert [link["/A"]["/URI"] for link in links] == [
        "https://example.org/kk",
        "https://example.org/ru",
    ]
    keys = [link["/StructParent"] for link in links]
    assert len(set(keys) | {page["/StructParents"] for page in reader.pages}) == 5
    for link in links:
        element = tree[link["/StructParent"]].get_object()
        assert element["/S"] == "/Link"
        objects = [kid.get_object() for kid in element["/K"]]
        assert any(
            kid.get("/Type") == "/OBJR" and kid["/Obj"].get_object() == link for kid in objects
        )


def test_an_untagged_part_keeps_no_stale_keys():
    untagged = PdfReader(io.BytesIO(lay_out(KAZAKH).write_pdf()))
    reader = merged(untagged, tagged(RUSSIAN), titles=("kk", "ru"))

    assert "/StructParents" not in reader.pages[0]
    (document,) = reader.root_object["/StructTreeRoot"]["/K"]
    assert [kid.get_object()["/Lang"] for kid in document.get_object()["/K"]] == ["ru"]
