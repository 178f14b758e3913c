from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from portal import errors, health
from portal.sitemaps import robots_txt
from proceedings.oai_views import endpoint as oai_endpoint
from proceedings.sitemaps import PaperSitemap
from roundtable import views
from roundtable.sitemaps import RoundTableSitemap

SITEMAPS = {"round-tables": RoundTableSitemap, "papers": PaperSitemap}

public_patterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.event, name="event"),
    path("<slug:slug>/programme.pdf", views.programme_pdf, name="programme_pdf"),
    path("<slug:slug>/programme.ics", views.programme_ics, name="programme_ics"),
    path(
        "<slug:slug>/programme/<int:item>.ics",
        views.programme_item_ics,
        name="programme_item_ics",
    ),
    path("<slug:slug>/schedule.xml", views.schedule_xml, name="schedule_xml"),
    path("<slug:slug>/schedule.json", views.schedule_json, name="schedule_json"),
    path("<slug:slug>/programme.csv", views.programme_csv, name="programme_csv"),
    path("<slug:slug>/participants.csv", views.participants_csv, name="participants_csv"),
    path("<slug:slug>/", include("speakers.urls")),
    path("<slug:slug>/", include("resolutions.urls")),
    path("<slug:slug>/", include("proceedings.public_urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("oai", oai_endpoint, name="oai"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    *i18n_patterns(
        # Django's account pages, signing in by e-mail, and the speakers' invitation links.
        path("accounts/", include("speakers.account_urls")),
        # The speakers' papers, before the round tables' `<slug>/` pages.
        path("my/papers/", include("proceedings.urls")),
        path("my/reviews/", include("proceedings.review_urls")),
        # A registrant's own page, from their letters (before the round tables' `<slug>/`).
        path("", include("participants.urls")),
        path("", include((public_patterns, "roundtable"))),
    ),
]

# Failed requests get the portal's pages in the visitor's language, and JSON under /api/.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
