"""/api/: the REST API (v1), its OpenAPI schema and its documentation page (config/urls.py)."""

from django.urls import include, path
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from proceedings.api import PaperViewSet, ProceedingsViewSet
from resolutions.api import ResolutionViewSet
from roundtable.api import EventViewSet, ProgrammeItemViewSet, ReleasedItemViewSet, RoomViewSet
from speakers.api import (
    AcademicTitleViewSet,
    DegreeViewSet,
    ParticipationViewSet,
    PersonViewSet,
    RankViewSet,
)

router = DefaultRouter()
router.register("events", EventViewSet, basename="event")
router.register("rooms", RoomViewSet, basename="room")
router.register("programme", ReleasedItemViewSet, basename="programme")
router.register("programme-items", ProgrammeItemViewSet, basename="programme-item")
router.register("people", PersonViewSet, basename="person")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("degrees", DegreeViewSet, basename="degree")
router.register("academic-titles", AcademicTitleViewSet, basename="academic-title")
router.register("ranks", RankViewSet, basename="rank")
router.register("papers", PaperViewSet, basename="paper")
router.register("proceedings", ProceedingsViewSet, basename="proceedings")
router.register("resolutions", ResolutionViewSet, basename="resolution")


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema in English whatever the visitor's language (or `?lang=`): generated
    clients name their classes after it (`ProgrammeItemKindEnum`, never `…Түрі`)."""

    def _get_schema_response(self, request):
        with translation.override("en"):
            return super()._get_schema_response(request)


app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
