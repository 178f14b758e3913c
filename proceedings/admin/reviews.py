"""The organisers' side of peer review on a paper's page: its reviewers (added by hand, each told
by a letter through `reviewing.assign`), its originality checks, the submitted reviews beside the
decision buttons, and the list action that spreads papers among reviewers by section."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from proceedings import reviewing
from proceedings.models import OriginalityCheck, Review, ReviewAssignment
from speakers.models import Person


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = ReviewAssignment
        fields = ["reviewer", "due_on"]

    def clean(self):
        cleaned = super().clean()
        reviewer = cleaned.get("reviewer")
        refused = (
            reviewer and not self.instance.pk and reviewing.conflict(self.instance.paper, reviewer)
        )
        if refused:
            self.add_error("reviewer", refused)
        return cleaned


class AssignmentFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if (
                self._should_delete_form(form)
                and form.instance.pk
                and Review.objects.filter(
                    assignment=form.instance, submitted_at__isnull=False
                ).exists()
            ):
                raise ValidationError(
                    gettext("%(person)s has submitted a review: it stays with the paper.")
                    % {"person": form.instance.reviewer}
                )


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    form = AssignmentForm
    formset = AssignmentFormSet
    fields = ["reviewer", "due_on", "assigned_at", "state"]
    readonly_fields = ["assigned_at", "state"]
    autocomplete_fields = ["reviewer"]
    extra = 0
    verbose_name_plural = _("reviewers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "review")

    @admin.display(description=_("review"))
    def state(self, assignment):
        review = reviewing.review_of(assignment) if assignment.pk else None
        if review is None or not review.pk:
            return gettext("Not started")
        return gettext("Submitted") if review.submitted_at else gettext("Started")


class OriginalityInline(admin.TabularInline):
    model = OriginalityCheck
    fields = ["service", "original_share", "checked_at", "report", "report_download", "recorded_by"]
    readonly_fields = ["report_download", "recorded_by"]
    # The papers storage has no public URL: the stored report is offered by `report_download`.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    extra = 0

    @admin.display(description=_("report"))
    def report_download(self, check):
        if not (check.pk and check.report):
            return "–"
        url = reverse("admin:proceedings_paper_originality_report", args=[check.paper_id, check.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))


def save_review_formset(request, paper, formset):
    """Save the reviewers and originality inlines: a new reviewer through `reviewing.assign`
    (which writes them the letter), a new check with who recorded it."""
    for obj in formset.save(commit=False):
        if isinstance(obj, ReviewAssignment) and obj.pk is None:
            try:
                reviewing.assign(paper, obj.reviewer, request.user, obj.due_on)
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            continue
        if isinstance(obj, OriginalityCheck) and obj.pk is None:
            obj.recorded_by = request.user
        obj.save()
    for obj in formset.deleted_objects:
        obj.delete()


def reviews_table(paper):
    """Every submitted review of `paper`: reviewer, scores, recommendation, both comments."""
    reviews = list(reviewing.reviews_of(paper))
    if not reviews:
        return gettext("No review is submitted yet.")
    return format_html_join(
        "",
        '<div class="paper-review"><h4>{}. {} — {}</h4><p>{}</p>'
        "<p><strong>{}</strong><br>{}</p><p><strong>{}</strong><br>{}</p></div>",
        (
            (
                number,
                review.assignment.reviewer,
                review.get_recommendation_display(),
                "; ".join(f"{label}: {score}" for label, score in review.scores()),
                gettext("For the author:"),
                linebreaksbr(review.comments) or "–",
                gettext("For the organisers:"),
                linebreaksbr(review.confidential_comments) or "–",
            )
            for number, review in enumerate(reviews, start=1)
        ),
    )


def originality_summary(paper):
    """The latest check against the call's required share: "below the required 70 %"."""
    check = paper.originality_checks.order_by("-checked_at", "-pk").first()
    if check is None:
        return gettext("Not checked yet.")
    found = gettext("%(share)s %% original (%(service)s)") % {
        "share": number_format(check.original_share.normalize()),
        "service": check.service,
    }
    required = reviewing.below_required(paper)
    if required is None:
        return found
    return format_html(
        '{} — <strong class="originality-below">{}</strong>',
        found,
        gettext("below the required %(share)s %%") % {"share": required},
    )


class SpreadForm(forms.Form):
    count = forms.IntegerField(label=_("Reviewers per paper"), min_value=1, max_value=5, initial=2)
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=Person.objects.exclude(email="").order_by("surname_kk", "surname_ru"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    due_on = forms.DateField(
        label=_("Review due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
