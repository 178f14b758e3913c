"""The organisers' desk for listeners: when each round table takes registrations and how many,
the registrations (with listing a registrant in the participant list), and attendance, with the
video platform's report imported and the programme's speakers and moderator marked."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants import attendance
from participants.forms import ProgrammeForm, ReportUploadForm
from participants.models import Attendance, Registration, RegistrationSettings
from portal.concurrent_edits import RefusesStaleForms
from speakers.models import Participation


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(RefusesStaleForms, admin.ModelAdmin):
    list_display = [
        "event",
        "is_open",
        "opens_at",
        "closes_at",
        "onsite_capacity",
        "online_capacity",
    ]
    list_filter = ["is_open"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    search_fields = ["event__slug", "event__theme_kk", "event__theme_ru"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "surname",
        "given_name",
        "email",
        "event",
        "mode",
        "status",
        "created_at",
        "is_listed",
    ]
    list_filter = ["status", "mode", "event"]
    list_select_related = ["event"]
    search_fields = ["surname", "given_name", "patronymic", "email", "organisation"]
    readonly_fields = [
        "event",
        "person",
        "status",
        "language",
        "consent_at",
        "consent_text",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    actions = ["list_in_participants", "remove_from_participants"]

    def has_add_permission(self, request):
        return False  # registrations come through the public form

    def get_queryset(self, request):
        listed = Participation.objects.filter(
            event=OuterRef("event"), person=OuterRef("person"), is_listed=True
        )
        return super().get_queryset(request).annotate(listed=Exists(listed))

    @admin.display(description=_("in the participant list"), boolean=True, ordering="listed")
    def is_listed(self, registration):
        return registration.listed

    def set_listed(self, request, queryset, listed):
        confirmed = queryset.filter(status=Registration.Status.CONFIRMED, person__isnull=False)
        changed = 0
        for registration in confirmed:
            participation, _created = Participation.objects.get_or_create(
                event_id=registration.event_id,
                person_id=registration.person_id,
                defaults={"is_listed": listed, "is_speaker": False},
            )
            if participation.is_listed != listed:
                participation.is_listed = listed
                participation.save(update_fields=["is_listed"])  # bumps the data version
            changed += 1
        skipped = queryset.count() - changed
        self.message_user(
            request, gettext("Changed: %(count)d.") % {"count": changed}, messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                gettext("Left as they were, not being registered: %(count)d.") % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("List in the participant list"), permissions=["change"])
    def list_in_participants(self, request, queryset):
        self.set_listed(request, queryset, True)

    @admin.action(description=_("Remove from the participant list"), permissions=["change"])
    def remove_from_participants(self, request, queryset):
        self.set_listed(request, queryset, False)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "mode", "source", "checked_in_at", "checked_in_by"]
    list_filter = ["source", "mode", "event"]
    list_select_related = ["person", "event", "checked_in_by"]
    search_fields = [
        "person__surname_kk",
        "person__surname_ru",
        "person__surname_en",
        "person__given_name_kk",
        "person__given_name_ru",
    ]
    autocomplete_fields = ["event", "person"]
    fields = ["event", "person", "mode", "source", "checked_in_at", "checked_in_by"]
    readonly_fields = ["checked_in_by"]
    change_list_template = "admin/participants/attendance/change_list.html"

    def get_changeform_initial_data(self, request):
        return {"source": Attendance.Source.MANUAL, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.checked_in_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_report),
                name="participants_attendance_import",
            ),
            path(
                "programme/",
                self.admin_site.admin_view(self.from_programme),
                name="participants_attendance_programme",
            ),
        ]
        return own + super().get_urls()

    def import_report(self, request):
        """The video platform's participant report: everyone found marked as online."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ReportUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = attendance.import_online(
                    form.cleaned_data["event"], form.cleaned_data["report"].read(), request.user
                )
            except ValidationError as error:
                form.add_error("report", error)
            else:
                self.message_user(
                    request,
                    gettext("Marked as online: %(marked)d; already marked: %(already)d.")
                    % {"marked": report.marked, "already": report.already},
                    messages.SUCCESS,
                )
        return TemplateResponse(
            request,
            "admin/participants/attendance/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Import the video platform's participant report"),
                "form": form,
                "report": report,
            },
        )

    def from_programme(self, request):
        """Speakers and the moderator took part: marked from the programme."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ProgrammeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            marked = attendance.mark_programme(form.cleaned_data["event"], request.user)
            self.message_user(
                request,
                gettext("Marked from the programme: %(count)d.") % {"count": marked},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:participants_attendance_changelist"))
        return TemplateResponse(
            request,
            "admin/participants/attendance/programme.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Mark the speakers and the moderator from the programme"),
                "form": form,
            },
        )
