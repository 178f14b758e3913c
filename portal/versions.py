"""The data version of a round table: a number that changes whenever what it shows changes.

Public pages, API lists and feeds are cached under keys holding the round table's
`data_version` and the language, and carry it in their ETag, with `data_changed_at` as their
Last-Modified. Every save or deletion of something a round table shows bumps the version of the
round tables it belongs to, in the same transaction, so a reader never gets stale data after an
edit, on any number of app servers: the version lives in the database, not in a cache.

Each app says which of its models belong to which round tables (`track`, in its AppConfig.ready);
`bump` is also what code calls after bulk writes, which send no signals.
"""

from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

EVERY_EVENT = object()
# The model whose rows carry the data versions, named by its label rather than imported: the site's
# machinery sits below the domain apps (DESIGN.md), and roundtable's models bump versions too.
VERSIONED_MODEL = "roundtable.RoundTable"
# How many bumps this process has made: what it has read of the versions is out of date once this
# moves (portal/page_cache.py keeps what it read for a moment).
bumps_here = 0


def versioned_model():
    """The round table model (looked up when called: the apps may still be loading)."""
    return apps.get_model(VERSIONED_MODEL)


def bump(event_ids):
    """A new data version for the round tables `event_ids` (or EVERY_EVENT)."""
    global bumps_here
    events = versioned_model().objects.all()
    if event_ids is not EVERY_EVENT:
        ids = {pk for pk in event_ids if pk is not None}
        if not ids:
            return
        events = events.filter(pk__in=ids)
    events.update(data_version=F("data_version") + 1, data_changed_at=timezone.now())
    bumps_here += 1


def track(model, events_of, *, name=""):
    """Bump the round tables `events_of(instance)` names whenever a `model` is saved or deleted.

    `events_of` returns round table ids, or EVERY_EVENT for shared data such as vocabularies. On
    delete it is asked before the row goes: the links that say where an instance appears (a
    speaker's programme items) are deleted with it, by a cascade that sends no signals.

    An app above the model's own that shows it in more places tracks it again under a `name` of
    its own (participants: a person's name on their certificates).
    """

    attribute = f"_versions_to_bump{name}"  # one per tracking: each asks before the row goes

    def events(instance):
        try:
            found = events_of(instance)
        except ObjectDoesNotExist:  # deleted along with its round table
            return None
        return found if found is EVERY_EVENT else list(found)

    def saved(sender, instance, raw=False, **kwargs):
        if not raw and (found := events(instance)) is not None:  # raw: loaddata sets versions
            bump(found)

    def deleting(sender, instance, **kwargs):
        instance.__dict__[attribute] = events(instance)

    def deleted(sender, instance, **kwargs):
        if (found := instance.__dict__.pop(attribute, None)) is not None:
            bump(found)

    uid = f"versions:{model._meta.label}{':' + name if name else ''}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=f"{uid}:deleting")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def track_many_to_many(through, events_of):
    """As `track`, for a many-to-many relation changed through `through` (add, remove, clear)."""

    def changed(sender, instance, action, **kwargs):
        # Before a removal, while the links still say where the instance appears.
        if action in ("post_add", "pre_remove", "pre_clear"):
            bump(events_of(instance))

    m2m_changed.connect(
        changed, sender=through, weak=False, dispatch_uid=f"versions:{through._meta.label}"
    )


class Version(NamedTuple):
    """What cache_key reads of a round table, when a model instance would cost more to
    make (its translated fields' defaults) than the query that read these two numbers."""

    pk: int
    data_version: int


def cache_key(event, name, language):
    """A cache key for `name` (a page, list or feed) of `event` in `language`, as it is now."""
    return f"rt:{event.pk}:{event.data_version}:{language}:{name}"
