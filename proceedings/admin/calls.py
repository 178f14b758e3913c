"""The organisers' desk for the open call: the call of each round table, and the applications it
received — confirmed or still waiting for the applicant's address, with a merge for an applicant
who is already on the roster under another address."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from portal.concurrent_edits import RefusesStaleForms
from proceedings import calls
from proceedings.models import Application, Call
from proceedings.models.calls import default_languages


class CallForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=capfirst(_("languages of papers")),
        choices=settings.WRITTEN_LANGUAGES,
        initial=default_languages,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Call
        fields = [
            "event",
            "opens_on",
            "closes_at",
            "languages",
            "requirements",
            "max_pages",
            "originality_share",
            "review_mode",
            "template",
            "published",
        ]


@admin.register(Call)
class CallAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    form = CallForm
    list_display = ["event", "opens_on", "closes_at", "published", "applications_count"]
    list_filter = ["published"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    search_fields = ["event__slug", "event__theme_kk", "event__theme_ru"]

    @admin.display(description=_("applications"))
    def applications_count(self, call):
        return call.applications.count()


class Confirmed(admin.SimpleListFilter):
    title = _("e-mail confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "paper_title",
        "section",
        "attendance",
        "created_at",
        "confirmed_at",
        "paper_link",
        "possible_duplicate",
    ]
    list_filter = [Confirmed, "attendance", "call"]
    list_select_related = ["call__event", "section", "paper", "possible_duplicate"]
    search_fields = ["surname_kk", "surname_ru", "surname_en", "email", "paper_title"]
    readonly_fields = [
        "consent_at",
        "created_at",
        "confirmed_at",
        "person",
        "paper",
        "possible_duplicate",
    ]
    actions = ["merge_with_namesake"]

    def has_add_permission(self, request):
        return False  # applications come through the call's form

    @admin.display(description=_("paper"))
    def paper_link(self, application):
        if application.paper is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:proceedings_paper_change", args=[application.paper_id]),
            application.paper.get_status_display(),
        )

    @admin.action(
        description=_("Merge the applicant with the person of the same name"),
        permissions=["change"],
    )
    def merge_with_namesake(self, request, queryset):
        merged = 0
        for application in queryset.select_related("person", "possible_duplicate"):
            try:
                calls.merge(application)
            except ValidationError as error:
                self.message_user(
                    request, f"{application}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                merged += 1
        if merged:
            self.message_user(
                request, gettext("Merged: %(count)d.") % {"count": merged}, messages.SUCCESS
            )
