"""/<lang>/my/papers/…: the speaker's papers (config/urls.py mounts them)."""

from django.urls import path

from proceedings import views

app_name = "proceedings"

urlpatterns = [
    path("", views.my_papers, name="my_papers"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.paper, name="paper"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/preview.pdf", views.preview_pdf, name="preview_pdf"),
    path("<int:pk>/versions/<int:number>/download/", views.download, name="download"),
]
