from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from proceedings.typesetting import render_pdf
from roundtable import schedule
from roundtable.models import RoundTable


def home(request):
    return render(
        request, "roundtable/home.html", {"events": RoundTable.objects.visible_to(request.user)}
    )


def event(request, slug):
    event = get_object_or_404(
        RoundTable.objects.visible_to(request.user).with_programme(), slug=slug
    )
    return render(request, "roundtable/event.html", {"event": event, "section": "programme"})


def programme_pdf(request, slug):
    """The printed programme: in Kazakh then Russian, or in one language with ?language=kk."""
    event = get_object_or_404(
        RoundTable.objects.visible_to(request.user).with_programme(), slug=slug
    )
    language = request.GET.get("language")
    if language is not None and language not in dict(settings.LANGUAGES):
        raise Http404
    languages = [language] if language else schedule.PRINTED_LANGUAGES
    parts = [schedule.printed_programme(event, code) for code in languages]
    pdf = render_pdf(
        "print/programme.html",
        {"parts": parts},
        lang=languages[0],
        title=" / ".join(dict.fromkeys(part["title"] for part in parts)),
        authors=[part["organiser"]["text"] for part in parts[:1] if part["organiser"]["text"]],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"programme-{event.slug}-{'-'.join(languages)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
