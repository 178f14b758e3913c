"""The API's resolutions (/api/v1/resolutions/<event>/), read by the rule of the resolution pages
(resolutions.permissions.can_view): the published text is public, participants of the round table
follow it under discussion, drafts are the organisers'."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers

from portal.api_fields import TranslatedField
from portal.api_viewsets import EventDocumentViewSet
from resolutions import permissions
from resolutions.models import Resolution, ResolutionItem, ResolutionSection


class ResolutionItemSerializer(serializers.ModelSerializer):
    """One recommendation."""

    text = TranslatedField()

    class Meta:
        model = ResolutionItem
        fields = ["id", "text"]


class ResolutionSectionSerializer(serializers.ModelSerializer):
    """A numbered section of the resolution, with its items in order."""

    heading = TranslatedField()
    lead = TranslatedField()
    items = ResolutionItemSerializer(many=True, read_only=True)

    class Meta:
        model = ResolutionSection
        fields = ["id", "heading", "lead", "items"]


class ResolutionSerializer(serializers.ModelSerializer):
    """A round table's resolution: its text in each language and its status."""

    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = TranslatedField()
    preamble = TranslatedField()
    closing = TranslatedField()
    sections = ResolutionSectionSerializer(many=True, read_only=True)

    class Meta:
        model = Resolution
        fields = ["event", "title", "status", "adopted_on", "preamble", "sections", "closing"]


class ResolutionFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")

    class Meta:
        model = Resolution
        fields = ["event", "status"]


class ResolutionViewSet(EventDocumentViewSet):
    """Resolutions with their numbered sections and items, in the order they are printed."""

    serializer_class = ResolutionSerializer
    filterset_class = ResolutionFilter

    def get_queryset(self):
        resolutions = permissions.viewable_by(self.request.user).filter(
            event__in=self.visible_events()
        )
        sections = ResolutionSection.objects.prefetch_related("items")
        return (
            resolutions.select_related("event")
            .prefetch_related(Prefetch("sections", queryset=sections))
            .order_by("-event__date", "event__slug")
        )
