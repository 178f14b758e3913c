"""The speaker's pages for their papers: "My papers", a paper's page, uploading a version, the
preview (as a page and as the book's PDF), downloading a version, and moving the paper on.

Who may do what is decided in `proceedings.review` and `proceedings.submission`; these views read
the request, ask the rules and show the answer. A paper is its speaker's and the organisers':
to anyone else it does not exist (404), its files included.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from portal import downloads, throttling
from proceedings import article, dashboard, permissions, review, submission, uploads
from proceedings.forms import AuthorFormSet, MoveForm, PaperForm
from proceedings.models import Author, Paper, PaperVersion
from typesetting import printing

Status = Paper.Status
# The speaker (and the organisers) change the paper's details while it is open for review.
EDITABLE = review.OPEN_FOR_UPLOADS
ACCEPTED_FILES = ".pdf,.docx"

MOVE_LABELS = {
    Status.DRAFT: gettext_lazy("Reopen as a draft"),
    Status.SUBMITTED: gettext_lazy("Submit for review"),
    Status.WITHDRAWN: gettext_lazy("Withdraw the paper"),
    Status.ACCEPTED: gettext_lazy("Accept"),
    Status.REVISION: gettext_lazy("Request a revision"),
    Status.REJECTED: gettext_lazy("Reject"),
}
RECONSIDER_LABEL = gettext_lazy("Return to review")


# --- Finding the paper ---------------------------------------------------------------------------


def person_of(user):
    """The person the account is linked to, or None."""
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def visible_paper(request, pk, papers=None):
    """The paper `pk` when the user may see it (its speaker, organisers); 404 otherwise."""
    papers = papers if papers is not None else Paper.objects.all()
    paper = get_object_or_404(
        papers.select_related("event", "talk", "speaker", "section", "current_version"), pk=pk
    )
    if not permissions.can_view(request.user, paper):
        raise Http404
    return paper


def wants_json(request):
    """The progress-bar uploader asks for JSON; a plain form post gets a page."""
    return "application/json" in request.headers.get("Accept", "")


# --- My papers -----------------------------------------------------------------------------------


@login_required
def my_papers(request):
    person = person_of(request.user)
    return render(
        request,
        "proceedings/my_papers.html",
        {
            "person": person,
            "events": dashboard.talks_and_papers(person) if person else [],
        },
    )


@login_required
@require_POST
def start(request):
    """Start the paper of one of the user's talks (or open it, when it is started already)."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    talk_id = request.POST.get("talk", "")
    if not talk_id.isdigit():
        raise Http404
    talk = get_object_or_404(dashboard.talks_of(person), pk=talk_id)
    paper = dashboard.start_paper(talk, person)
    messages.success(
        request,
        _("Your paper is started. Check its title and authors, then upload the file."),
    )
    return redirect(paper)


# --- A paper's page ------------------------------------------------------------------------------


def move_buttons(user, paper):
    """The buttons for the moves the rules allow `user` now, submitting first: a draft without a
    file shows its Submit button disabled, so that its first button is never Withdraw."""
    moves = []
    if review.submits_once_uploaded(user, paper):
        moves.append(
            {
                "status": Status.SUBMITTED.value,
                "label": MOVE_LABELS[Status.SUBMITTED],
                "waits": True,
            }
        )
    for status in review.allowed_moves(user, paper):
        label = MOVE_LABELS[status]
        if status == Status.SUBMITTED and paper.status == Status.REJECTED:
            label = RECONSIDER_LABEL
        moves.append(
            {
                "status": status.value,
                "label": label,
                "needs_comment": status in review.NEEDS_COMMENT,
                "decision": status in review.DECISIONS,
                "confirmed": status in review.CONFIRMED_MOVES,
            }
        )
    return moves


def paper_forms(request, paper, editable):
    """The metadata form and the authors formset, bound to the POST when there is one."""
    data = request.POST if request.method == "POST" else None
    authors = Author.objects.filter(paper=paper).order_by("role", "order", "pk")
    form = PaperForm(data, instance=paper)
    formset = AuthorFormSet(data, instance=paper, queryset=authors)
    if not editable:
        formset.extra = 0
        formset.can_delete = False
    for author_form in formset.initial_forms:
        # As the collection prints the name: in the paper's language.
        author_form.printed_name = author_form.instance.short_name_in(paper.language)
    return form, formset


@csrf_exempt
@login_required
def paper(request, pk):
    """The paper's page. Its one form holds the details and, optionally, a new file with one Save,
    so what the speaker typed is never lost to an upload (`store_file` keeps it on a refusal).

    As in `upload`, the size limit goes in before anything reads the POST, the CSRF check after.
    """
    limit = uploads.limit_upload_size(request) if request.method == "POST" else None
    return paper_page(request, pk, limit)


@csrf_protect
def paper_page(request, pk, limit):
    paper = visible_paper(request, pk)
    editable = paper.status in EDITABLE
    if request.method == "POST" and not editable:
        messages.error(
            request,
            _("This paper is “%(status)s”: its details no longer change.")
            % {"status": paper.get_status_display()},
        )
        return redirect(paper)
    form, formset = paper_forms(request, paper, editable)
    if request.method == "POST":
        # The paper's form first: the authors are checked against the language it sets.
        paper_valid = form.is_valid()
        if formset.is_valid() and paper_valid:
            if "file" in request.FILES or limit.refusal is not None:
                return store_file(request, paper, limit, details=(form, formset))
            save_details(form, formset)
            messages.success(request, _("The paper's details are saved."))
            return redirect(paper)
        if wants_json(request):
            errors = [_("The details are not saved:"), *field_errors(form, formset)]
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        messages.error(request, _("The details are not saved: see the marked fields."))
        if limit.refusal is not None:
            messages.error(request, " ".join(limit.refusal.messages))
    return paper_response(request, paper, form, formset)


def field_errors(form, formset):
    """The forms' errors as "Label: message" lines, for the uploader, which marks no field."""
    lines = [
        f"{each[name].label}: {message}" if name in each.fields else message
        for each in [form, *formset.forms]
        for name, field_messages in each.errors.items()
        for message in field_messages
    ]
    return lines + list(formset.non_form_errors())


def save_details(form, formset):
    with transaction.atomic():
        form.save()
        formset.save()


def paper_response(request, paper, form, formset, status=200):
    versions = list(paper.versions.select_related("uploaded_by__person").order_by("-number"))
    history = list(paper.status_changes.select_related("changed_by__person"))
    return render(
        request,
        "proceedings/paper.html",
        {
            "paper": paper,
            "form": form,
            "formset": formset,
            "editable": paper.status in EDITABLE,
            "moves": move_buttons(request.user, paper),
            "paper_versions": versions,
            "history": history,
            "upload_refusal": submission.upload_refusal(paper, request.user),
            "reopened": submission.reopened_after_deadline(paper),
            "max_bytes": settings.PAPER_UPLOAD_MAX_BYTES,
            "too_large": uploads.too_large(settings.PAPER_UPLOAD_MAX_BYTES).messages[0],
            "accepted_files": ACCEPTED_FILES,
            "organiser": permissions.is_organiser(request.user),
        },
        status=status,
    )


# --- Uploading a version -------------------------------------------------------------------------


@csrf_exempt
@login_required
@require_POST
def upload(request, pk):
    """Store the uploaded file as the paper's next version (a file alone, without the details).

    The size limit is enforced while the request streams in, so its handler goes in before
    anything reads request.POST or request.FILES; the CSRF check, which reads them, comes after
    (Django's "Modifying upload handlers on the fly").
    """
    limit = uploads.limit_upload_size(request)
    return store_upload(request, pk, limit)


@csrf_protect
def store_upload(request, pk, limit):
    return store_file(request, visible_paper(request, pk), limit)


# Counted once the file is in (the CSRF check reads it): a refusal sent while the browser is still
# sending the file may be lost on the way, and the limit guards the conversion, not the bandwidth.
@throttling.per_user("UPLOAD_RATE_LIMIT")
def store_file(request, paper, limit, details=None):
    """Store the uploaded file as the next version, then the `details` (the paper's form and its
    authors, already valid) sent with it. A refused file saves nothing: the page comes back with
    the typed details and the refusal, so the speaker chooses the file again and loses no text."""
    uploaded = request.FILES.get("file")
    errors, status = [], 400
    version = None
    if limit.refusal is not None:
        errors = limit.refusal.messages
    elif uploaded is None:
        errors = [_("Choose the file of your paper: a DOCX or a PDF.")]
    else:
        try:
            version = submission.add_version(paper, uploaded, request.user)
        except PermissionDenied as error:
            errors, status = [str(error) or _("You may not upload a version of this paper.")], 403
        except ValidationError as error:
            errors = error.messages
    if version is not None:
        if details is not None:
            save_details(*details)
        messages.success(request, uploaded_message(version))
        if wants_json(request):
            return JsonResponse({"ok": True, "number": version.number, "url": paper_url(paper)})
        return redirect(paper)
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "errors": [str(error) for error in errors]}, status=status
        )
    for error in errors:
        messages.error(request, error)
    if details is not None:
        return paper_response(request, paper, *details, status=status)
    return redirect(paper_url(paper) + "#upload")


def uploaded_message(version):
    text = _("Version %(number)s is uploaded: it is now the current one.") % {
        "number": version.number
    }
    if version.conversion_warnings:
        text += " " + _("Some parts could not be converted: see the preview.")
    return text


def paper_url(paper):
    return paper.get_absolute_url()


# --- Preview -------------------------------------------------------------------------------------


@login_required
@throttling.per_user("PREVIEW_RATE_LIMIT")
def preview(request, pk):
    paper = visible_paper(request, pk, article.with_authors(Paper.objects.all()))
    version = paper.current_version
    return render(
        request,
        "proceedings/preview.html",
        {
            "paper": paper,
            "version": version,
            "article": article.article(paper, version),
            "warnings": version.warnings() if version else [],
        },
    )


@login_required
@throttling.per_user("PREVIEW_RATE_LIMIT")
def preview_pdf(request, pk):
    """The paper typeset as the book prints it; a PDF version is the book's page as it is."""
    paper = visible_paper(request, pk, article.with_authors(Paper.objects.all()))
    version = paper.current_version
    if version is not None and version.kind == PaperVersion.Kind.PDF:
        return redirect(version.get_download_url())
    printed = article.article(paper, version)
    pdf = printing.render_pdf(
        "print/paper.html",
        {"article": printed},
        lang=paper.language,
        title=printed["title"] or str(paper),
        authors=[author["name"] for author in printed["authors"]],
        keywords=paper.keyword_list(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="paper-{paper.pk}.pdf"'
    return response


# --- Files ---------------------------------------------------------------------------------------


@login_required
def download(request, pk, number):
    """A stored version, to its speaker and the organisers only, always as an attachment."""
    paper = visible_paper(request, pk)
    version = get_object_or_404(PaperVersion.objects.filter(paper=paper), number=number)
    return downloads.stored_file(version.file, version.original_name, version.content_type)


# --- Moving the paper on -------------------------------------------------------------------------


@login_required
@require_POST
def move(request, pk):
    paper = visible_paper(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the paper."))
        return redirect(paper)
    to = Status(form.cleaned_data["status"])
    confirming = to in review.CONFIRMED_MOVES and to in review.allowed_moves(request.user, paper)
    if confirming and not form.cleaned_data["confirmed"]:
        return render(
            request,
            "proceedings/confirm_move.html",
            {"paper": paper, "move": {"status": to.value, "label": MOVE_LABELS[to]}},
        )
    try:
        moved = review.move(paper, to, request.user, form.cleaned_data["comment"])
    except (PermissionDenied, ValidationError) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The paper is now “%(status)s”.") % {"status": moved.get_status_display()}
        )
    return redirect(paper)
