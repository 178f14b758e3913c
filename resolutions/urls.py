from django.urls import path

from resolutions import views

urlpatterns = [
    path("resolution/", views.resolution, name="resolution"),
]
