"""The reviewer's pages: *My reviews* (the papers the organisers asked them to review) and one
review's page, the paper as printed beside the form.

A reviewer sees only the papers assigned to them; any other assignment does not exist (404).
Under a double-blind call the page leaves out the authors and does not hand out the uploaded
file, which carries their names (proceedings/reviewing.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import downloads, errors
from proceedings import article, reviewing
from proceedings.forms import ReviewForm
from proceedings.models import Paper

WITHHELD = gettext_lazy(
    "The review is double-blind: the uploaded file carries the authors' names, so it is not "
    "given to reviewers. The paper as printed is on the review page, without its authors."
)


def assignment_of(request, pk):
    """The user's own assignment `pk`; 404 for anyone else's."""
    return get_object_or_404(reviewing.assignments_of(request.user), pk=pk)


@login_required
def my_reviews(request):
    return render(
        request,
        "proceedings/my_reviews.html",
        {"assignments": reviewing.assignments_of(request.user)},
    )


@login_required
def review(request, pk):
    assignment = assignment_of(request, pk)
    paper = get_object_or_404(
        article.with_authors(Paper.objects.select_related("event__call", "speaker")),
        pk=assignment.paper_id,
    )
    blind = reviewing.hides_authors(paper)
    current = reviewing.review_of(assignment)
    form = ReviewForm(request.POST if request.method == "POST" else None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reviewing.save(form.instance, request.user, submit="submit" in request.POST)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your review is submitted. Thank you!")
                    if current.submitted_at
                    else _("Your review is kept; submit it when it is complete."),
                )
                return redirect("reviews:review", pk=assignment.pk)
        status = 400
    printed = article.article(paper)
    return render(
        request,
        "proceedings/review.html",
        {
            "assignment": assignment,
            "paper": paper,
            "blind": blind,
            "withheld": WITHHELD,
            "article": article.without_authors(printed, paper) if blind else printed,
            "form": form,
            "submitted": current.submitted_at,
        },
        status=status,
    )


@login_required
def download(request, pk):
    """The paper's current file, to a reviewer of a single-blind call only."""
    assignment = assignment_of(request, pk)
    paper = assignment.paper
    if reviewing.hides_authors(paper):
        return errors.answer(request, 403, "403.html", _("Access denied"), WITHHELD)
    version = paper.current_version
    if version is None:
        return errors.answer(
            request, 404, "404.html", _("No file"), _("The paper has no file yet.")
        )
    return downloads.stored_file(version.file, version.original_name, version.content_type)
