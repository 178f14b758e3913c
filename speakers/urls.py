from django.urls import path

from speakers import views

urlpatterns = [
    path("speakers/", views.roster, name="speakers"),
    path("speakers/<slug:person>/", views.speaker, name="speaker"),
    path("participants/", views.participants, name="participants"),
]
