"""The answers to requests that fail: 400, 403 (CSRF failures too), 404 and 500.

On the site they are pages in the site's look and in the visitor's language: the language of the
address's /kk/ /ru/ /en/ prefix, or outside the prefixes the one LocaleMiddleware chose from the
language cookie and Accept-Language. Under /api/ they are JSON, `{"detail": "…"}` as DRF answers
its own errors, in the language of `?lang=` (else the cookie's or Accept-Language's).

The 500 page reads neither the database nor the request (a server error may come from either):
it is rendered without context processors, like the 503 page of portal/outages.py. The others
extend base.html. None of them is kept by the page cache, which keeps only 200s.
"""

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"


def bad_request(request, exception):
    return answer(
        request,
        400,
        "400.html",
        _("Bad request"),
        _("The request could not be understood. Check the address."),
    )


def permission_denied(request, exception):
    return answer(
        request,
        403,
        "403.html",
        _("Access denied"),
        _("You do not have permission to do this."),
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: most often a form kept open past its session, or cookies turned off."""
    return answer(
        request,
        403,
        "403_csrf.html",
        _("The form could not be sent"),
        _("The form has expired or cookies are off. Reload the page and send it again."),
    )


def page_not_found(request, exception):
    return answer(
        request, 404, "404.html", _("Page not found"), _("There is nothing at this address.")
    )


def server_error(request):
    with translation.override(language_of(request)):
        if is_api(request):
            return api_error(_("Something went wrong on our side. Try again later."), 500)
        return HttpResponseServerError(render_to_string("500.html"))


def answer(request, status, template, heading, detail):
    with translation.override(language_of(request)):
        if is_api(request):
            return api_error(detail, status)
        return render(request, template, {"heading": heading, "detail": detail}, status=status)


def is_api(request):
    return request.path_info.startswith(API_PREFIX)


def language_of(request):
    """The visitor's language, chosen here as LocaleMiddleware chooses it: the failure may have
    come before that middleware ran (a request for another host fails in the page cache's)."""
    if is_api(request) and request.GET.get("lang") in dict(settings.WRITTEN_LANGUAGES):
        return request.GET["lang"]
    return translation.get_language_from_request(request, check_path=True)


def api_error(detail, status):
    return JsonResponse({"detail": str(detail)}, status=status)
