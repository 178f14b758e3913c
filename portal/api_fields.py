"""Translated fields in the API: an object {"kk": …, "ru": …, "en": …}, or one string with `?lang=`.

The object holds each language's own column exactly as entered ("" where nothing is), so a client
can write it back. `?lang=kk|ru|en` gives each translated field as the string a page in that
language shows, with modeltranslation's fallbacks (Kazakh falls back to Russian, and so on).
Fields computed from translated ones, such as a person's full name, take the fallbacks in both
forms, as they are printed.

Writes take the object form; languages left out keep their text.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from modeltranslation.settings import DEFAULT_LANGUAGE
from rest_framework import serializers

LANGUAGES = [code for code, _name in settings.WRITTEN_LANGUAGES]
SLUG = "[-a-zA-Z0-9_]+"
# Ids as path segments and references: digits that fit a bigint, so a longer number is "not
# found", not a database error.
ID = "[0-9]{1,18}"

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=LANGUAGES,
    description=_(
        "Give every translated field as one string in this language (with the fallbacks the "
        "site shows) instead of an object with one text per language."
    ),
)


def requested_language(request):
    """The language `?lang=` asks for, or None for every language; 400 for an unknown one."""
    language = request.query_params.get("lang")
    if language is None:
        return None
    if language not in LANGUAGES:
        raise serializers.ValidationError(
            {"lang": [_("Choose one of: %(languages)s.") % {"languages": ", ".join(LANGUAGES)}]}
        )
    return language


class TranslatedField(serializers.Field):
    """A modeltranslation field as {"kk", "ru", "en"}, or as one string under `?lang=`.

    Declared under the field's name (`theme = TranslatedField()`), it reads and writes the
    columns `theme_kk`, `theme_ru`, `theme_en`. With `read`, a function of the instance, it is a
    read-only value computed per language (`full_name = TranslatedField(read=…)`).
    """

    default_error_messages = {
        "not_an_object": _("Give an object with a text per language, e.g. {{“kk”: …, “ru”: …}}."),
        "unknown_language": _("Unknown language {codes}: use {languages}."),
    }

    def __init__(self, *, read=None, **kwargs):
        self.read = read
        self.max_length = None
        if read is not None:
            kwargs["read_only"] = True
        kwargs.setdefault("required", False)
        super().__init__(source="*", **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if self.read is None:
            column = parent.Meta.model._meta.get_field(f"{field_name}_{LANGUAGES[0]}")
            self.max_length = column.max_length
            self.text = serializers.CharField(allow_blank=True, max_length=column.max_length)

    def column(self, code):
        return f"{self.field_name}_{code}"

    def in_language(self, instance, code):
        """The text a page in `code` shows, fallbacks included."""
        with translation.override(code):
            return (self.read(instance) if self.read else getattr(instance, self.field_name)) or ""

    def to_representation(self, instance):
        language = self.context.get("language")
        if language:
            return self.in_language(instance, language)
        if self.read:
            return {code: self.in_language(instance, code) for code in LANGUAGES}
        return {code: getattr(instance, self.column(code)) or "" for code in LANGUAGES}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        if unknown := sorted(set(data) - set(LANGUAGES)):
            self.fail("unknown_language", codes=", ".join(unknown), languages=", ".join(LANGUAGES))
        values, errors = {}, {}
        for code, text in data.items():
            try:
                values[self.column(code)] = self.text.run_validation(text)
            except serializers.ValidationError as error:
                errors[code] = error.detail
        if errors:
            raise serializers.ValidationError(errors)
        return values


def blank_translations(serializer):
    """{"theme_kk": "", …} for every writable translated field of `serializer`."""
    return {
        field.column(code): ""
        for field in serializer.fields.values()
        if isinstance(field, TranslatedField) and not field.read_only
        for code in LANGUAGES
    }


def translated_errors(serializer, errors):
    """Model validation's {"theme_kk": [...]} as the API's {"theme": {"kk": [...]}}."""
    translated = {
        name
        for name, field in serializer.fields.items()
        if isinstance(field, TranslatedField) and field.read is None
    }
    result = {}
    for key, messages in errors.items():
        name, _sep, code = key.rpartition("_")
        if key in translated:  # the original field stands for the default language's column
            name, code = key, DEFAULT_LANGUAGE
        if name in translated and code in LANGUAGES:
            texts = result.setdefault(name, {}).setdefault(code, [])
            texts.extend(message for message in messages if message not in texts)
        else:
            result[key] = messages
    return result


class TranslatedFieldSchema(OpenApiSerializerFieldExtension):
    """In the schema: an object of texts per language to write; that object or a string (with
    `?lang=`) when read."""

    target_class = TranslatedField

    def map_serializer_field(self, auto_schema, direction):
        text = {"type": "string"}
        if direction == "request":
            if self.target.max_length:
                text["maxLength"] = self.target.max_length
            return {
                "type": "object",
                "properties": dict.fromkeys(LANGUAGES, text),
                "additionalProperties": False,
                "description": str(_("Texts per language; languages left out keep their text.")),
            }
        component = ResolvedComponent(
            name="Translations",
            type=ResolvedComponent.SCHEMA,
            object="Translations",
            schema={
                "type": "object",
                "properties": dict.fromkeys(LANGUAGES, text),
                "required": LANGUAGES,
                "description": str(_("One text per language, as entered.")),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return {
            "oneOf": [component.ref, text],
            "description": str(_("Texts per language; one string with `?lang=`.")),
        }


class Related(serializers.SlugRelatedField):
    """A related object by its slug (or `key="id"`), looked up in `model` when a request writes.

    A value that cannot be a slug or an id is "does not exist" before it reaches the database.
    """

    def __init__(self, model, key="slug", **kwargs):
        self.model = model
        self.pattern = ID if key == "id" else SLUG
        super().__init__(slug_field=key, **kwargs)

    def get_queryset(self):
        return self.model.objects.all()

    def to_internal_value(self, data):
        if not isinstance(data, str | int) or not re.fullmatch(self.pattern, str(data)):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100])
        return super().to_internal_value(data)


class TimeOfDaySchema(OpenApiSerializerFieldExtension):
    """Times of day are local to the round table ("09:30:00", Asia/Almaty): OpenAPI's `time`
    format would demand an offset, which they do not have."""

    target_class = serializers.TimeField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "09:30:00",
        }
