from django.shortcuts import get_object_or_404, render

from portal import page_cache
from roundtable import permissions as roundtable_permissions
from roundtable.models import ReleasedItem
from speakers import names
from speakers.models import Participation

PERSON_WITH_TERMS = ("person__degree", "person__academic_title", "person__rank")


@page_cache.public_page
def roster(request, slug):
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    speakers = (
        Participation.objects.filter(event=event, is_speaker=True)
        .select_related(*PERSON_WITH_TERMS)
        .order_by(names.alphabetical("person__surname"), names.alphabetical("person__given_name"))
    )
    return render(
        request,
        "speakers/roster.html",
        {"event": event, "speakers": speakers, "section": "speakers"},
    )


@page_cache.public_page
def participants(request, slug):
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    listed = Participation.objects.filter(event=event, is_listed=True).select_related(
        *PERSON_WITH_TERMS
    )
    return render(
        request,
        "speakers/participants.html",
        {"event": event, "participants": listed, "section": "participants"},
    )


@page_cache.public_page
def speaker(request, slug, person):
    event = get_object_or_404(roundtable_permissions.viewable_by(request.user), slug=slug)
    participation = get_object_or_404(
        Participation.objects.select_related(*PERSON_WITH_TERMS),
        event=event,
        person__slug=person,
    )
    # As released: the draft is the organisers'.
    talks = ReleasedItem.objects.filter(release__current_of=event, speakers=participation.person)
    return render(
        request,
        "speakers/speaker.html",
        {
            "event": event,
            "participation": participation,
            "person": participation.person,
            "talks": talks,
            "section": "speakers",
        },
    )
