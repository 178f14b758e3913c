"""/oai: the OAI-PMH data provider (proceedings/oai.py), outside the language prefix, as
harvesters ask it by GET or by POST."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from proceedings import oai


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request):
    query = request.POST if request.method == "POST" else request.GET
    return HttpResponse(oai.respond(query), content_type="text/xml; charset=utf-8")
