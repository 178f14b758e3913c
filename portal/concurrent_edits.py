"""Edits made at the same time: detected, never silently overwritten (optimistic concurrency).

An edit starts from what it read of an object: `stored_values`, the stored values of the fields
it may write (the API serializer's writable fields, the admin form's fields). It is refused when
those values changed before it is saved. The check reads the row under a lock (`locked`), in the
transaction that writes it, so of two edits that started from the same values one is saved and
the other refused, whatever their timing.

The API sends a digest of the values as the object's ETag and wants it back in If-Match
(portal/api_viewsets.py); the admin keeps the values themselves in a hidden field of its
forms (`EditedFromForm`), so that a refused save can show what the other person changed. An edit
of many objects at once names a `digest` of the state it was shown (the timeline's day, the
draft programme a release publishes).
"""

import copy
import hashlib
import json

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import yesno
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# The hidden field of an admin form that carries the values the form was opened with.
EDITED_FROM = "edited_from"
SALT = "portal.concurrent_edits"


def stored_values(instance, names):
    """{field: value} of the fields `names` of `instance`, as JSON gives them back (many-to-many
    fields as sorted ids, empty texts as ""), so that values read at different times compare
    equal when they mean the same."""
    meta = instance._meta
    values = {}
    for name in names:
        field = meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(related.pk for related in getattr(instance, name).all())
        else:
            value = field.get_prep_value(field.value_from_object(instance))
            # A text left empty is stored either way (modeltranslation writes NULL for it).
            values[name] = "" if value is None and field.empty_strings_allowed else value
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def etag(instance, names):
    """A strong ETag of `instance` that changes whenever one of the fields `names` does."""
    stamp = json.dumps(
        [instance._meta.label, instance.pk, stored_values(instance, names)], sort_keys=True
    )
    return f'"{hashlib.sha256(stamp.encode()).hexdigest()[:32]}"'


def digest(state):
    """A short digest of `state` (anything JSON writes): the version an edit names when what it
    starts from is more than one object's values (a day of the timeline, the draft a release
    publishes), and is refused once it moved."""
    stamp = json.dumps(state, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(stamp.encode()).hexdigest()[:24]


def locked(instance):
    """`instance` read again under a row lock held until the transaction ends; None if it is gone.

    Of two edits of one object, the second waits here for the first to commit and then reads
    what it saved."""
    locking = type(instance)._base_manager.select_for_update(of=("self",))
    return locking.filter(pk=instance.pk).first()


def shown_value(field, value):
    """A stored value (as `stored_values` gives it) as an organiser reads it."""
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        related = field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(sorted(str(obj) for obj in related))
    if field.is_relation:
        return str(field.related_model._base_manager.filter(pk=value).first() or value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    value = field.to_python(value)
    if isinstance(value, bool):
        return yesno(value)
    return Truncator(str(formats.localize(value))).chars(80)


def changes(model, before, now):
    """'field: old → new' for each field whose value moved from `before` to `now`."""
    lines = []
    for name, old in before.items():
        if name in now and now[name] != old:
            field = model._meta.get_field(name)
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": str(field.verbose_name),
                    "old": shown_value(field, old),
                    "new": shown_value(field, now[name]),
                }
            )
    return lines


class EditedFromForm(forms.ModelForm):
    """A model form that refuses to save over changes made since it was opened.

    The hidden field holds the stored values of the form's fields when it was rendered (signed, so
    a damaged one is noticed). On submit they are compared with the row read under a lock: if any
    moved, the form is invalid with a message listing the changes, the input stays in the form,
    and the hidden field now holds the new values, so saving again applies the input on purpose.
    A submission without the field (not from a rendered form) is not checked.
    """

    # Hidden, but a tabular inline names it in a (hidden) column heading.
    edited_from = forms.CharField(
        label=_("version being edited"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form's own model fields, before a formset adds the link to its parent.
        model_fields = {field.name for field in self.instance._meta.get_fields()}
        self.checked_fields = [name for name in self.fields if name in model_fields]
        if self.instance.pk is not None:
            self.fields[EDITED_FROM].initial = self.signed(self.instance)

    @property
    def changed_data(self):
        """The fields the organiser changed: never the hidden field, so that an untouched row
        stays untouched (the programme's overlap message names the edited row)."""
        return [name for name in super().changed_data if name != EDITED_FROM]

    def signed(self, instance):
        return signing.dumps(stored_values(instance, self.checked_fields), salt=SALT)

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix(EDITED_FROM))
        if not sent or self.instance.pk is None:
            return cleaned
        now = locked(self.instance)
        if now is None:
            raise ValidationError(
                _("Someone else deleted this while you were editing it."), code="deleted"
            )
        try:
            before = signing.loads(sent, salt=SALT)
        except signing.BadSignature:  # damaged: refused, without the list of changes
            before = {}
        current = stored_values(now, self.checked_fields)
        if before == current:
            return cleaned
        self.merge(now, before, current)
        raise ValidationError(
            [
                _(
                    "Someone else saved this after you opened it. Their changes are listed "
                    "here and are now in the form, except where you typed something else: "
                    "that is kept. Check it and save again."
                ),
                *changes(type(now), before, current),
            ],
            code="stale",
        )

    def merge(self, now, before, current):
        """Shows the form again with the other person's changes wherever this person left the
        field as it was, and the new values in the hidden field, so that saving again applies
        this person's input, and only that, over theirs."""
        self.data = self.data.copy()
        self.data[self.add_prefix(EDITED_FROM)] = self.signed(now)
        submitted = self.submitted_values(now)
        for name, value in current.items():
            if name in before and before[name] != value and submitted.get(name) == before[name]:
                stored = now._meta.get_field(name).value_from_object(now)
                self.show(name, self.fields[name].prepare_value(stored))

    def submitted_values(self, now):
        """The cleaned input as `stored_values` gives it; fields with errors left out."""
        probe = copy.copy(now)
        values = {}
        for name in self.checked_fields:
            if name not in self.cleaned_data:
                continue
            field = now._meta.get_field(name)
            if field.many_to_many:
                values[name] = sorted(obj.pk for obj in self.cleaned_data[name])
            else:
                field.save_form_data(probe, self.cleaned_data[name])
                values.update(stored_values(probe, [name]))
        return values

    def show(self, name, value):
        """Puts `value` into the submitted data of field `name`, as its widget reads it."""
        key, widget = self.add_prefix(name), self.fields[name].widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for suffix, part, inner in zip(
                widget.widgets_names, parts, widget.widgets, strict=True
            ):
                self.data[key + suffix] = inner.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            self.data.setlist(key, ["on"] if value else [])
        elif isinstance(value, list | tuple):
            self.data.setlist(key, [str(item) for item in value])
        else:
            self.data[key] = "" if value is None else str(widget.format_value(value) or "")


class RefusesStaleForms:
    """For the organisers' ModelAdmins and inlines: their forms are EditedFromForms, with the
    hidden field in the first fieldset wherever the organiser may change the object."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not issubclass(self.form, EditedFromForm):
            self.form = type(self.form.__name__, (EditedFromForm, self.form), {})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj) or EDITED_FROM in flatten_fieldsets(
            fieldsets
        ):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], EDITED_FROM]}), *rest]
