"""What every endpoint of the API shares.

Reading: anyone reads what the site publishes; each viewset's `get_queryset` says what that is,
per request. A response to an anonymous request is the same for everyone, so it is answered from
the data versions of the round tables it shows (roundtable/versions.py): its ETag and
Last-Modified come from them, a conditional GET that still matches gets 304 with one query, and
the data is cached under a key holding them, so an edit is seen by the next request. Responses
to signed-in requests may differ per user (organisers see unpublished round tables, speakers
their own papers, participants a resolution under discussion): they are built fresh every time
and marked private.

Writing: an organiser's model permissions (the organisers' group has them), through a token or
the admin's session. The model's own validation (`full_clean`, and what a serializer adds, such
as the programme's overlap rule) answers 400 with its messages; a conflict that only the
database catches (two writes at once) answers 400 too, and deleting what others depend on 409.
"""

import copy
import hashlib
import re
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from roundtable import page_cache, versions
from roundtable.api_fields import (
    ID,
    LANG_PARAMETER,
    SLUG,
    blank_translations,
    requested_language,
    translated_errors,
)
from roundtable.models import RoundTable


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Other data depends on this; change or delete that first.")
    default_code = "conflict"


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

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """The view; a list's anonymous answers are kept whole with the public pages
        (roundtable/page_cache.py), under the versions of the round tables it shows: `?event=`'s,
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
        return RoundTable.objects.visible_to(self.request.user)

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
        etag = f'"{key}"'
        changed = max((changed for _pk, _v, changed in events), default=None)
        timestamp = int(changed.timestamp()) if changed else None
        response = get_conditional_response(request._request, etag=etag, last_modified=timestamp)
        if response is None:
            data = cache.get(key)
            if data is not None:
                response = Response(data)
            else:
                response = respond(request, *args, **kwargs)
                if response.status_code == status.HTTP_200_OK:
                    cache.set(key, response.data)
        if response.status_code in (status.HTTP_200_OK, status.HTTP_304_NOT_MODIFIED):
            response["ETag"] = etag
            if timestamp is not None:
                response["Last-Modified"] = http_date(timestamp)
        patch_cache_control(response, no_cache=True)
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
    """Reads answered from the data versions; writes through the model's rules."""

    # --- Writing -------------------------------------------------------------------------------

    def perform_create(self, serializer):
        self.save(serializer)

    def perform_update(self, serializer):
        self.save(serializer)

    def save(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
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
