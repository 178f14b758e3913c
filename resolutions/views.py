"""Public pages of a round table's resolution: the text, its versions and amendments.

Who may do what is decided in `resolutions.drafting`; these views read the request, ask the rules
and show the answer.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from modeltranslation.utils import get_language, resolution_order  # kk on /kk-latn/ pages

from portal import page_cache
from portal.templatetags.languages import written_in
from resolutions import drafting, exports, permissions
from resolutions.forms import AmendmentForm, CompareForm, DecisionForm, StatusForm
from resolutions.models import Amendment, Resolution, ResolutionSection
from roundtable import permissions as roundtable_permissions

Status = Resolution.Status
LANGUAGE_NAMES = dict(settings.WRITTEN_LANGUAGES)
PEOPLE = ("created_by__person",)

# What the button that moves the resolution to a status says.
MOVE_LABELS = {
    Status.DRAFT: gettext_lazy("Return to draft"),
    Status.DISCUSSION: gettext_lazy("Open the discussion"),
    Status.ADOPTED: gettext_lazy("Adopt"),
    Status.PUBLISHED: gettext_lazy("Publish"),
}
REOPEN_LABEL = gettext_lazy("Reopen for discussion")
UNPUBLISH_LABEL = gettext_lazy("Withdraw publication")

EXPORTS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# --- Finding the resolution --------------------------------------------------------------------


def event_resolution(request, slug):
    """The visible round table and its resolution, or 404."""
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    try:
        document = event.resolution
    except Resolution.DoesNotExist:
        raise Http404 from None
    document.event = event
    return event, document


def readable(request, slug):
    """As `event_resolution`, for those who may read it; a 404 hides it from others."""
    event, document = event_resolution(request, slug)
    if not permissions.can_view(request.user, document):
        raise Http404
    return event, document


def with_text(document):
    """Load the sections and their items in two queries."""
    sections = ResolutionSection.objects.prefetch_related("items")
    prefetch_related_objects([document], Prefetch("sections", queryset=sections))
    return document


def page_context(request, event, document, page, **extra):
    """What every resolution page shows around its own part: the event, the tabs."""
    return {
        "event": event,
        "resolution": document,
        "section": "resolution",
        "page": page,
        "organiser": permissions.is_organiser(request.user),
        **extra,
    }


def numbering(document):
    """Where each section and item stands as printed: {section pk: "2"}, {item pk: "2.3"}."""
    sections, items = {}, {}
    for number, section in enumerate(document.sections.all(), start=1):
        sections[section.pk] = str(number)
        for index, item in enumerate(section.items.all(), start=1):
            items[item.pk] = f"{number}.{index}"
    return sections, items


def target_of(amendment, sections, items):
    """What an amendment changes, in words: 'Item 2.3', or 'A new item in section 2'."""
    if amendment.item_id:
        return _("Item %(number)s") % {"number": items.get(amendment.item_id, "?")}
    return _("A new item in section %(number)s") % {
        "number": sections.get(amendment.section_id, "?")
    }


# --- The text --------------------------------------------------------------------------------


def field(obj, name, language):
    """A translated field as (text, language): in `language` exactly, or the active one's."""
    if language:
        return {"text": getattr(obj, f"{name}_{language}") or "", "lang": language}
    return {"text": getattr(obj, name) or "", "lang": written_in(obj, name)}


def text_in(document, language, taken):
    """The resolution's text as the page shows it: in `language`, or None for the page language
    (each text falling back as the model does, with its own language)."""
    sections = []
    for number, section in enumerate(document.sections.all(), start=1):
        items = [
            {**field(item, "text", language), "pk": item.pk, "taken": taken.get(item.pk, [])}
            for item in section.items.all()
        ]
        sections.append(
            {
                "number": number,
                "heading": field(section, "heading", language),
                "lead": field(section, "lead", language),
                "pk": section.pk,
                # A missing translation keeps its place in a column (marked), so the two
                # languages still pair item by item.
                "items": items if language else [item for item in items if item["text"]],
            }
        )
    return {
        "code": language,
        "name": LANGUAGE_NAMES.get(language, ""),
        "title": field(document, "title", language),
        "preamble": field(document, "preamble", language),
        "sections": sections,
        "closing": field(document, "closing", language),
    }


def move_of(document, status):
    """One of the organisers' buttons: what it says and what its form asks for."""
    reopening = document.is_frozen and status == Status.DISCUSSION
    label = MOVE_LABELS[status]
    if reopening:
        label = REOPEN_LABEL
    elif document.status == Status.PUBLISHED and status == Status.ADOPTED:
        label = UNPUBLISH_LABEL
    adopting = status == Status.ADOPTED and document.status != Status.PUBLISHED
    return {
        "status": status.value,
        "label": label,
        "needs_reason": reopening,
        "adoption_date": drafting.adoption_date(document) if adopting else None,
        "takes_back": drafting.takes_back(document, status),
    }


def move_buttons(document):
    """The organisers' buttons: every move drafting allows now, the next step forward first."""
    return [move_of(document, status) for status in drafting.ordered_moves(document)]


@page_cache.public_page(query={"both": {"1"}})
def resolution(request, slug):
    event, document = readable(request, slug)
    with_text(document)
    both = request.GET.get("both") == "1"
    taken_amendments = list(
        document.amendments.filter(status=Amendment.Status.ACCEPTED).select_related(
            "proposed_by__person"
        )
    )
    sections, items = numbering(document)
    taken = {}
    for amendment in taken_amendments:
        amendment.target = target_of(amendment, sections, items)
        amendment.now = items.get(amendment.result_id)
        taken.setdefault(amendment.result_id, []).append(amendment)
    languages = drafting.PAIRED_LANGUAGES if both else [None]
    context = page_context(
        request,
        event,
        document,
        "text",
        both=both,
        columns=[text_in(document, language, taken) for language in languages],
        taken=taken_amendments,
        can_propose=permissions.can_propose(request.user, document),
    )
    context["moves"] = move_buttons(document) if context["organiser"] else []
    return render(request, "resolutions/resolution.html", context)


def export(request, slug, kind):
    """The resolution as a PDF or DOCX file: the page language, or kk and ru with ?both=1.
    Made once per data version for everyone who may read it: typesetting takes seconds."""
    event, document = readable(request, slug)
    both = request.GET.get("both") == "1"
    languages = list(drafting.PAIRED_LANGUAGES) if both else [get_language()]
    make = exports.resolution_pdf if kind == "pdf" else exports.resolution_docx
    name = f"resolution-{event.slug}-{'-'.join(languages)}.{kind}"
    response = page_cache.feed(
        request, event, name, EXPORTS[kind], lambda: make(document, languages)
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page_cache.public_page(query={"both": {"1"}})
@require_safe
def resolution_pdf(request, slug):
    return export(request, slug, "pdf")


@page_cache.public_page(query={"both": {"1"}})
@require_safe
def resolution_docx(request, slug):
    return export(request, slug, "docx")


@login_required
@require_POST
def change_status(request, slug):
    event, document = event_resolution(request, slug)
    if not permissions.is_organiser(request.user):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the status to move the resolution to."))
        return redirect("roundtable:resolution", slug=event.slug)
    to_status = Status(form.cleaned_data["status"])
    if drafting.takes_back(document, to_status) and not form.cleaned_data["confirmed"]:
        return confirm_move(request, event, document, to_status, form.cleaned_data["comment"])
    try:
        drafting.change_status(
            document,
            form.cleaned_data["status"],
            request.user,
            form.cleaned_data["comment"],
            adopted_on=form.cleaned_data["adopted_on"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The resolution is now “%(status)s”.") % {"status": document.get_status_display()},
        )
    return redirect("roundtable:resolution", slug=event.slug)


CONFIRM_QUESTIONS = {
    Status.DISCUSSION: gettext_lazy(
        "Reopen the adopted resolution? Its text can be changed again and it is adopted anew."
    ),
    Status.ADOPTED: gettext_lazy(
        "Withdraw the publication? The public no longer sees the resolution until it is "
        "published again."
    ),
}


def confirm_move(request, event, document, to_status, comment):
    """The page that asks before a move takes back the adoption or the publication."""
    context = page_context(
        request,
        event,
        document,
        "text",
        move=move_of(document, to_status),
        question=CONFIRM_QUESTIONS[to_status],
        comment=comment,
    )
    return render(request, "resolutions/confirm_move.html", context)


# --- Versions ------------------------------------------------------------------------------------


def compare_url(slug, older, newer, language=None):
    query = urlencode({"from": older, "to": newer} | ({"language": language} if language else {}))
    return f"{reverse('roundtable:resolution_compare', kwargs={'slug': slug})}?{query}"


def since_discussion(slug, versions):
    """The link comparing the version saved when the discussion opened with the latest one."""
    opened = min(
        (version.number for version in versions if version.status == Status.DISCUSSION),
        default=None,
    )
    latest = max((version.number for version in versions), default=None)
    if opened is None or opened == latest:
        return None
    return compare_url(slug, opened, latest)


def written_language(older, newer):
    """The page language, or the first fallback either version is written in (an English page
    compares the Russian text when there is no English one, as the pages show it)."""
    for code in resolution_order(get_language()):
        if has_text(older.content, code) or has_text(newer.content, code):
            return code
    return get_language()


def has_text(content, language):
    texts = [content["title"], content["preamble"], content["closing"]]
    for section in content["sections"]:
        texts += [section["heading"], section["lead"], *section["items"]]
    return any(text.get(language, "").strip() for text in texts)


def listed_versions(versions):
    """`versions` as the list shows them: without their text, with who saved them."""
    return list(versions.defer("content").select_related(*PEOPLE))


def versions(request, slug):
    event, document = readable(request, slug)
    listed = listed_versions(permissions.viewable_versions(request.user, document))
    for older, newer in zip(listed[1:], listed, strict=False):
        newer.changes_url = compare_url(event.slug, older.number, newer.number)
    return render(
        request,
        "resolutions/versions.html",
        page_context(
            request,
            event,
            document,
            "versions",
            saved_versions=listed,
            since_discussion=since_discussion(event.slug, listed),
        ),
    )


def compare(request, slug):
    event, document = readable(request, slug)
    readable_versions = permissions.viewable_versions(request.user, document)
    listed = listed_versions(readable_versions)
    numbers = sorted(version.number for version in listed)
    bound = any(name in request.GET for name in ("from", "to"))
    form = CompareForm(request.GET if bound else None, numbers=numbers)
    context = page_context(
        request,
        event,
        document,
        "versions",
        form=form,
        saved_versions=listed,
        since_discussion=since_discussion(event.slug, listed),
    )
    status = 200
    if form.is_bound and form.is_valid():
        chosen = {
            version.number: version
            for version in readable_versions.filter(
                number__in=[form.cleaned_data["from"], form.cleaned_data["to"]]
            )
        }
        older, newer = chosen[form.cleaned_data["from"]], chosen[form.cleaned_data["to"]]
        language = form.cleaned_data["language"] or written_language(older, newer)
        context |= {
            "older": older,
            "newer": newer,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "rows": drafting.compare(older, newer, language),
            "tabs": [
                {
                    "code": code,
                    "name": name,
                    "url": compare_url(event.slug, older.number, newer.number, code),
                    "current": code == language,
                }
                for code, name in settings.WRITTEN_LANGUAGES
            ],
        }
    elif form.is_bound:
        status = 400
    return render(request, "resolutions/compare.html", context, status=status)


# --- Amendments ----------------------------------------------------------------------------------


def amendments(request, slug):
    event, document = readable(request, slug)
    with_text(document)
    sections, items = numbering(document)
    listed = list(document.amendments.select_related("proposed_by__person", "decided_by__person"))
    for amendment in listed:
        amendment.target = target_of(amendment, sections, items)
        amendment.texts = [
            {"code": code, "name": LANGUAGE_NAMES[code], "text": text}
            for code in drafting.LANGUAGES
            if (text := getattr(amendment, f"text_{code}"))
        ]
    context = page_context(
        request,
        event,
        document,
        "amendments",
        amendments=listed,
        can_propose=permissions.can_propose(request.user, document),
    )
    context["can_decide"] = context["organiser"] and document.status == Status.DISCUSSION
    return render(request, "resolutions/amendments.html", context)


@login_required
def propose(request, slug):
    event, document = event_resolution(request, slug)
    if not (permissions.is_organiser(request.user) or permissions.takes_part(request.user, event)):
        raise PermissionDenied
    if not permissions.can_propose(request.user, document):
        messages.error(
            request, _("Amendments are proposed while the resolution is under discussion.")
        )
        return redirect("roundtable:resolution_amendments", slug=event.slug)
    with_text(document)
    if request.method == "POST":
        form = AmendmentForm(request.POST, resolution=document)
        if form.is_valid():
            form.instance.proposed_by = request.user
            form.save()
            messages.success(
                request, _("Your amendment has been proposed. The organisers will consider it.")
            )
            return redirect("roundtable:resolution_amendments", slug=event.slug)
    else:
        form = AmendmentForm(initial={"target": request.GET.get("target", "")}, resolution=document)
    return render(
        request,
        "resolutions/propose.html",
        page_context(request, event, document, "amendments", form=form),
    )


@login_required
@require_POST
def decide(request, slug, pk):
    event, document = event_resolution(request, slug)
    if not permissions.is_organiser(request.user):
        raise PermissionDenied
    amendment = get_object_or_404(document.amendments, pk=pk)
    amendment.resolution = document
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or decline the amendment."))
        return redirect("roundtable:resolution_amendments", slug=event.slug)
    accepting = form.cleaned_data["action"] == "accept"
    try:
        if accepting:
            drafting.accept(amendment, request.user, form.cleaned_data["comment"])
        else:
            drafting.decline(amendment, request.user, form.cleaned_data["comment"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = (
            _("Amendment No. %(number)s is accepted; the text has changed.")
            if accepting
            else _("Amendment No. %(number)s is declined.")
        )
        messages.success(request, done % {"number": amendment.pk})
    return redirect(
        reverse("roundtable:resolution_amendments", kwargs={"slug": event.slug})
        + f"#amendment-{amendment.pk}"
    )
