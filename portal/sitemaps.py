"""The base of the site's sitemaps (/sitemap.xml) and its robots.txt.

Addresses are made from SITE_URL, never from the host a request happened to name: a crawler
that reached the site by its IP address must still be told the site's own addresses.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse

from portal.templatetags.languages import language_tag


class SiteSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def _urls(self, page, protocol, domain):
        """Django's entries, their alternates' hreflang in BCP 47 (kk-Latn, not kk-latn), as the
        pages' own alternates name them."""
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            for alternate in url["alternates"]:
                alternate["lang_code"] = language_tag(alternate["lang_code"])
        return urls


def robots_txt(request):
    """What crawlers may read: everything public; not the admin, accounts, speakers' and
    reviewers' pages or the API (whose lists repeat the pages); and where the sitemap is."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ("/admin/", "/api/")]
    for code, _name in settings.LANGUAGES:
        lines += [f"Disallow: /{code}/{part}/" for part in ("accounts", "my")]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
