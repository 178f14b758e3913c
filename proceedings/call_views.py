"""The open call's pages: the call, its application form, and the confirmation of an address.

The call's page depends on the clock (open, not yet, closed), so it is not kept by the page cache.
The confirmation link opens a page with a button: mail scanners that follow links in letters
must not confirm anything.
"""

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from modeltranslation.utils import get_language as written_language

from portal import downloads
from proceedings import calls
from proceedings.call_forms import ApplicationForm, CoauthorFormSet, coauthors
from proceedings.models import Section
from roundtable import permissions as roundtable_permissions
from speakers import invitations


def call_of(request, slug):
    """The round table and its call, when the call is published (organisers see it before)."""
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    call = getattr(event, "call", None)
    if call is None or not (call.published or roundtable_permissions.can_preview(request.user)):
        raise Http404
    return event, call


def call_page(request, slug):
    event, call = call_of(request, slug)
    now = timezone.now()
    return render(
        request,
        "proceedings/call.html",
        {
            "event": event,
            "call": call,
            "section": "call",
            "sections": Section.objects.filter(event=event),
            "is_open": call.is_open(now),
            "not_yet": timezone.localdate(now) < call.opens_on,
        },
    )


def call_template(request, slug):
    _event, call = call_of(request, slug)
    if not call.template:
        raise Http404
    name = call.template.name.rsplit("/", 1)[-1]
    return downloads.stored_file(call.template, name, "application/octet-stream")


@require_http_methods(["GET", "POST"])
def apply(request, slug):
    event, call = call_of(request, slug)
    if not call.is_open():
        return redirect("roundtable:call", slug)
    form = ApplicationForm(request.POST or None, request.FILES or None, call=call)
    formset = CoauthorFormSet(request.POST or None, prefix="coauthors")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        application = form.save(commit=False)
        application.language = written_language()  # kk from a page in the Latin alphabet
        application.coauthors = coauthors(formset)
        try:
            calls.receive(application, form.cleaned_data["file"], request)
        except ValidationError as error:
            form.add_error("file" if error.code != "closed" else None, error)
        else:
            request.session["application_email"] = application.email
            return redirect("roundtable:call_applied", slug)
    return render(
        request,
        "proceedings/apply.html",
        {"event": event, "call": call, "section": "call", "form": form, "formset": formset},
    )


def applied(request, slug):
    event, call = call_of(request, slug)
    return render(
        request,
        "proceedings/applied.html",
        {
            "event": event,
            "call": call,
            "section": "call",
            "email": request.session.get("application_email", ""),
            "valid_days": calls.CONFIRMATION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def confirm(request, slug, token):
    try:
        application = calls.application_of(token, slug)
    except calls.LinkProblem as problem:
        return render(request, "proceedings/confirm.html", {"problem": str(problem)}, status=400)
    if request.method == "POST":
        try:
            user = calls.confirm(application)
        except ValidationError as error:
            return render(
                request,
                "proceedings/confirm.html",
                {"application": application, "problem": " ".join(error.messages)},
                status=409,
            )
        if not user.has_usable_password():
            return redirect(invitations.password_link_path(user))
        messages.success(request, _("Your application is confirmed. Sign in to follow your paper."))
        return redirect(
            f"{reverse('login')}?{REDIRECT_FIELD_NAME}={reverse('proceedings:my_papers')}"
        )
    return render(request, "proceedings/confirm.html", {"application": application})
