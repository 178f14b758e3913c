"""The organisers' desk for papers.

Sections of the collection are dragged into order per round table. A paper's page edits its
metadata in language tabs, shows it side by side in kk, ru and en, orders its authors by dragging
and lists its versions and review history read only. Its text checks (proofreading.py) list the
words written in two scripts, each with a button that writes it in its own script, and a reference
list without numbers.

The status is never a form field: decisions (accept, request a revision, reject) go through
`review.move`, from list actions or the buttons on a paper's page, after a page that asks for the
comment the speaker receives. The paper list downloads as CSV for Excel.

"Upload a version" stores a file for the speaker through `submission.add_version` (the speaker's
checks, whatever the status and the deadline; a reason once the paper is accepted) and then shows
the preview the speaker sees. The version list says who uploaded each version and why.
"""

import os
from functools import wraps

from adminsortable2.admin import SortableAdminMixin, SortableInlineAdminMixin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from modeltranslation.admin import TranslationStackedInline

from portal import downloads, throttling
from portal.admin_base import ReadOnlyInline, SortableTabbedAdmin
from portal.concurrent_edits import RefusesStaleForms
from proceedings import (
    article_head,
    paper_list,
    permissions,
    proofreading,
    review,
    reviewing,
    submission,
    uploads,
)
from proceedings.admin.reviews import (
    AssignmentInline,
    OriginalityInline,
    SpreadForm,
    originality_summary,
    reviews_table,
    save_review_formset,
)
from proceedings.models import (
    Author,
    OriginalityCheck,
    Paper,
    PaperStatusChange,
    PaperVersion,
    ReviewAssignment,
    Section,
)
from speakers import letters, names
from speakers.admin import warn_of_unsent_letters

Status = Paper.Status

# The decisions organisers take, with what their buttons and pages say.
DECISIONS = {
    Status.ACCEPTED: {
        "verb": _("Accept"),
        "title": _("Accept papers"),
        "intro": _(
            "These papers are accepted for the collection; each speaker with an e-mail address "
            "gets a letter."
        ),
    },
    Status.REVISION: {
        "verb": _("Request a revision"),
        "title": _("Request a revision"),
        "intro": _(
            "These papers go back to their speakers, who may upload a new version even after "
            "the deadline; each speaker with an e-mail address gets a letter with your comment."
        ),
    },
    Status.REJECTED: {
        "verb": _("Reject"),
        "title": _("Reject papers"),
        "intro": _(
            "These papers are rejected; each speaker with an e-mail address gets a letter with "
            "your comment."
        ),
    },
}

EVENT_FILTER = "event__id__exact"


def status_badge(paper):
    # Coloured by proceedings/admin.css: the Content-Security-Policy allows no style attributes.
    return format_html(
        '<span class="paper-status paper-status-{}">{}</span>',
        paper.status,
        paper.get_status_display(),
    )


def version_summary(version):
    """The version as the list shows it: No. 2 · DOCX · 1.2 MB."""
    if version is None:
        return "–"
    return format_html(
        "{} · {} · {}",
        gettext("No. %(number)s") % {"number": version.number},
        version.get_kind_display(),
        filesizeformat(version.size),
    )


def marked_letters(mixed):
    """The word with its letters of the other script marked, named in their title."""
    script_names = {"latin": gettext("Latin letter"), "cyrillic": gettext("Cyrillic letter")}
    odd = proofreading.odd_letters(mixed)
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark title='{}'>{}</mark>", script_names[odd[index]], letter),)
            if index in odd
            else (letter,)
            for index, letter in enumerate(mixed.word)
        ),
    )


def refusal_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You may not do this.")


# --- Sections ------------------------------------------------------------------------------------


class SectionPapersInline(SortableInlineAdminMixin, admin.TabularInline):
    """The papers of a section, dragged into the order the book prints them in."""

    model = Paper
    fk_name = "section"
    ordering = ["position", "pk"]
    fields = ["title_display", "speaker", "status"]
    readonly_fields = ["title_display", "speaker", "status"]
    extra = 0
    verbose_name = _("paper in this section")
    verbose_name_plural = _("papers in this section, in the order of the book")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")

    @admin.display(description=_("title"))
    def title_display(self, paper):
        return str(paper)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(RefusesStaleForms, SortableAdminMixin, SortableTabbedAdmin):
    """Sections of one round table are dragged into order once the list shows only its sections;
    the papers of a section are dragged into order on its page."""

    list_display = ["name", "event", "paper_count"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["name_kk", "name_ru", "name_en"]
    fields = ["event", "name"]
    inlines = [SectionPapersInline]
    # adminsortable2 reads the field it sorts by from the first ordering.
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_total=Count("papers"))

    def get_ordering(self, request):
        """By position within one round table; grouped by round table when the list shows all."""
        if EVENT_FILTER in request.GET:
            return ["position", "pk"]
        return ["event", "position", "pk"]

    @admin.display(description=_("papers"), ordering="paper_total")
    def paper_count(self, section):
        return section.paper_total

    def get_max_order(self, request, obj=None):
        """A new section comes last in its round table."""
        sections = Section.objects.filter(event=obj.event) if obj else Section.objects.all()
        return sections.aggregate(last=Coalesce(Max("position"), 0))["last"]


class SectionFilter(admin.RelatedFieldListFilter):
    """The sections of the round table chosen in the filter, or all of them named with theirs."""

    def field_choices(self, field, request, model_admin):
        sections = Section.objects.select_related("event").order_by("event", "position", "pk")
        event = request.GET.get(EVENT_FILTER, "")
        if event.isdigit():
            return [(section.pk, section.name) for section in sections.filter(event_id=event)]
        return [(section.pk, f"{section.event.slug}: {section.name}") for section in sections]


# --- Inlines of a paper --------------------------------------------------------------------------


class AuthorForm(forms.ModelForm):
    """Names in the language of the paper, which need not be Kazakh.

    modeltranslation would require the Kazakh name, as the default language of a required field;
    `Author.clean` asks for the paper's language instead. On the add page the paper is not saved
    yet and `Author.clean` cannot tell its language, so the form asks.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _name in settings.WRITTEN_LANGUAGES:
            for name in ("surname", "given_name"):
                if f"{name}_{code}" in self.fields:
                    self.fields[f"{name}_{code}"].required = False

    def clean(self):
        cleaned = super().clean()
        paper = cleaned.get("paper")  # the parent, from the formset
        language = paper.language if paper else None
        field = f"surname_{language}"
        if paper and paper.pk is None and field in self.fields and not cleaned.get(field):
            self.add_error(field, _("Give the surname in the language of the paper."))
        return cleaned


class AuthorInline(RefusesStaleForms, SortableInlineAdminMixin, TranslationStackedInline):
    """Authors dragged into order by their title bar, names in language tabs.

    Stacked, not tabular: in a tabular inline the language tabs cover the row's drag handle.
    """

    model = Author
    form = AuthorForm
    fields = [
        "role",
        "person",
        "surname",
        "given_name",
        "patronymic",
        "standing",
        "degree",
        "academic_title",
        "organisation",
        "city",
        "country",
        "email",
        "orcid",
        "order",
    ]
    autocomplete_fields = ["person", "degree", "academic_title"]
    # adminsortable2 sorts by the first ordering; the rows show as the collection prints them.
    ordering = ["order", "pk"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("role", "order", "pk")


class VersionInline(ReadOnlyInline):
    model = PaperVersion
    fields = [
        "number",
        "original_name",
        "kind",
        "file_size",
        "checksum",
        "uploader",
        "uploaded_at",
        "reason",
        "download",
        "warnings",
    ]
    readonly_fields = fields
    verbose_name_plural = _("versions (the newest first)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by", "paper__speaker")

    @admin.display(description=_("uploaded by"))
    def uploader(self, version):
        """The account that uploaded it, and whether that was the speaker or someone for them."""
        user = version.uploaded_by
        if user is None:
            return "–"
        name = user.get_full_name() or user.get_username()
        if user.pk == version.paper.speaker.user_id:
            return gettext("%(user)s, the speaker") % {"user": name}
        return gettext("%(user)s, for the speaker") % {"user": name}

    @admin.display(description=_("size"))
    def file_size(self, version):
        return filesizeformat(version.size)

    @admin.display(description="SHA-256")
    def checksum(self, version):
        return format_html('<code title="{}">{}…</code>', version.sha256, version.sha256[:12])

    @admin.display(description=_("file"))
    def download(self, version):
        return format_html('<a href="{}">{}</a>', version.get_download_url(), gettext("Download"))

    @admin.display(description=_("conversion warnings"))
    def warnings(self, version):
        if not version.conversion_warnings:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((warning,) for warning in version.warnings())),
        )


class StatusHistoryInline(ReadOnlyInline):
    model = PaperStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


# --- Papers --------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the speaker"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        if decision in review.NEEDS_COMMENT:
            field.required = True
            field.error_messages["required"] = _(
                "Say what the speaker should change, or why it is rejected."
            )
            field.help_text = _("Required. The speaker reads it in the letter and on their page.")
        else:
            field.help_text = _("Optional. The speaker reads it in the letter and on their page.")


class VersionUploadForm(forms.Form):
    """A file for the speaker and why. The file is checked by `submission.add_version`; a file
    the size limit skipped while it streamed in arrives as `refusal`."""

    file = forms.FileField(
        label=_("File of the paper"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )

    def __init__(self, *args, paper, refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.fields["file"].help_text = _("DOCX or PDF, at most %(limit)s.") % {
            "limit": filesizeformat(settings.PAPER_UPLOAD_MAX_BYTES)
        }
        reason = self.fields["reason"]
        if submission.needs_reason(paper):
            reason.required = True
            reason.error_messages["required"] = submission.REASON_REQUIRED
            reason.help_text = _(
                "Required: the paper is accepted. Kept with the version, for the speaker and "
                "the other organisers."
            )
        else:
            reason.help_text = _(
                "Optional. Kept with the version, for the speaker and the other organisers."
            )

    def clean_file(self):
        if self.refusal is not None:
            raise self.refusal
        if not self.cleaned_data.get("file"):
            raise ValidationError(_("Choose the file of the paper: a DOCX or a PDF."))
        return self.cleaned_data["file"]


def organisers_only(view):
    """A signed-in user who is not an organiser is refused (403) rather than offered the admin's
    sign-in page; anyone else goes on to the admin's own checks."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.is_organiser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@admin.register(Paper)
class PaperAdmin(RefusesStaleForms, SortableTabbedAdmin):
    list_display = [
        "title_display",
        "speaker",
        "author_names",
        "section",
        "status_display",
        "version_display",
        "updated_at",
    ]
    list_filter = ["event", "status", ("section", SectionFilter), "language"]
    list_select_related = ["speaker", "section", "current_version"]
    search_fields = [
        "title_kk",
        "title_ru",
        "title_en",
        "speaker__surname_kk",
        "speaker__surname_ru",
        "speaker__surname_en",
        "authors__surname_kk",
        "authors__surname_ru",
        "authors__surname_en",
    ]
    autocomplete_fields = ["event", "talk", "speaker"]
    readonly_fields = [
        "status_display",
        "version_display",
        "created_at",
        "updated_at",
        "metadata_side_by_side",
        "text_checks",
        "head_missing",
        "originality",
        "reviews_display",
    ]
    inlines = [
        AuthorInline,
        VersionInline,
        AssignmentInline,
        OriginalityInline,
        StatusHistoryInline,
    ]
    actions = [
        "accept",
        "request_revision",
        "reject",
        "reopen_uploads",
        "spread_reviewers",
        "export_csv",
    ]

    add_fieldsets = [
        (None, {"fields": ["event", "talk", "speaker", "language", "section"]}),
        (
            _("Title, abstract and keywords"),
            {"fields": ["title", "running_title", "abstract", "keywords", "udc", "irsti"]},
        ),
    ]
    # modeltranslation shows `add_fieldsets` on the add page and these on a paper's page.
    fieldsets = [
        *add_fieldsets,
        (
            _("Review"),
            {
                "fields": [
                    "status_display",
                    "version_display",
                    "uploads_reopened",
                    "head_missing",
                    "originality",
                    "reviews_display",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (_("Metadata side by side"), {"fields": ["metadata_side_by_side"]}),
        (_("Text checks"), {"fields": ["text_checks"]}),
    ]

    class Media:
        css = {"all": ["proceedings/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    # --- Columns and read-only fields ------------------------------------------------------------

    @admin.display(description=_("title"))
    def title_display(self, paper):
        return paper.title_in_own_language or str(paper)

    @admin.display(description=_("authors"))
    def author_names(self, paper):
        return paper_list.author_names(paper) or "–"

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, paper):
        return status_badge(paper)

    @admin.display(description=_("current version"))
    def version_display(self, paper):
        return version_summary(paper.current_version)

    @admin.display(description=_("the article head lacks"))
    def head_missing(self, paper):
        lacks = article_head.missing(paper)
        if not lacks:
            return gettext("Nothing: the article head is complete.")
        return format_html_join(mark_safe("<br>"), "{}", ((what,) for what in lacks))

    @admin.display(description=_("originality"))
    def originality(self, paper):
        return originality_summary(paper)

    @admin.display(description=_("reviews"))
    def reviews_display(self, paper):
        return reviews_table(paper)

    def save_formset(self, request, form, formset, change):
        if formset.model in (ReviewAssignment, OriginalityCheck):
            save_review_formset(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    @admin.display(description=_("in kk, ru and en"))
    def metadata_side_by_side(self, paper):
        """Title, abstract, keywords and authors in a column per language."""
        codes = [code for code, _name in settings.WRITTEN_LANGUAGES]
        authors = list(paper.authors.all())
        rows = [
            (capfirst(gettext("title")), [getattr(paper, f"title_{code}") or "" for code in codes]),
            (
                capfirst(gettext("abstract")),
                [linebreaksbr(getattr(paper, f"abstract_{code}") or "") for code in codes],
            ),
            (
                capfirst(gettext("keywords")),
                [getattr(paper, f"keywords_{code}") or "" for code in codes],
            ),
            (capfirst(gettext("authors")), [self.authors_in(authors, code) for code in codes]),
        ]
        header = format_html_join(
            "",
            "<th scope='col'{}>{}</th>",
            (
                (
                    format_html(" title='{}'", gettext("the language of the paper"))
                    if code == paper.language
                    else "",
                    format_html("<strong>{} ★</strong>", name) if code == paper.language else name,
                )
                for code, name in settings.WRITTEN_LANGUAGES
            ),
        )
        body = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>{}</tr>",
            (
                (
                    label,
                    format_html_join(
                        "",
                        "<td>{}</td>",
                        ((value or "–",) for value in values),
                    ),
                )
                for label, values in rows
            ),
        )
        return format_html(
            "<table class='paper-metadata'><thead><tr><td></td>{}</tr></thead>"
            "<tbody>{}</tbody></table>",
            header,
            body,
        )

    @admin.display(description=_("what an editor would correct"))
    def text_checks(self, paper):
        """Words in two scripts (with a button for those whose intent is clear; the button posts
        the paper's form to the correction page, which reads only the word) and unnumbered
        references."""
        url = reverse("admin:proceedings_paper_correct", args=[paper.pk])
        rows = [
            format_html(
                "<li><span class='mixed-script'>{}</span> {}</li>",
                marked_letters(mixed),
                format_html(
                    "<button type='submit' formaction='{}' formnovalidate name='word' value='{}'>"
                    "{}</button>",
                    url,
                    mixed.word,
                    gettext("Write it in one script"),
                )
                if mixed.corrected
                else gettext("which letters were meant is not clear: correct it by hand"),
            )
            for mixed in proofreading.findings(paper)
        ]
        rows += [
            format_html(
                "<li>{}</li>",
                gettext("“%(original)s” was written in one script by %(user)s, %(date)s.")
                % {
                    "original": correction.original,
                    "user": correction.made_by or "–",
                    "date": date_format(localtime(correction.made_at), "DATETIME_FORMAT"),
                },
            )
            for correction in paper.corrections.select_related("made_by")
        ]
        if paper.current_version is not None:
            references = proofreading.unnumbered_references(paper.current_version.html)
            if references and references.unnumbered:
                rows.append(
                    format_html(
                        "<li>{}</li>",
                        gettext("%(unnumbered)s of the %(total)s references have no number.")
                        % {"unnumbered": references.unnumbered, "total": references.total},
                    )
                )
        if not rows:
            return gettext("Nothing found: no word mixes Latin and Cyrillic letters.")
        intro = gettext(
            "Words that mix Latin and Cyrillic letters look right but are not found by search "
            "and are counted as other words by indexers."
        )
        return format_html(
            "<p>{}</p><ul class='text-checks'>{}</ul>", intro, mark_safe("".join(rows))
        )

    @staticmethod
    def authors_in(authors, code):
        """Each author's full name in `code`, with their role and organisation."""
        lines = []
        for author in authors:
            surname, given_name, patronymic = author.name_in(code)
            if not surname:
                continue
            name = names.full_name(surname, given_name, patronymic)
            place = ", ".join(
                part
                for part in (
                    getattr(author, f"organisation_{code}") or "",
                    getattr(author, f"city_{code}") or "",
                )
                if part
            )
            role = f" ({author.get_role_display()})" if author.role != Author.Role.AUTHOR else ""
            lines.append(format_html("{}{}{}", name, role, f" — {place}" if place else ""))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    # --- Decisions -------------------------------------------------------------------------------

    def move_papers(self, request, papers, decision, comment=""):
        """Take `decision` on each paper through `review.move`; say what happened to each."""
        for paper in papers:
            try:
                moved = review.move(paper, decision, request.user, comment)
            except (ValidationError, PermissionDenied) as refusal:
                self.say_refused(request, paper, refusal)
            else:
                self.message_user(
                    request,
                    gettext("“%(paper)s” is now: %(status)s.")
                    % {"paper": paper, "status": moved.get_status_display()},
                    messages.SUCCESS,
                )

    def decision_page(self, request, papers, decision, form, action=None):
        """The page that confirms `decision` on `papers` and asks for the comment."""
        rows = [
            (
                paper,
                None
                if decision in review.allowed_moves(request.user, paper)
                else gettext("A “%(status)s” paper cannot be moved so: it will be left as it is.")
                % {"status": paper.get_status_display()},
            )
            for paper in papers
        ]
        texts = DECISIONS[decision]
        cancel = (
            reverse("admin:proceedings_paper_changelist")
            if action
            else reverse("admin:proceedings_paper_change", args=[papers[0].pk])
        )
        return TemplateResponse(
            request,
            "admin/proceedings/paper/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": texts["title"],
                "intro": texts["intro"],
                "verb": texts["verb"],
                "form": form,
                "rows": rows,
                "action": action,
                "cancel_url": cancel,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                # Deciding on one paper from its page: its reviews stay in view.
                "reviews": None if action else reviews_table(papers[0]),
            },
        )

    def decide(self, request, queryset, decision, action):
        papers = list(queryset)
        # The first post comes from the list (no comment field yet); the second from our page.
        form = DecisionForm(request.POST if "comment" in request.POST else None, decision=decision)
        if form.is_valid():
            self.move_papers(request, papers, decision, form.cleaned_data["comment"])
            return None
        return self.decision_page(request, papers, decision, form, action=action)

    @admin.action(description=_("Accept"), permissions=["change"])
    def accept(self, request, queryset):
        return self.decide(request, queryset, Status.ACCEPTED, "accept")

    @admin.action(description=_("Request a revision"), permissions=["change"])
    def request_revision(self, request, queryset):
        return self.decide(request, queryset, Status.REVISION, "request_revision")

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        return self.decide(request, queryset, Status.REJECTED, "reject")

    @admin.action(description=_("Reopen uploads after the deadline"), permissions=["change"])
    def reopen_uploads(self, request, queryset):
        for paper in queryset:
            self.reopen_one(request, paper)

    @admin.action(description=_("Spread among reviewers by section"), permissions=["change"])
    def spread_reviewers(self, request, queryset):
        """Give each selected paper N reviewers, evenly within each section (reviewing.spread)."""
        papers = list(queryset.select_related("event", "speaker").prefetch_related("authors"))
        form = SpreadForm(request.POST if "count" in request.POST else None)
        if form.is_valid():
            made, short = reviewing.spread(
                papers,
                form.cleaned_data["reviewers"],
                form.cleaned_data["count"],
                request.user,
                form.cleaned_data["due_on"],
            )
            self.message_user(
                request,
                gettext("%(count)s reviewers assigned; each was written to.")
                % {"count": len(made)},
                messages.SUCCESS,
            )
            for paper in short:
                self.message_user(
                    request,
                    gettext("“%(paper)s” has fewer reviewers than asked: too few could review it.")
                    % {"paper": paper},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/proceedings/paper/spread.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Spread among reviewers by section"),
                "papers": papers,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def say_refused(self, request, paper, refusal):
        """The message for a move the review refused: the paper stays as it was, and why."""
        self.message_user(
            request,
            gettext("“%(paper)s” was left as it is: %(reason)s")
            % {"paper": paper, "reason": refusal_text(refusal)},
            messages.ERROR,
        )

    def reopen_one(self, request, paper):
        try:
            review.reopen_uploads(paper, request.user)
        except (ValidationError, PermissionDenied) as refusal:
            self.say_refused(request, paper, refusal)
        else:
            self.message_user(
                request,
                gettext("The speaker of “%(paper)s” may upload again until the next decision.")
                % {"paper": paper},
                messages.SUCCESS,
            )

    @admin.action(description=_("Export the paper list (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return paper_list.csv_response(queryset)

    # --- The buttons on a paper's page -----------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="{}_{}_decide".format(*info),
            ),
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="{}_{}_correct".format(*info),
            ),
            path(
                "<path:object_id>/reopen-uploads/",
                self.admin_site.admin_view(self.reopen_uploads_view),
                name="{}_{}_reopen_uploads".format(*info),
            ),
            path(
                "<path:object_id>/upload/",
                organisers_only(self.admin_site.admin_view(self.upload_view)),
                name="{}_{}_upload".format(*info),
            ),
            path(
                "<path:object_id>/originality/<int:check_id>/report/",
                organisers_only(self.admin_site.admin_view(self.originality_report_view)),
                name="{}_{}_originality_report".format(*info),
            ),
            *super().get_urls(),
        ]

    def originality_report_view(self, request, object_id, check_id):
        """An originality check's report, from the private papers storage, as an attachment."""
        paper = self.paper_to_change(request, object_id)
        check = get_object_or_404(paper.originality_checks.exclude(report=""), pk=check_id)
        return downloads.stored_file(
            check.report, os.path.basename(check.report.name), "application/octet-stream"
        )

    def paper_to_change(self, request, object_id):
        paper = self.get_object(request, unquote(object_id))
        if paper is None:
            raise Http404(gettext("There is no such paper."))
        if not self.has_change_permission(request, paper):
            raise PermissionDenied
        return paper

    def decide_view(self, request, object_id, decision):
        if decision not in DECISIONS:
            raise Http404
        paper = self.paper_to_change(request, object_id)
        form = DecisionForm(request.POST if request.method == "POST" else None, decision=decision)
        if form.is_valid():
            self.move_papers(request, [paper], Status(decision), form.cleaned_data["comment"])
            return HttpResponseRedirect(reverse("admin:proceedings_paper_change", args=[paper.pk]))
        return self.decision_page(request, [paper], Status(decision), form)

    def correct_view(self, request, object_id):
        """One word written in its own script (the button of the text checks)."""
        paper = self.paper_to_change(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:proceedings_paper_change", args=[paper.pk]))
        word = request.POST.get("word", "")
        try:
            correction = proofreading.correct(paper, word, request.user)
        except proofreading.NothingToCorrect:
            self.message_user(
                request,
                gettext(
                    "“%(word)s” is no longer in the paper, or which letters were meant is not "
                    "clear: nothing was changed."
                )
                % {"word": word},
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                gettext("“%(original)s” is now written “%(corrected)s” in this paper.")
                % {"original": correction.original, "corrected": correction.corrected},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:proceedings_paper_change", args=[paper.pk]))

    def reopen_uploads_view(self, request, object_id):
        paper = self.paper_to_change(request, object_id)
        if request.method == "POST":
            self.reopen_one(request, paper)
            return HttpResponseRedirect(reverse("admin:proceedings_paper_change", args=[paper.pk]))
        return TemplateResponse(
            request,
            "admin/proceedings/paper/reopen_uploads.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Reopen uploads after the deadline"),
                "paper": paper,
            },
        )

    @csrf_exempt
    def upload_view(self, request, object_id):
        """The page that uploads a version for the speaker.

        As on the speaker's page (proceedings/views.py), the size limit is installed before
        anything reads the request's body, and the CSRF check, which reads it, comes after.
        """
        if request.method == "POST":
            limit = uploads.limit_upload_size(request)
            return self.store_upload(request, object_id, limit)
        paper = self.paper_to_change(request, object_id)
        return self.upload_page(request, paper, VersionUploadForm(paper=paper))

    @method_decorator(csrf_protect)
    @method_decorator(throttling.per_user("UPLOAD_RATE_LIMIT"))
    def store_upload(self, request, object_id, limit):
        paper = self.paper_to_change(request, object_id)
        form = VersionUploadForm(request.POST, request.FILES, paper=paper, refusal=limit.refusal)
        if form.is_valid():
            try:
                version = submission.add_version(
                    paper,
                    form.cleaned_data["file"],
                    request.user,
                    for_speaker=True,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as refusal:
                form.add_error(None if hasattr(refusal, "error_dict") else "file", refusal)
            else:
                self.message_user(request, self.uploaded_message(paper, version), messages.SUCCESS)
                return HttpResponseRedirect(reverse("proceedings:preview", args=[paper.pk]))
        return self.upload_page(request, paper, form, status=400)

    @staticmethod
    def uploaded_message(paper, version):
        text = gettext(
            "Version %(number)s of “%(paper)s” is uploaded for %(speaker)s: it is now the "
            "current one. This is the preview the speaker sees."
        ) % {"number": version.number, "paper": paper, "speaker": paper.speaker}
        if version.conversion_warnings:
            text += " " + gettext("Some parts could not be converted: see the preview.")
        return text

    def upload_page(self, request, paper, form, status=200):
        return TemplateResponse(
            request,
            "admin/proceedings/paper/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Upload a version"),
                "paper": paper,
                "form": form,
                "current": version_summary(paper.current_version),
            },
            status=status,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        paper = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if paper is not None and request.method == "GET":
            warn_of_unsent_letters(request, letters.letters_about(paper))
        if paper is not None and self.has_change_permission(request, paper):
            allowed = review.allowed_moves(request.user, paper)
            extra_context["paper_decisions"] = [
                {
                    "verb": texts["verb"],
                    "url": reverse("admin:proceedings_paper_decide", args=[paper.pk, status]),
                }
                for status, texts in DECISIONS.items()
                if status in allowed
            ]
            extra_context["upload_url"] = reverse("admin:proceedings_paper_upload", args=[paper.pk])
            if paper.status in review.OPEN_FOR_UPLOADS and not paper.uploads_reopened:
                extra_context["reopen_uploads_url"] = reverse(
                    "admin:proceedings_paper_reopen_uploads", args=[paper.pk]
                )
        return super().change_view(request, object_id, form_url, extra_context)
