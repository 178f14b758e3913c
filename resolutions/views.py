from django.http import Http404
from django.shortcuts import get_object_or_404, render

from resolutions import drafting
from resolutions.models import Resolution
from roundtable.models import RoundTable


def resolution(request, slug):
    event = get_object_or_404(RoundTable.objects.visible_to(request.user), slug=slug)
    document = get_object_or_404(
        Resolution.objects.prefetch_related("sections__items"), event=event
    )
    if not drafting.can_read(request.user, document):
        raise Http404
    return render(
        request,
        "resolutions/resolution.html",
        {"event": event, "resolution": document, "section": "resolution"},
    )
