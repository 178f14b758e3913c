"""The organisers' desk for resolutions.

A resolution's page edits its title, preamble and closing with its sections inline; a section's
page edits its items inline. Rows are ordered by dragging (django-admin-sortable2), texts are
entered in language tabs (modeltranslation), and sections are numbered by their order.

The status is never a form field: actions in the list call `drafting.change_status`. Adopted and
published text is frozen, so its pages are read-only until it is reopened. Every save records a
version of the whole text and warns about items written in one language only.
"""

from adminsortable2.admin import SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from portal.admin_base import ReadOnlyAdmin, SortableTabbedAdmin
from portal.concurrent_edits import RefusesStaleForms
from resolutions import drafting
from resolutions.models import (
    Amendment,
    Resolution,
    ResolutionItem,
    ResolutionSection,
    ResolutionVersion,
    StatusChange,
)

Status = Resolution.Status

GAP_WARNINGS = {
    "kk": _("Section %(number)s has items without a Kazakh text."),
    "ru": _("Section %(number)s has items without a Russian text."),
}


# --- Shared parts --------------------------------------------------------------------------------


def resolution_of(obj):
    """The resolution of a resolution, section or item."""
    if isinstance(obj, ResolutionItem):
        obj = obj.section
    if isinstance(obj, ResolutionSection):
        obj = obj.resolution
    return obj


def is_frozen(obj):
    return obj is not None and resolution_of(obj).is_frozen


def with_numbers(sections):
    """Sections with `number`, their place in their resolution (1, 2, …), and `item_count`."""
    earlier = (
        ResolutionSection.objects.filter(resolution=OuterRef("resolution"))
        .filter(
            Q(position__lt=OuterRef("position"))
            | Q(position=OuterRef("position"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("resolution")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return sections.annotate(
        number=Coalesce(Subquery(earlier), 0) + 1, item_count=Count("items", distinct=True)
    )


def renumber(rows):
    """Positions 1, 2, … in the current order, so that a section's position is its number."""
    changed = []
    for position, row in enumerate(rows.order_by("position", "pk"), start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    rows.model.objects.bulk_update(changed, ["position"])


def section_number(section):
    if getattr(section, "number", None) is not None:
        return section.number
    return with_numbers(ResolutionSection.objects.filter(pk=section.pk)).get().number


class SortableTabbedInline(SortableInlineAdminMixin, TranslationStackedInline):
    """Rows dragged by their title bar, texts in language tabs; read-only while `obj` is frozen.

    Stacked, not tabular: in a tabular inline the language tabs cover the row's drag handle.
    """

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [name for name in fields if name != "position"] if is_frozen(obj) else fields

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_frozen(obj)


class TextEditing:
    """After a save: the version of the whole text, and a warning per missing translation."""

    def text_saved(self, request, resolution):
        renumber(resolution.sections.all())
        drafting.record_version(resolution, request.user)
        for number, _section, missing in drafting.language_gaps(resolution):
            for code in missing:
                messages.warning(request, GAP_WARNINGS[code] % {"number": number})


class EditableWhileDraftedForm(forms.ModelForm):
    """Refuses a save to adopted text, whatever the page offered when it was opened."""

    def clean(self):
        cleaned = super().clean()
        if (resolution := self.resolution(cleaned)) is not None:
            drafting.ensure_editable(resolution)
        return cleaned

    def resolution(self, cleaned):
        return self.instance


TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}


# --- Resolutions ---------------------------------------------------------------------------------


class ResolutionForm(EditableWhileDraftedForm):
    class Meta:
        model = Resolution
        fields = ["event", "title", "preamble", "closing"]


class SectionInline(RefusesStaleForms, SortableTabbedInline):
    model = ResolutionSection
    fields = ["number", "heading", "lead", "items_link", "position"]
    readonly_fields = ["number", "items_link"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return with_numbers(super().get_queryset(request))

    @admin.display(description=_("No."))
    def number(self, section):
        return section_number(section) if section.pk else ""

    @admin.display(description=_("items"))
    def items_link(self, section):
        if not section.pk:
            return ""
        count = section.item_count if hasattr(section, "item_count") else section.items.count()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:resolutions_resolutionsection_change", args=[section.pk]),
            ngettext("%(count)d item", "%(count)d items", count) % {"count": count},
        )


class StatusChangeInline(admin.TabularInline):
    """The history of the status, read only: it is written by `drafting.change_status`."""

    model = StatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded in the status history, e.g. the error found in the adopted text."),
    )


@admin.register(Resolution)
class ResolutionAdmin(RefusesStaleForms, TextEditing, SortableTabbedAdmin):
    form = ResolutionForm
    list_display = ["title", "event", "status", "adopted_on", "section_count"]
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["title_kk", "title_ru", "title_en", "event__slug"]
    autocomplete_fields = ["event"]
    fieldsets = [
        (None, {"fields": ["event", "title", "preamble", "closing"]}),
        (_("Status"), {"fields": ["status", "adopted_on", "adopted_by", "versions_link"]}),
    ]
    readonly_fields = ["status", "adopted_on", "adopted_by", "versions_link"]
    formfield_overrides = TEXTAREA
    inlines = [SectionInline, StatusChangeInline]
    actions = ["open_discussion", "return_to_draft", "adopt", "publish", "reopen"]
    view_on_site = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description=_("sections"), ordering="section_total")
    def section_count(self, resolution):
        return resolution.section_total

    @admin.display(description=_("versions"))
    def versions_link(self, resolution):
        if not resolution.pk:
            return "–"
        count = resolution.versions.count()
        url = reverse("admin:resolutions_resolutionversion_changelist")
        return format_html(
            '<a href="{}?resolution__id__exact={}">{}</a>',
            url,
            resolution.pk,
            ngettext("%(count)d version", "%(count)d versions", count) % {"count": count},
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_frozen(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        resolution = self.get_object(request, object_id)
        if request.method == "GET" and is_frozen(resolution):
            try:
                drafting.ensure_editable(resolution)
            except ValidationError as frozen:
                self.message_user(request, " ".join(frozen.messages), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.text_saved(request, form.instance)

    # --- Moving through the states ---------------------------------------------------------------

    def move(self, request, queryset, to_status, comment=""):
        for resolution in queryset:
            try:
                drafting.change_status(resolution, to_status, request.user, comment)
            except PermissionDenied:
                self.message_user(
                    request, gettext("Only organisers move a resolution."), messages.ERROR
                )
                return
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("“%(resolution)s”: %(problem)s")
                    % {"resolution": resolution, "problem": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext("“%(resolution)s” is now: %(status)s.")
                    % {"resolution": resolution, "status": resolution.get_status_display()},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Open discussion"), permissions=["change"])
    def open_discussion(self, request, queryset):
        self.move(request, queryset, Status.DISCUSSION)

    @admin.action(description=_("Return to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        self.move(request, queryset, Status.DRAFT)

    @admin.action(description=_("Adopt"), permissions=["change"])
    def adopt(self, request, queryset):
        """Adopt; for a published resolution that withdraws the publication, so a page asks
        first."""
        published = [resolution for resolution in queryset if resolution.status == Status.PUBLISHED]
        if published and "confirmed" not in request.POST:
            return TemplateResponse(
                request,
                "admin/resolutions/resolution/unpublish.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": _("Withdraw publication"),
                    "queryset": queryset,
                    "published": published,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        self.move(request, queryset, Status.ADOPTED)
        return None

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset):
        self.move(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Reopen (with reason)"), permissions=["change"])
    def reopen(self, request, queryset):
        open_ones = [resolution for resolution in queryset if not resolution.is_frozen]
        for resolution in open_ones:
            self.message_user(
                request,
                gettext("“%(resolution)s” is not adopted: there is nothing to reopen.")
                % {"resolution": resolution},
                messages.ERROR,
            )
        frozen = queryset.exclude(pk__in=[resolution.pk for resolution in open_ones])
        if not frozen:
            return None
        form = ReopenForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self.move(request, frozen, Status.DISCUSSION, form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/resolutions/resolution/reopen.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reopen adopted resolutions"),
                "form": form,
                "queryset": frozen,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- Sections and their items --------------------------------------------------------------------


class SectionForm(EditableWhileDraftedForm):
    class Meta:
        model = ResolutionSection
        fields = ["resolution", "heading", "lead"]

    def resolution(self, cleaned):
        return self.instance.resolution if self.instance.pk else cleaned.get("resolution")


class ItemForm(forms.ModelForm):
    """An item written in Kazakh or in Russian first: the other comes later, with a warning.

    modeltranslation would make the Kazakh text required, as the default language of a required
    field; the items of a resolution pair kk and ru, and either may be entered first.
    """

    class Meta:
        model = ResolutionItem
        fields = ["text", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in drafting.PAIRED_LANGUAGES:
            if f"text_{code}" in self.fields:
                self.fields[f"text_{code}"].required = False

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"text_{code}") for code in drafting.PAIRED_LANGUAGES):
            raise ValidationError(_("Write the item in Kazakh or in Russian."), code="no_text")
        return cleaned


class ItemInline(RefusesStaleForms, SortableTabbedInline):
    model = ResolutionItem
    form = ItemForm
    fields = ["text", "position"]
    formfield_overrides = TEXTAREA
    extra = 1


@admin.register(ResolutionSection)
class ResolutionSectionAdmin(RefusesStaleForms, TextEditing, SortableTabbedAdmin):
    """A section with its items; sections themselves are ordered on their resolution's page."""

    form = SectionForm
    list_display = ["heading", "number", "resolution", "item_count"]
    list_display_links = ["heading"]
    list_filter = ["resolution"]
    list_select_related = ["resolution"]
    search_fields = ["heading_kk", "heading_ru", "heading_en"]
    ordering = ["resolution", "position", "pk"]
    readonly_fields = ["number", "resolution_link"]
    inlines = [ItemInline]

    def get_queryset(self, request):
        return with_numbers(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["resolution", "heading", "lead"]
        return ["resolution_link", "number", "heading", "lead"]

    @admin.display(description=_("No."), ordering="position")
    def number(self, section):
        return section_number(section)

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, section):
        return section.item_count

    @admin.display(description=_("resolution"))
    def resolution_link(self, section):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:resolutions_resolution_change", args=[section.resolution_id]),
            section.resolution,
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_frozen(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            last = obj.resolution.sections.aggregate(last=models.Max("position"))["last"]
            obj.position = (last or 0) + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        section = form.instance
        renumber(section.items.all())
        self.text_saved(request, section.resolution)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.text_saved(request, obj.resolution)

    def delete_queryset(self, request, queryset):
        resolutions = {section.resolution for section in queryset}
        super().delete_queryset(request, queryset)
        for resolution in resolutions:
            self.text_saved(request, resolution)


# --- Records: versions, status changes, amendments -----------------------------------------------


@admin.register(ResolutionVersion)
class ResolutionVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "resolution", "status", "created_at", "created_by", "note"]
    list_display_links = ["number"]
    list_filter = ["resolution", "status"]
    list_select_related = ["resolution", "created_by"]
    fields = ["resolution", "number", "status", "created_at", "created_by", "note", "changes"]
    readonly_fields = fields

    @admin.display(description=_("changes since the previous version"))
    def changes(self, version):
        previous = (
            version.resolution.versions.filter(number__lt=version.number)
            .order_by("-number")
            .first()
        )
        if previous is None:
            return gettext("The first version.")
        parts = []
        for code in drafting.PAIRED_LANGUAGES:
            rows = [
                html for kind, html in drafting.compare(previous, version, code) if kind != "same"
            ]
            parts.append(
                format_html(
                    "<h4>{}</h4><ul>{}</ul>",
                    code,
                    format_html_join("", "<li>{}</li>", ((row,) for row in rows))
                    if rows
                    else format_html("<li>{}</li>", gettext("No change.")),
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["resolution", "from_status", "to_status", "changed_at", "changed_by", "comment"]
    list_filter = ["to_status", "resolution"]
    list_select_related = ["resolution", "changed_by"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    """Amendments are proposed and decided on the public site; here they are listed."""

    list_display = ["__str__", "resolution", "section", "status", "proposed_by", "decided_by"]
    list_filter = ["status", "resolution"]
    list_select_related = ["resolution", "section", "proposed_by", "decided_by"]
    search_fields = ["text_kk", "text_ru", "text_en", "reason"]
