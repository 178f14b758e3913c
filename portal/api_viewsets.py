"""What every endpoint of the API shares.

Reading: anyone reads what the site publishes; each viewset's `get_queryset` says what that is,
per request. A response to an anonymous request is the same for everyone, so it is answered from
the data versions of the round tables it shows (portal/versions.py): its ETag and
Last-Modified come from them, a conditional GET that still matches gets 304 with one query, and
the data is cached under a key holding them, so an edit is seen by the next request. Responses
to signed-in requests may differ per user (organisers see unpublished round tables, speakers
their own papers, participants a resolution under discussion): they are built fresh every time
and marked private.

Writing: an organiser's model permissions (the organisers' group has them), through a token or
the admin's session. A change or deletion must name the state it starts from: `If-Match` with
the object's ETag, which signed-in reads of the object and every successful write send, and
which changes whenever a field the endpoint writes does (portal/concurrent_edits.py). A
stale one answers 412, none 428; the check reads the row under a lock in the transaction that
writes it, so of two writes from one ETag one succeeds and the other gets 412. The model's own
validation (`full_clean`, and what a serializer adds, such as the programme's overlap rule)
answers 400 with its messages; a conflict that only the database catches (two writes at once)
answers 400 too, and deleting what others depend on 409.
"""

import copy
import hashlib
import re
from contextlib import contextmanager
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from portal import concurrent_edits, page_cache, versions
from portal.api_fields import (
    ID,
    LANG_PARAMETER,
    LANGUAGES,
    SLUG,
    TranslatedField,
    blank_translations,
    requested_language,
    translated_errors,
)


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Other data depends on this; change or delete that first.")
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Say which state of this object you are changing: read it (GET, with your token) and "
        "send its ETag in an If-Match header, so that a change made meanwhile by someone else "
        "is not overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Someone else changed this object since you read it. Read it again (GET), make your "
        "change to what it holds now and send it with its new ETag in If-Match."
    )
    default_code = "precondition_failed"


# The writes that must say, in If-Match, which state of the object they change.
CONDITIONAL_WRITES = ("PUT", "PATCH", "DELETE")
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "The ETag of the object as you read it (GET with your token, or the answer to your last "
        "write): the write is refused with 412 if the object has changed since."
    ),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200"],
    description=_("The object's new ETag, for the If-Match of the next write."),
)


class Error(serializers.Serializer):
    """What went wrong, in the reader's language."""

    detail = serializers.CharField()


class Schema(AutoSchema):
    """The generated schema, with `?lang=` and the error answers every endpoint may give."""

    def get_auth(self):
        # Reading needs no credentials (ReadOpenWriteByModelPermission).
        auth = super().get_auth()
        return [*auth, {}] if self.method in SAFE_METHODS and {} not in auth else auth

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method in CONDITIONAL_WRITES:
            parameters = [*parameters, IF_MATCH_PARAMETER]
        if self.method in ("PUT", "PATCH"):
            parameters = [*parameters, ETAG_HEADER]
        return parameters if self.method == "DELETE" else [*parameters, LANG_PARAMETER]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": OpenApiResponse(OpenApiTypes.OBJECT, _("Invalid request or data.")),
            "401": OpenApiResponse(Error, _("The token given is not valid, or one is needed.")),
        }
        if self.method == "GET":
            errors["304"] = OpenApiResponse(description=_("Not modified since the ETag given."))
        else:
            errors["403"] = OpenApiResponse(Error, _("Organisers only."))
        if self.method == "DELETE":
            errors["409"] = OpenApiResponse(Error, _("Other data depends on this."))
        if self.method in CONDITIONAL_WRITES:
            errors["412"] = OpenApiResponse(Error, _("Changed since the ETag given in If-Match."))
            errors["428"] = OpenApiResponse(Error, _("No If-Match given."))
        errors["404"] = OpenApiResponse(Error, _("Not found or not public, or no such page."))
        for code, response in errors.items():
            responses.setdefault(code, self._get_response_for_code(response, code))
        return responses


class ModelRulesSerializer(serializers.ModelSerializer):
    """A model serializer whose data must pass the model's own validation (`full_clean`)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:  # texts not given are empty, as the admin leaves them
            attrs = {**blank_translations(self), **attrs}
        model = self.Meta.model
        related = [field.name for field in model._meta.many_to_many]
        # The instance as it would be saved, leaving self.instance as it is until it is.
        instance = copy.copy(self.instance) if self.instance else model()
        for name, value in attrs.items():
            if name not in related:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=related)
            self.validate_instance(instance, attrs)
        except ModelValidationError as error:
            raise serializers.ValidationError(self.api_errors(error)) from None
        return attrs

    def validate_instance(self, instance, attrs):
        """Rules beyond the model's `full_clean`; raise Django's ValidationError."""

    def written_model_fields(self):
        """The model fields this serializer writes (each language's column of a translated one)."""
        names = []
        for field in self.fields.values():
            if field.read_only:
                continue
            if isinstance(field, TranslatedField):
                names.extend(field.column(code) for code in LANGUAGES)
            else:
                names.append(field.source)
        return names

    def api_errors(self, error):
        if not hasattr(error, "error_dict"):
            return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        errors = {
            api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key: messages
            for key, messages in error.message_dict.items()
        }
        return translated_errors(self, errors)


class ApiReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Reads answered from the data versions.

    `event_paths` lead from RoundTable to this model's lookup field (e.g. "programme_items__pk"):
    they find the round tables a detail response shows.
    """

    lookup_value_regex = ID
    event_paths = ()
    pagination_class = Pages
    parser_classes = [JSONParser]
    language = None  # `?lang=`, read in `initial`
    schema = Schema()
    # What a list reads besides its filters: pages, language, the format asked for.
    list_parameters = ("page", "page_size", "lang", "format")
    # viewable_by(user): the round tables `user` may see, which every answer reads from. The
    # round-table app hands its rule over when it is ready (roundtable/apps.py): the machinery
    # names no domain app.
    viewable_by = None

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """The view; a list's anonymous answers are kept whole with the public pages
        (portal/page_cache.py), under the versions of the round tables it shows: `?event=`'s,
        or every published one's."""
        view = super().as_view(actions, **initkwargs)
        if (actions or {}).get("get") == "list":
            filterset = getattr(cls, "filterset_class", None)
            filters = filterset.base_filters if filterset else {}
            page_cache.public_page(
                view,
                query=dict.fromkeys([*filters, *cls.list_parameters], page_cache.ANY),
                event_query="event",
                media_type="application/json",
            )
        return view

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.language = requested_language(request)
        if self.language:  # messages too, not only the data
            translation.activate(self.language)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language}

    # --- Reading -------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        return self.answer(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.answer(super().retrieve, request, *args, **kwargs)

    def visible_events(self):
        return self.viewable_by(self.request.user)

    def shown_events(self):
        """(pk, data_version, data_changed_at) of the round tables the response shows."""
        events = self.visible_events()
        if self.detail:
            value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            events = events.filter(
                reduce(or_, (Q(**{path: value}) for path in self.event_paths))
            ).distinct()
        elif (slug := self.request.query_params.get("event")) is not None:
            events = events.filter(slug=slug) if re.fullmatch(SLUG, slug) else events.none()
        return list(events.order_by("pk").values_list("pk", "data_version", "data_changed_at"))

    def version_key(self, events):
        """A key that changes whenever any of `events`' data, or the request, does."""
        query = urlencode(sorted(self.request.query_params.lists()), doseq=True)
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        # The links to other pages are absolute: the address asked for is part of the answer.
        origin = self.request.build_absolute_uri("/")
        request = hashlib.sha256(f"{origin}|{lookup}?{query}".encode()).hexdigest()[:24]
        name = (
            f"api:{self.basename}:{self.action}:{self.request.accepted_renderer.format}:{request}"
        )
        language = self.language or "all"
        if len(events) == 1:
            pk, version, _changed = events[0]
            return versions.cache_key(versions.Version(pk, version), name, language)
        stamp = hashlib.sha256(",".join(f"{pk}:{v}" for pk, v, _c in events).encode())
        return f"rt:events-{stamp.hexdigest()[:32]}:{language}:{name}"

    def answer(self, respond, request, *args, **kwargs):
        if request.user.is_authenticated:
            response = respond(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        # The versions are read before the data: data cached under a version is never older
        # than it (an edit in between is only newer data under an older key, never read again).
        events = self.shown_events()
        if self.detail and not events:
            return respond(request, *args, **kwargs)  # not public: 404
        key = self.version_key(events)
        changed = max((changed for _pk, _v, changed in events), default=None)

        def respond_from_cache():
            data = cache.get(key)
            if data is not None:
                return Response(data)
            response = respond(request, *args, **kwargs)
            if response.status_code == status.HTTP_200_OK:
                cache.set(key, response.data)
            return response

        response = page_cache.conditional(request._request, key, changed, respond_from_cache)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


class EventDocumentViewSet(ApiReadViewSet):
    """A document a round table has one of (its proceedings, its resolution), read at
    `…/<the round table's slug>/`."""

    lookup_field = "event__slug"
    lookup_url_kwarg = "event"
    lookup_value_regex = SLUG
    event_paths = ("slug",)


class ApiViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ApiReadViewSet
):
    """Reads answered from the data versions; writes through the model's rules, changes and
    deletions only from the state named in If-Match."""

    found = None  # the object get_object found
    written_etag = None  # the object's ETag after an update

    # --- Writing -------------------------------------------------------------------------------

    def object_etag(self, instance):
        """Changes whenever a field this endpoint writes does (what a write could overwrite)."""
        return concurrent_edits.etag(instance, self.get_serializer().written_model_fields())

    def get_object(self):
        """The object; for a change or deletion, read under a lock and checked against If-Match."""
        self.found = found = super().get_object()
        if self.request.method not in CONDITIONAL_WRITES:
            return found
        expected = parse_etags(self.request.headers.get("If-Match", ""))
        if not expected:
            raise PreconditionRequired()
        # Read again under the lock: a write with the same ETag waits here, then sees this one's.
        found = self.get_queryset().select_for_update(of=("self",)).get(pk=found.pk)
        if "*" not in expected and self.object_etag(found) not in expected:
            raise PreconditionFailed()
        return found

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        # Signed-in reads are the writers' (anonymous answers carry the data versions' ETag).
        if request.user.is_authenticated and response.status_code == status.HTTP_200_OK:
            response["ETag"] = self.object_etag(self.found)
        return response

    def update(self, request, *args, **kwargs):
        with self.saving():
            response = super().update(request, *args, **kwargs)
        response["ETag"] = self.written_etag
        return response

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():  # the lock of get_object held until the row is gone
            return super().destroy(request, *args, **kwargs)

    def perform_create(self, serializer):
        with self.saving():
            serializer.save()

    def perform_update(self, serializer):
        serializer.save()
        saved = serializer.instance
        # As stored: values are read back as the database gives them (times in UTC).
        self.written_etag = self.object_etag(type(saved)._base_manager.get(pk=saved.pk))

    @contextmanager
    def saving(self):
        """One transaction; a conflict only the database catches (two writes at once, checked at
        commit) is a 400."""
        try:
            with transaction.atomic():
                yield
        except IntegrityError:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("This conflicts with data saved at the same time; reload and try again.")
                    ]
                }
            ) from None

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as error:
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
            raise Conflict(
                _("Still referred to by: %(kinds)s. Change or delete those first.")
                % {"kinds": ", ".join(kinds)}
            ) from None
