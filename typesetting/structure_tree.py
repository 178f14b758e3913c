"""Tagged PDFs merged into one tagged PDF: their structure trees joined under one root.

A tagged PDF tells a screen reader or an indexer what its marks are (headings, paragraphs,
lists, figures, links) and in which language to read them. Each document WeasyPrint typesets
with `pdf_tags` carries a tree of structure elements whose leaves point into the page content
(marked-content ids per page) and at link annotations; a ParentTree maps each page's
/StructParents key and each annotation's /StructParent key back to the elements.

pypdf copies pages but not the structure tree (it drops the pages' /StructParents), so a book
merged from separately typeset parts would lose its tags. `join` copies each part's tree under a
/Part element of one /Document, gives the part its own /Lang (a Russian paper is read as Russian
inside a Kazakh book) and /T (its title), and renumbers the ParentTree keys, which each part
started at 0. Pages of untagged parts (an uploaded PDF without tags) keep no stale keys.

`marked_outside` reads the tree back: which marks of a page lie outside an element of a given
type (an offprint's first page finds the section heading above its paper so).
"""

from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

STRUCT_ELEM = NameObject("/StructElem")


@dataclass
class TaggedPart:
    reader: PdfReader
    first_index: int  # the index in the merged writer of the part's first page
    lang: str = ""  # its /Lang when the part sets none itself
    title: str = ""


def join(writer: PdfWriter, parts, *, lang=""):
    """Give `writer`, whose pages include those of `parts` (TaggedPart), one structure tree."""
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    document = DictionaryObject(
        {
            NameObject("/Type"): STRUCT_ELEM,
            NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): root_ref,
            NameObject("/K"): ArrayObject(),
        }
    )
    document_ref = writer._add_object(document)
    joiner = _Joiner(writer)
    role_map = DictionaryObject()
    for part in parts:
        pages = writer.pages[part.first_index : part.first_index + len(part.reader.pages)]
        tree = part.reader.root_object.get("/StructTreeRoot")
        if tree is None:
            joiner.untag(pages)
            continue
        tree = tree.get_object()
        role_map.update(tree.get("/RoleMap", {}))
        element = joiner.join_part(part, pages, tree, document_ref)
        if element is not None:
            document["/K"].append(element)
    root[NameObject("/K")] = ArrayObject([document_ref])
    root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): joiner.nums})
    )
    root[NameObject("/ParentTreeNextKey")] = NumberObject(joiner.next_key)
    if role_map:
        root[NameObject("/RoleMap")] = role_map
    catalog = writer.root_object
    catalog[NameObject("/StructTreeRoot")] = root_ref
    catalog[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    preferences = DictionaryObject(catalog.get("/ViewerPreferences", {}))
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    catalog[NameObject("/ViewerPreferences")] = preferences
    if lang:
        catalog[NameObject("/Lang")] = TextStringObject(lang)


def number_tree(node):
    """The (key, value) pairs of a PDF number tree, its /Kids followed."""
    node = node.get_object()
    nums = node.get("/Nums", [])
    pairs = [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", []):
        pairs += number_tree(kid)
    return pairs


class _Joiner:
    def __init__(self, writer):
        self.writer = writer
        self.nums = ArrayObject()
        self.next_key = 0

    def untag(self, pages):
        for page in pages:
            for annotation in annotations(page):
                annotation.pop("/StructParent", None)

    def join_part(self, part, pages, tree, parent):
        reader_pages = part.reader.pages
        self.pages = {
            page.indirect_reference.idnum: new.indirect_reference
            for page, new in zip(reader_pages, pages, strict=True)
        }
        self.annotations = {}
        for page, new in zip(reader_pages, pages, strict=True):
            old, copied = annotations(page, refs=True), annotations(new, refs=True)
            if len(old) == len(copied):
                self.annotations.update(
                    {ref.idnum: new_ref for ref, new_ref in zip(old, copied, strict=True)}
                )
        self.elements = {}
        kids = tree.get("/K")
        kids = kids.get_object() if kids is not None else ArrayObject()
        if not isinstance(kids, ArrayObject):
            kids = ArrayObject([tree.raw_get("/K")])
        element = DictionaryObject(
            {
                NameObject("/Type"): STRUCT_ELEM,
                NameObject("/S"): NameObject("/Part"),
                NameObject("/P"): parent,
            }
        )
        element_ref = self.writer._add_object(element)
        # WeasyPrint's tree has one /Document element: its children become the part's.
        if len(kids) == 1 and kids[0].get_object().get("/S") == "/Document":
            kids = kids[0].get_object().get("/K", ArrayObject())
        element[NameObject("/K")] = self.kids(kids, element_ref)
        lang = part.reader.root_object.get("/Lang") or part.lang
        if lang:
            element[NameObject("/Lang")] = TextStringObject(str(lang))
        if part.title:
            element[NameObject("/T")] = TextStringObject(part.title)
        self.parent_tree(part, reader_pages, pages, tree)
        return element_ref

    def parent_tree(self, part, reader_pages, pages, tree):
        if "/ParentTree" not in tree:
            return
        by_page_key = {
            int(page["/StructParents"]): new
            for page, new in zip(reader_pages, pages, strict=True)
            if "/StructParents" in page
        }
        by_annotation_key = {}
        for page in reader_pages:
            for ref in annotations(page, refs=True):
                annotation = ref.get_object()
                if "/StructParent" in annotation and ref.idnum in self.annotations:
                    key = int(annotation["/StructParent"])
                    by_annotation_key[key] = self.annotations[ref.idnum].get_object()
        for key, value in number_tree(tree["/ParentTree"]):
            new_key = NumberObject(self.next_key)
            if key in by_page_key:
                by_page_key[key][NameObject("/StructParents")] = new_key
                value = ArrayObject(self.element(item) for item in value.get_object())
            elif key in by_annotation_key:
                by_annotation_key[key][NameObject("/StructParent")] = new_key
                value = self.element(value)
            else:
                continue
            self.nums += [new_key, value]
            self.next_key += 1

    def element(self, ref):
        """The copy of an element the ParentTree names (null for an unused marked-content id)."""
        if isinstance(ref, IndirectObject) and ref.idnum in self.elements:
            return self.elements[ref.idnum]
        return NullObject()

    def kids(self, value, parent):
        items = value.get_object()
        if not isinstance(items, ArrayObject):
            items = [value]
        copies = [copy for item in items if (copy := self.kid(item, parent)) is not None]
        return ArrayObject(copies)

    def kid(self, item, parent):
        """A copy of a /K entry: a marked-content id, a content or object reference, an element."""
        target = item.get_object()
        if isinstance(target, NumberObject):
            return target
        if target.get("/Type") in ("/MCR", "/OBJR"):
            reference = DictionaryObject(
                {key: value for key, value in target.items() if key not in ("/Pg", "/Obj")}
            )
            if "/Pg" in target:
                reference[NameObject("/Pg")] = self.pages[target.raw_get("/Pg").idnum]
            if "/Obj" in target:
                annotation = self.annotations.get(target.raw_get("/Obj").idnum)
                if annotation is None:  # an annotation pypdf did not copy
                    return None
                reference[NameObject("/Obj")] = annotation
            return reference
        return self.copy_element(item, target, parent)

    def copy_element(self, item, element, parent):
        copy = DictionaryObject()
        ref = self.writer._add_object(copy)
        if isinstance(item, IndirectObject):
            self.elements[item.idnum] = ref
        for key, value in element.items():
            if key == "/P":
                copy[NameObject("/P")] = parent
            elif key == "/Pg":
                page = self.pages.get(element.raw_get("/Pg").idnum)
                if page is not None:
                    copy[NameObject("/Pg")] = page
            elif key == "/K":
                copy[NameObject("/K")] = self.kids(element.raw_get("/K"), ref)
            elif key != "/NS":  # PDF 2.0 namespaces, which the merged 1.7 file does not declare
                copy[NameObject(key)] = value.clone(self.writer)
        return ref


def annotations(page, *, refs=False):
    """A page's annotations (their references when `refs`)."""
    items = page.get("/Annots")
    if items is None:
        return []
    items = list(items.get_object())
    return items if refs else [item.get_object() for item in items]


def marked_outside(reader, page, structure_type):
    """The marked-content ids on `page` (of the tagged PDF `reader`) whose structure elements
    are not inside an element of `structure_type` ("/Art", say); none in an untagged PDF."""
    tree = reader.root_object.get("/StructTreeRoot")
    key = page.get("/StructParents")
    if tree is None or key is None:
        return set()
    elements = dict(number_tree(tree.get_object()["/ParentTree"])).get(int(key))
    if elements is None:
        return set()
    outside = set()
    for mcid, element in enumerate(elements.get_object()):
        node = element.get_object()
        if not isinstance(node, DictionaryObject):
            continue  # an id no content uses
        while node is not None and node.get("/S") != structure_type:
            parent = node.get("/P")
            node = parent.get_object() if parent is not None else None
        if node is None:
            outside.add(mcid)
    return outside
