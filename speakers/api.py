"""The API's people and participations (/api/v1/people/, /api/v1/participations/), and the
vocabularies people are described with (/api/v1/degrees/, academic-titles/, ranks/).

People are public where the site shows them: on the roster or in the programme of a visible round
table. Their e-mail addresses and accounts are not part of the API. The vocabularies are public:
a person's degree, title and rank are written by the ids they list.
"""

from django_filters import rest_framework as filters

from portal.api_fields import SLUG, Related, TranslatedField
from portal.api_viewsets import ApiReadViewSet, ApiViewSet, ModelRulesSerializer
from roundtable import permissions as roundtable_permissions
from roundtable.models import RoundTable
from speakers import names, permissions
from speakers.models import AcademicTitle, Degree, Participation, Person, Rank


class PersonSerializer(ModelRulesSerializer):
    """A person, named as printed in each language; degree, title and rank by id."""

    surname = TranslatedField()
    given_name = TranslatedField()
    patronymic = TranslatedField()
    position = TranslatedField()
    organisation = TranslatedField()
    printed_position = TranslatedField()
    full_name = TranslatedField(read=lambda person: person.full_name)
    position_line = TranslatedField(read=lambda person: person.position_line)
    degree = Related(Degree, key="id", allow_null=True, required=False)
    academic_title = Related(AcademicTitle, key="id", allow_null=True, required=False)
    rank = Related(Rank, key="id", allow_null=True, required=False)

    class Meta:
        model = Person
        fields = [
            "slug",
            "surname",
            "given_name",
            "patronymic",
            "full_name",
            "position",
            "organisation",
            "degree",
            "academic_title",
            "rank",
            "printed_position",
            "position_line",
        ]


class PersonFilter(filters.FilterSet):
    event = filters.CharFilter(method="in_event", label="Round table (slug)")

    class Meta:
        model = Person
        fields = ["event"]

    def in_event(self, people, name, slug):
        visible = roundtable_permissions.viewable_by(self.request.user)
        return people.filter(permissions.appearing_in(visible.filter(slug=slug)))


class PersonViewSet(ApiViewSet):
    """People of the visible round tables (organisers see everyone), in alphabetical order."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    event_paths = ("participations__person__slug", "current_release__items__speakers__slug")

    def get_queryset(self):
        people = permissions.viewable_by(self.request.user)
        return people.select_related("degree", "academic_title", "rank").order_by(
            names.alphabetical("surname", self.language or "kk"),
            names.alphabetical("given_name", self.language or "kk"),
            "pk",
        )


class ParticipationSerializer(ModelRulesSerializer):
    """A person's part in a round table."""

    event = Related(RoundTable)
    person = Related(Person)

    class Meta:
        model = Participation
        fields = ["id", "event", "person", "is_moderator", "is_speaker", "is_listed", "order"]
        # The model's constraints answer, in their own words (ModelRulesSerializer).
        validators = []


class ParticipationFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")
    date = filters.DateFilter(field_name="event__date")
    person = filters.CharFilter(field_name="person__slug")

    class Meta:
        model = Participation
        fields = ["event", "date", "person", "is_moderator", "is_speaker", "is_listed"]


class ParticipationViewSet(ApiViewSet):
    """Who takes part in which visible round table, and as what."""

    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter
    event_paths = ("participations__pk",)

    def get_queryset(self):
        return (
            Participation.objects.filter(event__in=self.visible_events())
            .select_related("event", "person")
            .order_by("-event__date", "event__slug", "order", "pk")
        )


class TermSerializer(ModelRulesSerializer):
    """An entry of a vocabulary, named in each language."""

    name = TranslatedField()

    class Meta:
        fields = ["id", "name"]


class DegreeSerializer(TermSerializer):
    abbreviation = TranslatedField()

    class Meta:
        model = Degree
        fields = [*TermSerializer.Meta.fields, "abbreviation"]


class AcademicTitleSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = AcademicTitle


class RankSerializer(TermSerializer):
    class Meta(TermSerializer.Meta):
        model = Rank


class TermViewSet(ApiReadViewSet):
    """A vocabulary in the order of its names. A term may be printed for anyone at any round
    table, so its answers follow the versions of every visible round table."""

    def get_queryset(self):
        return self.serializer_class.Meta.model.objects.order_by(
            names.alphabetical("name", self.language or "kk"), "pk"
        )

    def shown_events(self):
        events = self.visible_events().order_by("pk")
        return list(events.values_list("pk", "data_version", "data_changed_at"))


class DegreeViewSet(TermViewSet):
    """Academic degrees, e.g. заң ғылымдарының кандидаты (з.ғ.к.)."""

    serializer_class = DegreeSerializer


class AcademicTitleViewSet(TermViewSet):
    """Academic titles, e.g. профессор."""

    serializer_class = AcademicTitleSerializer


class RankViewSet(TermViewSet):
    """Special and military ranks, e.g. полиция полковнигі."""

    serializer_class = RankSerializer
