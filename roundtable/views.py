from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from roundtable.models import ProgrammeItem, RoundTable
from speakers.models import Participation, Person


def home(request):
    return render(
        request, "roundtable/home.html", {"events": RoundTable.objects.visible_to(request.user)}
    )


def event(request, slug):
    speakers = Person.objects.select_related("degree", "academic_title", "rank")
    programme = ProgrammeItem.objects.prefetch_related(Prefetch("speakers", queryset=speakers))
    participations = Participation.objects.select_related(
        "person__degree", "person__academic_title", "person__rank"
    )
    event = get_object_or_404(
        RoundTable.objects.visible_to(request.user).prefetch_related(
            Prefetch("programme_items", queryset=programme, to_attr="programme"),
            Prefetch("participations", queryset=participations),
        ),
        slug=slug,
    )
    return render(request, "roundtable/event.html", {"event": event, "section": "programme"})
