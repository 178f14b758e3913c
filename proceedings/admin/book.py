"""The organisers' desk for the proceedings and their book.

The proceedings' page edits what the book prints and builds the book: a button queues a build
(`builds.request_build`), a panel follows its progress (polling a JSON view) and offers the last
good book, served from the private storage, and says beside the button what that book lacks
(`book_gaps`: papers accepted, changed or withdrawn since); the build history is listed below.
The current book downloads as a Crossref deposit (`crossref`) and as a zip for eLibrary
(`elibrary`), or the page says what each lacks.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TabbedTranslationAdmin

from portal import downloads, throttling
from portal.admin_base import ReadOnlyInline
from portal.concurrent_edits import RefusesStaleForms
from proceedings import builds, crossref, elibrary
from proceedings.book_gaps import gaps
from proceedings.models import (
    BookBuild,
    Proceedings,
)

# --- Proceedings and their book ------------------------------------------------------------------


def duration_text(delta):
    """A build's duration as the panel shows it: “1.4 s”, “2 min 05 s”."""
    if delta is None:
        return ""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 60:
        return gettext("%(seconds)s s") % {"seconds": formats.number_format(seconds, 1)}
    minutes, seconds = divmod(round(seconds), 60)
    return gettext("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}


def elapsed(build, now):
    """How long `build` ran, or has been running so far."""
    if build.status == BookBuild.Status.RUNNING and build.started_at:
        return now - build.started_at
    return build.duration


def book_url(build):
    return reverse("admin:proceedings_proceedings_book", args=[build.proceedings_id, build.pk])


def local_time(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def book_state(latest, current, lacks):
    """What the book panel shows, on the page and to its polling script (as JSON).

    `latest` is the newest build, whatever its outcome; `current` the last successful one, whose
    PDF is the book; `lacks` its Gaps, what a rebuild would bring in.
    """
    now = timezone.now()
    active = latest is not None and latest.status in BookBuild.ACTIVE
    return {
        "active": active,
        "build": latest
        and {
            "id": latest.pk,
            "variant": latest.variant,
            "variant_display": latest.get_variant_display(),
            "status": latest.status,
            "status_display": latest.get_status_display(),
            "stage": latest.stage,
            "stage_display": latest.get_stage_display(),
            "progress": latest.progress,
            "requested_at": local_time(latest.requested_at),
            "duration": duration_text(elapsed(latest, now)),
            "page_count": latest.page_count,
            "error": latest.error,
        },
        "book": current
        and {
            "url": book_url(current),
            "page_count": current.page_count,
            "label": gettext("Download the book (PDF, %(pages)s pages, built %(when)s)")
            % {"pages": current.page_count, "when": local_time(current.finished_at)},
        },
        "gaps": lacks.messages(),
    }


class BuildHistoryInline(ReadOnlyInline):
    """Every build of the book, the newest first: its variant, who asked, how it went, its PDF."""

    model = BookBuild
    fields = [
        "requested_at",
        "variant",
        "requested_by",
        "status",
        "stage",
        "duration_display",
        "page_count",
        "papers_typeset",
        "error",
        "download",
    ]
    readonly_fields = fields
    verbose_name_plural = _("build history")

    def get_queryset(self, request):
        # Each row's title names the proceedings.
        return super().get_queryset(request).select_related("requested_by", "proceedings")

    @admin.display(description=_("duration"))
    def duration_display(self, build):
        return duration_text(build.duration) or "–"

    @admin.display(description=_("PDF"))
    def download(self, build):
        if build.status != BookBuild.Status.SUCCEEDED or not build.pdf:
            return "–"
        return format_html('<a href="{}">{}</a>', book_url(build), gettext("Download"))


@admin.register(Proceedings)
class ProceedingsAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    list_display = ["title", "event", "year", "published"]
    list_filter = ["published", "year"]
    list_select_related = ["event"]
    search_fields = ["title_kk", "title_ru", "title_en", "event__slug"]
    autocomplete_fields = ["event"]
    readonly_fields = ["published_at", "sheets_of_current_book"]
    fieldsets = [
        (_("Titles"), {"fields": ["event", "title", "subtitle", "running_title", "organiser"]}),
        (
            _("Cataloguing"),
            {"fields": ["isbn", "udc", "bbk", "author_mark", "annotation"]},
        ),
        (_("Editorial board"), {"fields": ["editors"]}),
        (
            _("Front matter"),
            {"fields": ["include_programme", "include_participants", "include_resolution"]},
        ),
        (_("Layout"), {"fields": ["papers_start"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "publisher",
                    "city",
                    "country",
                    "year",
                    "licence",
                    "published",
                    "published_at",
                ]
            },
        ),
        (
            _("Output data"),
            {
                "fields": [
                    "signed_to_print",
                    "paper_format",
                    "paper",
                    "typeface",
                    "sheets_of_current_book",
                    "print_run",
                    "order_number",
                    "printing_house",
                    "printing_house_address",
                ]
            },
        ),
        (_("Review"), {"fields": ["require_article_head"]}),
    ]
    inlines = [BuildHistoryInline]

    class Media:
        js = ["proceedings/build_progress.js"]

    @admin.display(description=_("conventional printed sheets"))
    def sheets_of_current_book(self, proceedings):
        """Computed from the current book's pages and the format; a new build recomputes it."""
        build = proceedings.current_build() if proceedings.pk else None
        if build is None or build.page_count is None:
            return _("Computed when the book is built.")
        return proceedings.conventional_sheets(build.page_count)

    def has_build_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.build_proceedings")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/build/",
                self.admin_site.admin_view(require_POST(self.build_view)),
                name="{}_{}_build".format(*info),
            ),
            path(
                "<path:object_id>/build/status/",
                self.admin_site.admin_view(self.build_status_view),
                name="{}_{}_build_status".format(*info),
            ),
            path(
                "<path:object_id>/builds/<int:build_id>/book.pdf",
                self.admin_site.admin_view(self.book_view),
                name="{}_{}_book".format(*info),
            ),
            path(
                "<path:object_id>/crossref.xml",
                self.admin_site.admin_view(self.crossref_view),
                name="{}_{}_crossref".format(*info),
            ),
            path(
                "<path:object_id>/elibrary.zip",
                self.admin_site.admin_view(self.elibrary_view),
                name="{}_{}_elibrary".format(*info),
            ),
            *super().get_urls(),
        ]

    def proceedings_for(self, request, object_id, *, build=False):
        """The proceedings of the URL, if the user may see them (and, to `build`, change them)."""
        proceedings = self.get_object(request, unquote(object_id))
        if proceedings is None:
            raise Http404(gettext("There are no such proceedings."))
        allowed = (
            self.has_build_permission(request)
            if build
            else self.has_view_permission(request, proceedings)
        )
        if not allowed:
            raise PermissionDenied
        return proceedings

    @staticmethod
    def builds_of(proceedings):
        """The newest build, whatever its outcome and variant, and the book: the last successful
        screen build."""
        latest = proceedings.builds.order_by("-requested_at", "-pk").first()
        # A build whose worker was killed shows as failed on the next look (the change page or
        # the panel's polling), not only when a new one is asked for.
        if latest is not None:
            builds.fail_if_stale(latest)
        is_book = (
            latest is not None
            and latest.status == BookBuild.Status.SUCCEEDED
            and latest.variant == BookBuild.Variant.SCREEN
        )
        return latest, latest if is_book else proceedings.current_build()

    def book_state_of(self, proceedings):
        latest, book = self.builds_of(proceedings)
        return book_state(latest, book, gaps(proceedings, book))

    @method_decorator(throttling.per_user("BOOK_BUILD_RATE_LIMIT"))
    def build_view(self, request, object_id):
        """Queue a build of the variant the form chose (the screen book without a choice)."""
        proceedings = self.proceedings_for(request, object_id, build=True)
        variant = request.POST.get("variant", BookBuild.Variant.SCREEN)
        if variant not in BookBuild.Variant.values:
            return HttpResponseBadRequest(gettext("There is no such variant of the book."))
        try:
            builds.request_build(proceedings, request.user, variant)
        except builds.AlreadyBuilding as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("The book is being built; this page shows how far it has got."),
                messages.SUCCESS,
            )
        url = reverse("admin:proceedings_proceedings_change", args=[proceedings.pk])
        return HttpResponseRedirect(f"{url}#book-build")

    def build_status_view(self, request, object_id):
        proceedings = self.proceedings_for(request, object_id)
        # admin_view marks it private and never cached.
        return JsonResponse(self.book_state_of(proceedings))

    def book_view(self, request, object_id, build_id):
        """A built PDF, from the private storage, to those who may see the proceedings."""
        proceedings = self.proceedings_for(request, object_id)
        build = proceedings.builds.filter(pk=build_id, status=BookBuild.Status.SUCCEEDED).first()
        if build is None or not build.pdf:
            raise Http404
        return downloads.stored_file(
            build.pdf, f"{proceedings.event.slug}-book-{build.pk}.pdf", "application/pdf"
        )

    def crossref_view(self, request, object_id):
        """The current book as a Crossref deposit, or back to the page saying why it cannot be."""
        proceedings = self.proceedings_for(request, object_id)
        build = proceedings.current_build()
        refusals = crossref.problems(proceedings, build)
        if refusals:
            for refusal in refusals:
                self.message_user(request, refusal, messages.ERROR)
            url = reverse("admin:proceedings_proceedings_change", args=[proceedings.pk])
            return HttpResponseRedirect(f"{url}#crossref")
        xml = crossref.deposit(proceedings, build)
        response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{proceedings.event.slug}-crossref.xml"'
        )
        return response

    def elibrary_view(self, request, object_id):
        """The current book as eLibrary's zip, or back to the page saying why it cannot be."""
        proceedings = self.proceedings_for(request, object_id)
        build = proceedings.current_build()
        refusals = elibrary.problems(proceedings, build)
        if refusals:
            for refusal in refusals:
                self.message_user(request, refusal, messages.ERROR)
            url = reverse("admin:proceedings_proceedings_change", args=[proceedings.pk])
            return HttpResponseRedirect(f"{url}#elibrary")
        response = HttpResponse(
            elibrary.archive(proceedings, build), content_type="application/zip"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{proceedings.event.slug}-elibrary.zip"'
        )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            latest, book = self.builds_of(obj)
            context["book_panel"] = {
                "state": book_state(latest, book, gaps(obj, book)),
                "status_url": reverse("admin:proceedings_proceedings_build_status", args=[obj.pk]),
                "build_url": reverse("admin:proceedings_proceedings_build", args=[obj.pk]),
                "can_build": self.has_build_permission(request),
                "variants": BookBuild.Variant.choices,
            }
            context["crossref"] = {
                "url": reverse("admin:proceedings_proceedings_crossref", args=[obj.pk]),
                "problems": crossref.problems(obj, book),
            }
            context["elibrary"] = {
                "url": reverse("admin:proceedings_proceedings_elibrary", args=[obj.pk]),
                "problems": elibrary.problems(obj, book),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
