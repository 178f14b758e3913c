from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from roundtable import views

public_patterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.event, name="event"),
    path("<slug:slug>/programme.pdf", views.programme_pdf, name="programme_pdf"),
    path("<slug:slug>/", include("speakers.urls")),
    path("<slug:slug>/", include("resolutions.urls")),
    path("<slug:slug>/", include("proceedings.public_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    *i18n_patterns(
        # Django's account pages, signing in by e-mail, and the speakers' invitation links.
        path("accounts/", include("speakers.account_urls")),
        # The speakers' papers, before the round tables' `<slug>/` pages.
        path("my/papers/", include("proceedings.urls")),
        path("", include((public_patterns, "roundtable"))),
    ),
]
