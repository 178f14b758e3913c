"""The API's papers and proceedings (/api/v1/papers/, /api/v1/proceedings/).

The public sees the published book, as its pages do (proceedings/public_views.py): papers in the
current build (the last successful one) of published proceedings, numbered and paged as that
build printed them. Organisers, who preview the book on the site, see it before publication too.
A speaker signed in with their token also reads their own papers, whatever their state, with
`?mine=1`.
"""

from django.db.models import F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers

from portal.api_fields import TranslatedField
from portal.api_viewsets import ApiReadViewSet, EventDocumentViewSet
from proceedings import permissions
from proceedings.models import Author, BookBuild, BookEntry, Paper, Proceedings, Section

MINE = OpenApiParameter(
    "mine",
    bool,
    description=_(
        "With a speaker's token: their own papers, in any state, instead of the published ones."
    ),
)


def current_builds(events, user):
    """The current build (the last successful screen one) of each visible proceedings of
    `events`."""
    latest = BookBuild.objects.books().filter(proceedings=OuterRef("proceedings"))[:1]
    builds = BookBuild.objects.filter(
        pk=Subquery(latest.values("pk")), proceedings__event__in=events
    )
    return builds if permissions.can_preview(user) else builds.filter(proceedings__published=True)


class PaperSectionSerializer(serializers.ModelSerializer):
    """The section of the collection a paper is printed in."""

    name = TranslatedField()

    class Meta:
        model = Section
        fields = ["id", "name", "position"]


class AuthorSerializer(serializers.ModelSerializer):
    """An author or the scientific supervisor, as the collection prints them."""

    surname = TranslatedField()
    given_name = TranslatedField()
    patronymic = TranslatedField()
    full_name = TranslatedField(read=lambda author: author.full_name)
    standing = TranslatedField()
    organisation = TranslatedField()
    city = TranslatedField()
    country = TranslatedField()
    person = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Author
        fields = [
            "role",
            "surname",
            "given_name",
            "patronymic",
            "full_name",
            "standing",
            "organisation",
            "city",
            "country",
            "person",
        ]


class PaperSerializer(serializers.ModelSerializer):
    """A paper, with its number and pages in the current book (null when not in it)."""

    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = TranslatedField()
    abstract = TranslatedField()
    keywords = TranslatedField()
    section = PaperSectionSerializer(read_only=True, allow_null=True)
    authors = AuthorSerializer(many=True, read_only=True)
    number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Number in the collection.")
    )
    first_page = serializers.IntegerField(read_only=True, allow_null=True)
    last_page = serializers.IntegerField(read_only=True, allow_null=True)
    title_in_own_language = serializers.CharField(
        read_only=True, help_text=_("The title as written in the paper's language.")
    )

    class Meta:
        model = Paper
        fields = [
            "id",
            "event",
            "talk",
            "speaker",
            "language",
            "title",
            "title_in_own_language",
            "abstract",
            "keywords",
            "section",
            "authors",
            "status",
            "number",
            "first_page",
            "last_page",
        ]
        read_only_fields = fields


class PaperFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")
    date = filters.DateFilter(field_name="event__date")
    speaker = filters.CharFilter(field_name="speaker__slug")

    class Meta:
        model = Paper
        fields = ["event", "date", "speaker", "language", "status", "section"]


@extend_schema_view(list=extend_schema(parameters=[MINE]))
class PaperViewSet(ApiReadViewSet):
    """Papers of the published proceedings, with their number and pages in the book."""

    serializer_class = PaperSerializer
    filterset_class = PaperFilter
    event_paths = ("papers__pk",)
    list_parameters = (*ApiReadViewSet.list_parameters, "mine")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.mine = request.query_params.get("mine", "").lower() in {"1", "true", "yes"}
        if self.mine and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated

    def get_queryset(self):
        builds = current_builds(self.visible_events(), self.request.user)
        papers = Paper.objects.annotate(
            entry=FilteredRelation(
                "book_entries", condition=Q(book_entries__build__in=Subquery(builds.values("pk")))
            ),
            number=F("entry__number"),
            first_page=F("entry__first_page"),
            last_page=F("entry__last_page"),
        )
        if getattr(self, "mine", False):
            papers = papers.of_speaker(self.request.user)
        else:
            papers = papers.filter(entry__isnull=False)
        authors = Author.objects.select_related("person").order_by("role", "order", "pk")
        return (
            papers.select_related("event", "speaker", "section")
            .prefetch_related(Prefetch("authors", queryset=authors))
            .order_by("-event__date", "event__slug", F("number").asc(nulls_last=True), "pk")
        )


class BookEntrySerializer(serializers.ModelSerializer):
    """Where a paper stands in the book."""

    class Meta:
        model = BookEntry
        fields = ["paper", "number", "first_page", "last_page"]


class ProceedingsSerializer(serializers.ModelSerializer):
    """The collection's imprint data, and its current book's pages."""

    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = TranslatedField()
    subtitle = TranslatedField()
    organiser = TranslatedField()
    editors = TranslatedField()
    publisher = TranslatedField()
    city = TranslatedField()
    annotation = TranslatedField()
    page_count = serializers.SerializerMethodField(
        allow_null=True, help_text=_("Pages of the current book.")
    )
    built_at = serializers.SerializerMethodField(
        allow_null=True, help_text=_("When the current book was built.")
    )
    papers = serializers.SerializerMethodField(
        help_text=_("Each paper's number and pages in the current book.")
    )

    class Meta:
        model = Proceedings
        fields = [
            "event",
            "title",
            "subtitle",
            "organiser",
            "isbn",
            "udc",
            "bbk",
            "author_mark",
            "editors",
            "publisher",
            "city",
            "year",
            "annotation",
            "published",
            "published_at",
            "page_count",
            "built_at",
            "papers",
        ]

    def build(self, proceedings):
        return proceedings.current[0] if proceedings.current else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_page_count(self, proceedings):
        build = self.build(proceedings)
        return build.page_count if build else None

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_built_at(self, proceedings):
        build = self.build(proceedings)
        return serializers.DateTimeField().to_representation(build.finished_at) if build else None

    @extend_schema_field(BookEntrySerializer(many=True))
    def get_papers(self, proceedings):
        build = self.build(proceedings)
        return BookEntrySerializer(build.entries.all(), many=True).data if build else []


class ProceedingsFilter(filters.FilterSet):
    event = filters.CharFilter(field_name="event__slug")

    class Meta:
        model = Proceedings
        fields = ["event", "year"]


class ProceedingsViewSet(EventDocumentViewSet):
    """The published proceedings of each round table: what the imprint prints, and the pages."""

    serializer_class = ProceedingsSerializer
    filterset_class = ProceedingsFilter

    def get_queryset(self):
        user = self.request.user
        events = self.visible_events()
        builds = current_builds(events, user).prefetch_related(
            Prefetch("entries", queryset=BookEntry.objects.order_by("number"))
        )
        proceedings = permissions.viewable_by(user).filter(event__in=events)
        return (
            proceedings.select_related("event")
            .prefetch_related(Prefetch("builds", queryset=builds, to_attr="current"))
            .order_by("-event__date", "event__slug")
        )
