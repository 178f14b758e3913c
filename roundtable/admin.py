import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from portal.concurrent_edits import EDITED_FROM, RefusesStaleForms
from roundtable import english_gaps, releases, schedule, timeline
from roundtable.models import ProgrammeItem, Room, RoundTable, programme_prefetches
from roundtable.title_fields import ProgrammeTitlesForm
from speakers.models import Participation

admin.site.site_header = _("Round tables: administration")
admin.site.site_title = _("Round tables")
admin.site.index_title = _("Organisers' desk")


class ProgrammeItemForm(forms.ModelForm):
    """One item edited on its own: checked against the stored programme of its round table."""

    class Meta:
        model = ProgrammeItem
        fields = [
            "event",
            "room",
            "start",
            "end",
            "kind",
            "title",
            "title_language",
            "speakers",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "room" in self.fields:
            self.offer_rooms(self.fields["room"])

    def offer_rooms(self, field):
        """The rooms of the item's round table; on an add form that does not know it yet, every
        round table's, each named with its round table (the model refuses a room of another)."""
        event = self.instance.event_id or self.initial.get("event")
        if str(event).isdigit():  # the add form's ?event= is whatever the address says
            field.queryset = Room.objects.filter(event=event)
        else:
            field.queryset = Room.objects.select_related("event").order_by(
                "-event__date", "event__slug", "order", "pk"
            )
            field.label_from_instance = room_of_round_table

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        if event and cleaned.get("start") and cleaned.get("end"):
            candidate = ProgrammeItem(
                pk=self.instance.pk,
                start=cleaned["start"],
                end=cleaned["end"],
                room=cleaned.get("room"),
            )
            stored = event.programme_items.exclude(pk=self.instance.pk)
            if clash := schedule.find_clash(candidate, stored):
                raise schedule.clash_error(candidate, clash)
        return cleaned


def room_of_round_table(room):
    return gettext("%(room)s (%(event)s)") % {"room": room, "event": room.event}


def tell_the_draft_changed(request, event):
    """After a save of programme items: the public programme changes only at a release, and how
    many changes of the draft wait for one, with the link to release them."""
    waiting = len(releases.pending_changes(event))
    if waiting:
        text = ngettext(
            "Saved in the draft: the public programme changes only when you release it. "
            "%(count)d change is waiting for release.",
            "Saved in the draft: the public programme changes only when you release it. "
            "%(count)d changes are waiting for release.",
            waiting,
        ) % {"count": waiting}
    else:
        text = gettext(
            "Saved in the draft, which is now as released: the public programme does not change."
        )
    if request.user.has_perm("roundtable.add_schedulerelease"):
        url = reverse("admin:roundtable_roundtable_release", args=[event.pk])
        text = format_html('{} <a href="{}">{}</a>', text, url, gettext("Release the schedule"))
    messages.info(request, text)


class ProgrammeFormSet(BaseInlineFormSet):
    """Checks the programme as submitted, so that swapping two items' times is allowed; offers
    the round table's own rooms, read once for all the rows rather than once for each."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "room" in form.fields:
            field = form.fields["room"]
            field.queryset = Room.objects.filter(event_id=self.instance.pk)
            if not hasattr(self, "room_choices"):
                self.room_choices = list(field.choices)
            field.choices = self.room_choices

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        ]
        items = [form.instance for form in kept]
        # Name the edited item first: that is the one the organiser is looking at.
        for form in sorted(kept, key=lambda form: not form.has_changed()):
            if clash := schedule.find_clash(form.instance, items):
                raise schedule.clash_error(form.instance, clash)


class ProgrammeItemInline(RefusesStaleForms, TranslationTabularInline):
    model = ProgrammeItem
    form = ProgrammeTitlesForm
    formset = ProgrammeFormSet
    # The titles stacked in one column (roundtable/title_fields.py), so the row fits a laptop.
    fields = ["start", "end", "room", "kind", "titles", "title_language", "speakers", "order"]
    autocomplete_fields = ["speakers"]
    extra = 1
    # Django's tabular inline under the notice that a save changes the draft only.
    template = "admin/roundtable/roundtable/programme_inline.html"

    def get_queryset(self, request):
        # Each row's speakers read once for the whole programme (the form's initial value and
        # the concurrent-edit check both ask for them), not per row.
        return super().get_queryset(request).prefetch_related("speakers")

    def get_fields(self, request, obj=None):
        # A day in one hall, as most are, needs no room column.
        fields = super().get_fields(request, obj)
        if obj is None or not obj.rooms.exists():
            return [name for name in fields if name != "room"]
        return fields


class RoomInline(RefusesStaleForms, TranslationTabularInline):
    model = Room
    fields = ["name", "chair", "order"]
    autocomplete_fields = ["chair"]
    extra = 0


class ParticipationInline(RefusesStaleForms, admin.TabularInline):
    model = Participation
    fields = ["person", "is_moderator", "is_speaker", "is_listed", "order"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(RoundTable)
class RoundTableAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    list_display = ["theme", "date", "format", "published", "timeline_link"]
    list_filter = ["published", "format", "date"]
    search_fields = ["slug", "theme_kk", "theme_ru", "theme_en", "venue_kk", "venue_ru"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["slug", "kind", "theme", "published"]}),
        (
            _("When and where"),
            {"fields": ["date", "start", "venue", "address", "format", "online_link", "organiser"]},
        ),
        (_("Papers"), {"fields": ["papers_deadline"]}),
        (_("English"), {"fields": ["missing_english"]}),
    ]
    readonly_fields = ["missing_english"]
    inlines = [ProgrammeItemInline, ParticipationInline, RoomInline]
    view_on_site = True

    class Media:
        css = {"all": ["roundtable/admin.css"]}

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ProgrammeItem and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            tell_the_draft_changed(request, form.instance)

    def release_view(self, request, pk):
        """Release the schedule: the changes the release would make, a comment, the confirmation."""
        if not request.user.has_perm("roundtable.add_schedulerelease"):
            raise PermissionDenied
        event = get_object_or_404(RoundTable.objects.select_related("current_release"), pk=pk)
        form = ReleaseForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            seen = form.cleaned_data[EDITED_FROM] or None
            try:
                made = releases.release(event, request.user, form.comments(), seen=seen)
            except releases.Stale:
                form.refuse_as_stale()
                event.refresh_from_db()
            else:
                self.message_user(
                    request,
                    _("Version %(version)d of the programme is released.")
                    % {"version": made.version},
                    messages.SUCCESS,
                )
                return redirect("admin:roundtable_roundtable_change", event.pk)
        items = list(releases.draft_items(event))
        form.shows(releases.draft_version(event, items))
        current = event.current_release
        return TemplateResponse(
            request,
            "admin/roundtable/roundtable/release.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": event,
                "title": _("Release the schedule"),
                "event": event,
                "form": form,
                "current": current,
                "version": (current.version if current else 0) + 1,
                "changes": releases.pending_changes(event, items),
            },
        )

    def preview_view(self, request, pk):
        """The printed programme (Kazakh, then Russian) of the draft, marked as a draft."""
        if not request.user.has_perm("roundtable.view_programmeitem"):
            raise PermissionDenied
        event = get_object_or_404(RoundTable, pk=pk)
        prefetch_related_objects([event], *programme_prefetches(draft=True))
        pdf = schedule.programme_pdf(
            event, event.programme_items.all(), schedule.PRINTED_LANGUAGES, draft=True
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="programme-{event.slug}-draft.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description=_("Missing in English"))
    def missing_english(self, obj):
        """The texts the English pages show in Kazakh or Russian, each linked to its form."""
        if obj is None or obj.pk is None:
            return "—"
        gaps = english_gaps.gaps(obj)
        if not gaps:
            return _("Nothing: the English pages are in English.")
        rows = format_html_join(
            "",
            '<li>{}: <a href="{}">{}</a></li>',
            ((gap.what, gap.url, gap.text) for gap in gaps),
        )
        return format_html('<ul class="missing-english">{}</ul>', rows)

    @admin.display(description=_("Timeline"))
    def timeline_link(self, obj):
        url = reverse("admin:roundtable_roundtable_timeline", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Plan the day"))

    # --- The timeline (roundtable/timeline.py; the page's script: static/roundtable/timeline.js),
    # the release (roundtable/releases.py) and the draft's printed preview

    def get_urls(self):
        def view(name, function):
            return path(
                f"<path:object_id>/timeline/{name}",
                self.admin_site.admin_view(function),
                name=f"roundtable_roundtable_timeline{'_' + name.strip('/') if name else ''}",
            )

        return [
            view("", require_safe(self.timeline_view)),
            view("data/", require_safe(self.timeline_data_view)),
            view("move/", require_POST(self.timeline_move_view)),
            path(
                "<int:pk>/release/",
                self.admin_site.admin_view(self.release_view),
                name="roundtable_roundtable_release",
            ),
            path(
                "<int:pk>/programme-preview.pdf",
                self.admin_site.admin_view(self.preview_view),
                name="roundtable_roundtable_programme_preview",
            ),
            *super().get_urls(),
        ]

    def planned_event(self, request, object_id):
        """The round table of the URL, for those who may change programme items."""
        if not request.user.has_perm("roundtable.change_programmeitem"):
            raise PermissionDenied
        event = RoundTable.objects.filter(pk=unquote(object_id)).first()
        if event is None:
            raise Http404(gettext("There is no such round table."))
        return event

    def timeline_view(self, request, object_id):
        event = self.planned_event(request, object_id)
        return TemplateResponse(
            request,
            "admin/roundtable/roundtable/timeline.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": event,
                "title": gettext("The day on a timeline: %(theme)s") % {"theme": event.theme},
                "day": timeline.day(event),
                "phrases": timeline.phrases(),
                "urls": {
                    "data": reverse("admin:roundtable_roundtable_timeline_data", args=[event.pk]),
                    "move": reverse("admin:roundtable_roundtable_timeline_move", args=[event.pk]),
                },
            },
        )

    def timeline_data_view(self, request, object_id):
        return JsonResponse(timeline.day(self.planned_event(request, object_id)))

    def timeline_move_view(self, request, object_id):
        event = self.planned_event(request, object_id)
        try:
            sent = json.loads(request.body)
            move, version = timeline.Move.from_data(sent), str(sent["version"])
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"error": gettext("The move could not be read.")}, status=400)
        try:
            undo = timeline.move(event, move, version)
        except timeline.Refused as refusal:
            return JsonResponse({**refusal.as_data(), "day": timeline.day(event)}, status=409)
        return JsonResponse({"undo": undo.as_data(), "day": timeline.day(event)})


class ReleaseForm(forms.Form):
    """The optional comment of a release, in each language, and the version of the draft the page
    lists the changes of (releases.draft_version): a release of a draft changed since, or after
    another release, is refused. A submission without it (not from the page) is not checked."""

    edited_from = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.WRITTEN_LANGUAGES:
            self.fields[f"comment_{code}"] = forms.CharField(
                label=_("Comment (%(language)s)") % {"language": name},
                max_length=500,
                required=False,
            )

    def shows(self, version):
        """The page lists the changes of the draft at `version`: a fresh form names it, and so
        does a form refused as stale, so that confirming again releases what is listed now."""
        if not self.is_bound:
            self.initial[EDITED_FROM] = version
        elif self.has_error(NON_FIELD_ERRORS, code="stale"):
            self.data = self.data.copy()
            self.data[EDITED_FROM] = version

    def refuse_as_stale(self):
        self.add_error(
            None,
            ValidationError(
                _(
                    "Someone else changed the draft programme or released it after you opened "
                    "this page. The list now shows what this release would change: check it and "
                    "release again."
                ),
                code="stale",
            ),
        )

    def comments(self):
        return {
            code: self.cleaned_data[f"comment_{code}"] for code, _name in settings.WRITTEN_LANGUAGES
        }


class ShiftForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=-720,
        max_value=720,
        help_text=_("Positive moves the items later, negative earlier."),
    )

    def clean_minutes(self):
        if self.cleaned_data["minutes"] == 0:
            raise ValidationError(_("Give a number of minutes other than zero."))
        return self.cleaned_data["minutes"]


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    form = ProgrammeItemForm
    list_display = ["start", "end", "label", "kind", "event"]
    list_display_links = ["start", "label"]
    list_filter = ["event", "kind", "title_language"]
    search_fields = [
        "title_kk",
        "title_ru",
        "title_en",
        "speakers__surname_kk",
        "speakers__surname_ru",
    ]
    autocomplete_fields = ["speakers"]
    list_select_related = ["event"]
    actions = ["shift_following"]

    class Media:
        css = {"all": ["roundtable/admin.css"]}

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        tell_the_draft_changed(request, obj.event)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        tell_the_draft_changed(request, obj.event)
        return response

    @admin.action(description=_("Shift the selected and all later items by N minutes"))
    def shift_following(self, request, queryset):
        events = {item.event_id for item in queryset}
        if len(events) != 1:
            self.message_user(request, _("Select items of one round table."), messages.ERROR)
            return None
        first = min((item for item in queryset if item.start), key=lambda i: i.start, default=None)
        if first is None:
            self.message_user(request, _("The selected items have no time."), messages.ERROR)
            return None
        form = ShiftForm(request.POST if "minutes" in request.POST else None)
        if form.is_valid():
            try:
                moved = schedule.shift_from(first, form.cleaned_data["minutes"])
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Moved %(count)d item by %(minutes)d minutes.",
                        "Moved %(count)d items by %(minutes)d minutes.",
                        len(moved),
                    )
                    % {"count": len(moved), "minutes": form.cleaned_data["minutes"]},
                    messages.SUCCESS,
                )
                tell_the_draft_changed(request, first.event)
            return None
        return TemplateResponse(
            request,
            "admin/roundtable/programmeitem/shift.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Shift programme items"),
                "form": form,
                "first": first,
                "queryset": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
