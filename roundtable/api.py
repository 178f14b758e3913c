"""The API's round tables, their rooms, the released programme and the organisers' draft of it
(/api/v1/events/, /api/v1/rooms/, /api/v1/programme/, /api/v1/programme-items/)."""

from django.db.models import F
from django_filters import rest_framework as filters
from rest_framework import serializers

from portal.api_fields import SLUG, Related, TranslatedField
from portal.api_viewsets import ApiReadViewSet, ApiViewSet, ModelRulesSerializer
from roundtable import permissions, schedule
from roundtable.models import ProgrammeItem, ReleasedItem, Room, RoundTable
from speakers.models import Person


class EventSerializer(ModelRulesSerializer):
    """A round table: its theme, date, place and format."""

    theme = TranslatedField()
    kind = TranslatedField()
    venue = TranslatedField()
    address = TranslatedField()
    organiser = TranslatedField()

    class Meta:
        model = RoundTable
        fields = [
            "slug",
            "theme",
            "kind",
            "date",
            "start",
            "venue",
            "address",
            "format",
            "online_link",
            "organiser",
            "published",
            "papers_deadline",
            "data_changed_at",
        ]
        read_only_fields = ["data_changed_at"]
        # Organisers may set it; no answer shows it: the link is for the registered online
        # listeners, on their own page (participants/online_access.py), and answers are cached.
        extra_kwargs = {"online_link": {"write_only": True}}


class EventFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    # Not `format`: that is the parameter DRF reads the answer's format from (`?format=json`).
    event_format = filters.ChoiceFilter(field_name="format", choices=RoundTable.Format.choices)

    class Meta:
        model = RoundTable
        fields = ["date", "event_format"]


class EventViewSet(ApiViewSet):
    """Round tables: the published ones (organisers also see the others)."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    event_paths = ("slug",)

    def get_queryset(self):
        return permissions.viewable_by(self.request.user).order_by("-date", "slug")


class RoomSerializer(ModelRulesSerializer):
    """A room, or parallel session, of a round table's day, with who chairs it."""

    event = Related(RoundTable)
    name = TranslatedField()
    chair = Related(Person, required=False, allow_null=True)

    class Meta:
        model = Room
        fields = ["id", "event", "name", "chair", "order"]


class RoomFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")

    class Meta:
        model = Room
        fields = ["event"]


class RoomViewSet(ApiViewSet):
    """The rooms of the visible round tables; items without a room are in the round table's own
    hall."""

    serializer_class = RoomSerializer
    filterset_class = RoomFilter
    event_paths = ("rooms__pk",)

    def get_queryset(self):
        return (
            Room.objects.filter(event__in=self.visible_events())
            .select_related("event", "chair")
            .order_by("-event__date", "event__slug", "order", "pk")
        )


class ProgrammeItemSerializer(ModelRulesSerializer):
    """A timed line of a programme; untimed items (the closing) come last, by `order`. Items of
    one room (`room`, null for the round table's own hall) never overlap."""

    event = Related(RoundTable)
    room = Related(Room, key="id", required=False, allow_null=True)
    title = TranslatedField()
    speakers = Related(Person, many=True, required=False)

    class Meta:
        model = ProgrammeItem
        fields = [
            "id",
            "event",
            "room",
            "start",
            "end",
            "kind",
            "title",
            "title_language",
            "speakers",
            "order",
        ]

    def validate_instance(self, item, attrs):
        """Items of a round table do not overlap (roundtable/schedule.py), named in the message."""
        others = ProgrammeItem.objects.filter(event=item.event_id).prefetch_related("speakers")
        if clash := schedule.find_clash(item, others):
            raise schedule.clash_error(item, clash)


class ProgrammeItemFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")
    date = filters.DateFilter(field_name="event__date")
    speaker = filters.CharFilter(field_name="speakers__slug")
    language = filters.ChoiceFilter(
        field_name="title_language", choices=ProgrammeItem._meta.get_field("title_language").choices
    )

    class Meta:
        model = ProgrammeItem
        fields = ["event", "date", "speaker", "kind", "language"]


class ProgrammeItemViewSet(ApiViewSet):
    """The organisers' draft of the programme: its items, in the order of the day. Only those
    who may view programme items read it; the public reads the released programme
    (/api/v1/programme/)."""

    serializer_class = ProgrammeItemSerializer
    filterset_class = ProgrammeItemFilter
    event_paths = ("programme_items__pk",)

    def get_queryset(self):
        if not self.request.user.has_perm("roundtable.view_programmeitem"):
            return ProgrammeItem.objects.none()
        return (
            ProgrammeItem.objects.filter(event__in=self.visible_events())
            .select_related("event", "room")
            .prefetch_related("speakers")
            .order_by("-event__date", "event__slug", F("start").asc(nulls_last=True), "order", "pk")
        )


class ReleasedItemSerializer(serializers.ModelSerializer):
    """A line of the released programme; `id` is its draft item's, the same in every release."""

    id = serializers.IntegerField(source="item_key", read_only=True)
    event = serializers.SlugRelatedField(source="release.event", slug_field="slug", read_only=True)
    version = serializers.IntegerField(source="release.version", read_only=True)
    title = TranslatedField()
    speakers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = ReleasedItem
        fields = [
            "id",
            "event",
            "version",
            "start",
            "end",
            "kind",
            "title",
            "title_language",
            "speakers",
            "order",
        ]


class ReleasedItemFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="release__event__slug")
    date = filters.DateFilter(field_name="release__event__date")
    speaker = filters.CharFilter(field_name="speakers__slug")
    language = filters.ChoiceFilter(
        field_name="title_language", choices=ReleasedItem._meta.get_field("title_language").choices
    )

    class Meta:
        model = ReleasedItem
        fields = ["event", "date", "speaker", "kind", "language"]


class ReleasedItemViewSet(ApiReadViewSet):
    """The programme as released: the current release's items of the visible round tables, in
    the order of the day."""

    serializer_class = ReleasedItemSerializer
    filterset_class = ReleasedItemFilter
    lookup_field = "item_key"
    lookup_url_kwarg = "id"
    event_paths = ("current_release__items__item_key",)

    def get_queryset(self):
        return (
            ReleasedItem.objects.filter(release__current_of__in=self.visible_events())
            .select_related("release__event")
            .prefetch_related("speakers")
            .order_by(
                "-release__event__date",
                "release__event__slug",
                F("start").asc(nulls_last=True),
                "order",
                "pk",
            )
        )
