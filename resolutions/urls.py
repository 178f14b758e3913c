from django.urls import path

from resolutions import views

urlpatterns = [
    path("resolution/", views.resolution, name="resolution"),
    path("resolution.pdf", views.resolution_pdf, name="resolution_pdf"),
    path("resolution.docx", views.resolution_docx, name="resolution_docx"),
    path("resolution/status/", views.change_status, name="resolution_status"),
    path("resolution/versions/", views.versions, name="resolution_versions"),
    path("resolution/versions/compare/", views.compare, name="resolution_compare"),
    path("resolution/amendments/", views.amendments, name="resolution_amendments"),
    path("resolution/amendments/propose/", views.propose, name="resolution_propose"),
    path("resolution/amendments/<int:pk>/decide/", views.decide, name="resolution_decide"),
]
