"""A tagged PDF without the /Span element WeasyPrint makes of every line.

WeasyPrint tags each line of a paragraph as a /Span of its own, with nothing to say but where
its marks are: in a paper, eight of ten structure elements are such spans. They tell a screen
reader nothing the paragraph does not, and they are what the book's merge spends most of its
time on (pypdf reads, copies and writes every element). `without_line_spans` gives their
marked content to the element above them and drops them, in the process that typeset the
document, with qpdf. A span that says more (/ActualText, /Alt, a /Lang) stays, as does one on
another page than its parent's.
"""

import io

import pikepdf

# The keys of a span that only groups marks.
PLAIN = {"/Type", "/S", "/P", "/K", "/Pg"}


def without_line_spans(pdf):
    """`pdf` (bytes) with its plain /Span elements folded into their parents; the same bytes when
    it is not tagged."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf
        owners = {}  # (object, generation) of a span dropped → the element that took its marks
        stack = [tree]
        while stack:
            element = stack.pop()
            for kid in fold(element, owners):
                if is_element(kid):
                    stack.append(kid)
        give_marks_to_owners(tree.get("/ParentTree"), owners)
        output = io.BytesIO()
        document.save(output, compress_streams=True, recompress_flate=False)
        return output.getvalue()


def fold(element, owners):
    """Replace the plain spans among `element`'s kids by their own kids; returns the new kids."""
    kids = element.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    folded = []
    for item in items:
        if is_plain_span(item, element):
            folded += marks_of(item, element, owners)
        else:
            folded.append(item)
    if folded != items:
        element.K = pikepdf.Array(folded)
    return folded


def marks_of(span, owner, owners):
    """The kids of the plain `span`, which lies on its `owner`'s page, as kids of `owner`."""
    owners[span.objgen] = owner
    kids = span.get("/K")
    items = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    marks = []
    for item in items:
        if is_plain_span(item, owner):
            marks += marks_of(item, owner, owners)
        else:
            if is_element(item):
                item.P = owner
            marks.append(item)
    return marks


def give_marks_to_owners(parent_tree, owners):
    """Point the ParentTree's entries for the dropped spans at the elements that took their
    marks."""
    pending = [parent_tree] if parent_tree is not None else []
    while pending:
        node = pending.pop()
        pending += list(node.get("/Kids", []))
        nums = node.get("/Nums", [])
        for index in range(1, len(nums), 2):
            entry = nums[index]
            if isinstance(entry, pikepdf.Array):
                for position, element in enumerate(entry):
                    if is_element(element) and element.objgen in owners:
                        entry[position] = owners[element.objgen]
            elif is_element(entry) and entry.objgen in owners:
                nums[index] = owners[entry.objgen]


def is_element(item):
    return isinstance(item, pikepdf.Dictionary) and "/S" in item


def is_plain_span(item, owner):
    """Whether `item` is a span that only groups marks on its `owner`'s page (WeasyPrint gives
    each page's share of a paragraph an element of its own)."""
    return (
        is_element(item)
        and item.S == "/Span"
        and set(item.keys()) <= PLAIN
        and same_page(item, owner)
    )


def same_page(item, owner):
    page, owner_page = item.get("/Pg"), owner.get("/Pg")
    return page is None or (owner_page is not None and page.objgen == owner_page.objgen)
