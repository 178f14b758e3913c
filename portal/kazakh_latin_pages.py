"""The Kazakh pages in the Latin alphabet (/kk-latn/…): the Kazakh page, its text converted.

The texts in the database are read as Kazakh (modeltranslation's fallback for kk-latn is kk), the
interface strings come from locale/kk_Latn, which `scripts/portal messages` generates from the
Kazakh catalogue, and what is left in Cyrillic is converted here, on the way out: every text node
of the rendered HTML and the attributes people read (title, alt, aria-label, placeholder, the
page's description), in Kazakh only. An element marked in another language (`lang="ru"`, a
Russian name on the Kazakh page) or `translate="no"` (the language switcher's names) keeps its
text, and so does everything in it; tags, other attributes (href, value), scripts, styles and
textareas (a form's text goes back as it was typed) are never touched. A `lang="kk"` inside the
page becomes `kk-Latn`, which is what its text now is.

The page cache sits outside this middleware, so a page is converted once per data version.
Feeds, the API, CSV files and the printed PDFs are not pages of this kind and stay in Cyrillic;
the PDF links of a Latin page lead to the Kazakh PDFs.
"""

import re

from django.utils import translation

from portal.kazakh_latin import to_latin

LATIN = "kk-latn"
KAZAKH = {"kk", "kk-latn"}
# Elements whose content is not HTML: copied up to their end tag as they are.
RAW_TEXT = {
    name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style", "textarea")
}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>|<!--.*?-->|<![^>]*>", re.DOTALL)
LANG = re.compile(r'\slang="([^"]*)"')
# lang and xml:lang (which XHTML-minded tags such as Dublin Core's carry beside it) alike.
LANG_ATTRIBUTES = re.compile(r'(\s(?:xml:)?lang=")[^"]*"')
NO_TRANSLATE = re.compile(r'\stranslate="no"')
READ_ATTRIBUTE = re.compile(r'(\s(?:title|alt|aria-label|placeholder)=")([^"]*)(")')
META_CONTENT = re.compile(r'(\scontent=")([^"]*)(")')
READ_META = re.compile(r'\s(?:name="description"|property="og:(?:title|description|site_name)")')


class KazakhLatinPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            translation.get_language_from_path(request.path_info) == LATIN
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and not response.has_header("Content-Encoding")
        ):
            response.content = to_latin_page(response.content.decode(response.charset))
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def to_latin_page(html):
    """`html` with its Kazakh text in the Latin alphabet (see the module's docstring)."""
    out = []
    # Open elements that set what their content is: [tag, nested same tags, converted?].
    scopes = []
    position = 0
    for match in TAG.finditer(html):
        if match.start() < position:  # inside a script, style or textarea already copied
            continue
        converting = scopes[-1][2] if scopes else True
        text = html[position : match.start()]
        out.append(to_latin(text) if converting else text)
        position = match.end()
        closing, name, attributes = match.groups()
        if name is None:  # a comment or the doctype
            out.append(match[0])
            continue
        name = name.lower()
        if closing:
            if scopes and scopes[-1][0] == name:
                if scopes[-1][1]:
                    scopes[-1][1] -= 1
                else:
                    scopes.pop()
            out.append(match[0])
            continue
        lang = LANG.search(attributes)
        if lang or NO_TRANSLATE.search(attributes):
            own = bool(lang) and lang[1].lower() in KAZAKH and not NO_TRANSLATE.search(attributes)
            if own:
                attributes = LANG_ATTRIBUTES.sub(r'\1kk-Latn"', attributes)
            if name not in VOID and not attributes.endswith("/"):
                scopes.append([name, 0, own])
            converting = own
        elif scopes and scopes[-1][0] == name and name not in VOID:
            scopes[-1][1] += 1
        if converting:
            attributes = READ_ATTRIBUTE.sub(_convert_value, attributes)
            # A meta tag marked Kazakh (Dublin Core's DC.title) describes the page in Kazakh.
            if name == "meta" and (READ_META.search(attributes) or lang):
                attributes = META_CONTENT.sub(_convert_value, attributes)
        out.append(f"<{name}{attributes}>")
        if name in RAW_TEXT:
            end_tag = RAW_TEXT[name].search(html, position)
            end = end_tag.start() if end_tag else len(html)
            out.append(html[position:end])
            position = end
    out.append(to_latin(html[position:]) if not scopes or scopes[-1][2] else html[position:])
    return "".join(out)


def _convert_value(match):
    return match[1] + to_latin(match[2]) + match[3]
