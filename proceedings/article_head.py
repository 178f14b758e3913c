"""What a paper's article head lacks: the head a collection prints above each article (authors
with their standing, organisation, city, country, e-mail and ORCID; UDC and IRSTI; title;
title, abstract and keywords in Kazakh, Russian and English: the English ones are also what the
English card, Scholar and the indexers read). The review page lists it, and acceptance is refused
while it is incomplete when the proceedings require the head."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HEAD_LANGUAGES = ("kk", "ru", "en")
LANGUAGE_NAMES = {
    "kk": gettext_lazy("Kazakh"),
    "ru": gettext_lazy("Russian"),
    "en": gettext_lazy("English"),
}


def missing(paper):
    """What `paper`'s head lacks, as translated phrases in the order the head prints them."""
    lacks = []
    for author in paper.authors.all():
        name = author.surname_kk or author.surname_ru or author.surname or ""
        for field, label in (
            ("organisation", _("organisation")),
            ("city", _("city")),
            ("country", _("country")),
            ("email", _("e-mail")),
            ("orcid", "ORCID"),
        ):
            if not (getattr(author, field, "") or "").strip():
                lacks.append(_("%(what)s of %(author)s") % {"what": label, "author": name})
    if not paper.udc:
        lacks.append(_("UDC"))
    if not paper.irsti:
        lacks.append(_("IRSTI (МРНТИ)"))
    for lang in HEAD_LANGUAGES:
        language = LANGUAGE_NAMES[lang]
        if not (getattr(paper, f"title_{lang}", "") or "").strip():
            lacks.append(_("title in %(language)s") % {"language": language})
        if not (getattr(paper, f"abstract_{lang}", "") or "").strip():
            lacks.append(_("abstract in %(language)s") % {"language": language})
        if not (getattr(paper, f"keywords_{lang}", "") or "").strip():
            lacks.append(_("keywords in %(language)s") % {"language": language})
    return lacks


def refusal(paper):
    """The message refusing `paper`'s acceptance, or "" when it may be accepted."""
    proceedings = getattr(paper.event, "proceedings", None)
    if proceedings is None or not proceedings.require_article_head:
        return ""
    lacks = missing(paper)
    if not lacks:
        return ""
    return _(
        "The paper cannot be accepted before its article head is complete. Missing: %(missing)s."
    ) % {"missing": "; ".join(lacks)}
