"""The organisers' desk for certificates: each round table's template with its signatories, the
certificates issued (revoke, issue again, the PDF) and the mailings with their progress."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from participants import certificate_mailing, certificates
from participants.models import Certificate, CertificateBatch, CertificateTemplate, Signatory
from portal import downloads
from portal.concurrent_edits import RefusesStaleForms


class SignatoryInline(TranslationTabularInline):
    model = Signatory
    extra = 0
    fields = ["order", "name", "position", "signature"]


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    list_display = ["event", "title", "certificates_count"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    search_fields = ["event__slug", "event__theme_kk", "event__theme_ru"]
    inlines = [SignatoryInline]
    actions = ["issue_and_send"]

    @admin.display(description=_("certificates"))
    def certificates_count(self, template):
        return template.event.certificates.count()

    @admin.action(description=_("Issue and send certificates"), permissions=["change"])
    def issue_and_send(self, request, queryset):
        for template in queryset.select_related("event"):
            batch = certificate_mailing.issue_and_send(template.event, request.user)
            self.message_user(
                request,
                ngettext(
                    "%(event)s: %(count)d certificate is being typeset and sent.",
                    "%(event)s: %(count)d certificates are being typeset and sent.",
                    batch.total,
                )
                % {"event": template.event, "count": batch.total},
                messages.SUCCESS,
            )


class Revoked(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("revoked")), ("no", _("valid"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason for revocation"), max_length=500)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "person",
        "event",
        "role",
        "in_english",
        "issued_at",
        "state",
        "pdf_link",
    ]
    list_filter = ["event", "role", Revoked]
    list_select_related = ["event", "person"]
    search_fields = ["number", "person__surname_kk", "person__surname_ru", "person__surname_en"]
    fields = [
        "number",
        "event",
        "person",
        "role",
        "in_english",
        "issued_at",
        "revoked_at",
        "revocation_reason",
        "pdf_link",
    ]
    readonly_fields = [
        "number",
        "event",
        "person",
        "issued_at",
        "revoked_at",
        "revocation_reason",
        "pdf_link",
    ]
    actions = ["revoke", "issue_again"]

    def has_add_permission(self, request):
        return False  # issued from the round table's certificate template

    def get_urls(self):
        pdf = path(
            "<int:pk>/pdf/",
            self.admin_site.admin_view(self.pdf),
            name="participants_certificate_pdf",
        )
        return [pdf, *super().get_urls()]

    def pdf(self, request, pk):
        certificate = get_object_or_404(Certificate, pk=pk)
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        if not certificate.pdf:
            certificates.store(certificate, certificates.typeset([self.typesettable(pk)])[0])
        return downloads.stored_file(
            certificate.pdf, f"{certificate.number}.pdf", "application/pdf"
        )

    def typesettable(self, pk):
        return certificates.for_typesetting().get(pk=pk)

    @admin.display(description=_("state"))
    def state(self, certificate):
        if certificate.is_revoked:
            return _("revoked")
        return _("valid")

    @admin.display(description=_("PDF"))
    def pdf_link(self, certificate):
        if not certificate.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:participants_certificate_pdf", args=[certificate.pk]),
            _("download"),
        )

    @admin.action(description=_("Revoke the certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for certificate in queryset.filter(revoked_at=None):
                certificates.revoke(certificate, form.cleaned_data["reason"])
                revoked += 1
            self.message_user(
                request,
                ngettext(
                    "Revoked %(count)d certificate.", "Revoked %(count)d certificates.", revoked
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/participants/certificate/revoke.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Revoke the certificates"),
                "form": form,
                "queryset": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Issue again (the same number)"), permissions=["change"])
    def issue_again(self, request, queryset):
        chosen = list(
            certificates.for_typesetting().filter(pk__in=queryset, revoked_at__isnull=False)
        )
        for certificate in chosen:
            certificates.issue_again(certificate)
        self.message_user(
            request,
            ngettext(
                "Issued %(count)d certificate again.",
                "Issued %(count)d certificates again.",
                len(chosen),
            )
            % {"count": len(chosen)},
            messages.SUCCESS,
        )


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    list_display = ["event", "requested_at", "requested_by", "progress", "total", "sent", "failed"]
    list_select_related = ["event", "requested_by"]
    fields = [
        "event",
        "requested_at",
        "requested_by",
        "progress",
        "total",
        "sent",
        "failed",
        "errors",
    ]
    readonly_fields = fields
    change_list_template = "admin/participants/certificatebatch/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, batch):
        return format_html(
            '<progress class="certificate-progress" max="100" value="{}">{}%</progress> {}%',
            batch.percent,
            batch.percent,
            batch.percent,
        )

    def changelist_view(self, request, extra_context=None):
        # The list reloads itself while a mailing runs: its progress bars move.
        running = CertificateBatch.objects.filter(total__gt=F("sent") + F("failed")).exists()
        return super().changelist_view(request, {**(extra_context or {}), "refresh": running})
