"""/<lang>/<slug>/registration/…: a round table's registration of listeners and a registrant's
own page, and /<lang>/<slug>/check-in/…: the organisers' check-in (config/urls.py mounts them)."""

from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("registration/", views.register, name="register"),
    path("registration/sent/", views.registered, name="registered"),
    path("registration/<str:token>/", views.page, name="page"),
    path("registration/<str:token>/confirm/", views.confirm, name="confirm"),
    path("registration/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registration/<str:token>/calendar.ics", views.calendar_entry, name="calendar"),
    path("registration/<str:token>/qr.png", views.qr_code, name="qr_code"),
    path("check-in/", views.check_in, name="check_in"),
    path("check-in/<str:token>/", views.check_in_registration, name="check_in_registration"),
]
