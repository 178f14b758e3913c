from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.date_range import validate_in_range
from roundtable.schedule import NoOverlapConstraint, TimeOfDayRange
from speakers.models import Participation, Person


def in_every_language(field):
    """The columns modeltranslation keeps for a translated `field`: title_kk, title_ru, …"""
    return tuple(f"{field}_{code}" for code in dict(settings.WRITTEN_LANGUAGES))


class RevisionFields:
    """Tells in save() whether any of `revision_fields` changed since the row was loaded.

    Calendars keep an item and replace it only with a higher revision (SEQUENCE in iCalendar),
    so a change of time, title or place has to count. The values loaded are kept by `from_db`, as
    Django documents, rather than read again before each save.
    """

    revision_fields = ()

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance.remember_revision_fields()
        return instance

    def remember_revision_fields(self):
        # Deferred fields are not in __dict__: left out, they count as unchanged.
        self._loaded_revision_fields = {
            name: self.__dict__[name] for name in self.revision_fields if name in self.__dict__
        }

    def revision_fields_changed(self):
        loaded = getattr(self, "_loaded_revision_fields", {})
        return any(self.__dict__.get(name, value) != value for name, value in loaded.items())


def fields_to_write(instance, save_kwargs, leave):
    """The fields a save of the existing `instance` writes (its `update_fields`, else all), less
    `leave`: counters raised in the database only (F() updates), which an instance read before
    a raise would otherwise write back lowered."""
    fields = save_kwargs.get("update_fields")
    if fields is None:
        fields = [field.name for field in instance._meta.concrete_fields if not field.primary_key]
    return [name for name in fields if name not in leave]


class RoundTableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_programme(self):
        """With the programme items, their speakers and the participations, as the event page
        and the printed programme show them, in a fixed number of queries."""
        return self.prefetch_related(*programme_prefetches())


def speakers_as_printed():
    """An item's speakers with what the programme prints of them (degree, title, rank)."""
    return models.Prefetch(
        "speakers", queryset=Person.objects.select_related("degree", "academic_title", "rank")
    )


def programme_prefetches(*, draft=False):
    """What RoundTableQuerySet.with_programme prefetches; for prefetch_related_objects on a round
    table already read. The programme is the released one the public sees (RoundTable.programme),
    or with `draft` the organisers' draft (programme_items)."""
    speakers = speakers_as_printed()
    if draft:
        programme = models.Prefetch(
            "programme_items", queryset=ProgrammeItem.objects.prefetch_related(speakers)
        )
    else:
        programme = models.Prefetch(
            "current_release__items",
            queryset=ReleasedItem.objects.select_related("room").prefetch_related(speakers),
        )
    participations = Participation.objects.select_related(
        "person__degree", "person__academic_title", "person__rank"
    )
    return [programme, models.Prefetch("participations", queryset=participations)]


class RoundTable(RevisionFields, models.Model):
    """One round table: a day of talks on a theme that ends in an adopted resolution."""

    # Where and on which day every item takes place: a change is a new revision of each item.
    revision_fields = ("date", *in_every_language("venue"), *in_every_language("address"))

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remote")
        MIXED = "mixed", _("Mixed (on site and remote)")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=500)
    kind = models.CharField(
        _("kind of event"),
        max_length=100,
        blank=True,
        help_text=_("As printed on the programme, e.g. дөңгелек үстел / круглый стол."),
    )
    date = models.DateField(_("date"), validators=[validate_in_range])
    start = models.TimeField(_("starts at"))
    venue = models.CharField(_("venue"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format, default=Format.ON_SITE)
    online_link = models.URLField(
        _("online link"), blank=True, help_text=_("Where remote participants join.")
    )
    organiser = models.CharField(_("organising institution"), max_length=300, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown to the public.")
    )
    papers_deadline = models.DateTimeField(
        _("deadline for papers"),
        null=True,
        blank=True,
        validators=[validate_in_range],
        help_text=_("Speakers upload and replace their papers until then."),
    )
    # Bumped whenever anything shown of the round table changes (portal/versions.py): public
    # caches and ETags are keyed on it.
    data_version = models.PositiveBigIntegerField(_("data version"), default=1, editable=False)
    data_changed_at = models.DateTimeField(
        _("data last changed at"), default=timezone.now, editable=False
    )
    # The programme the public sees (roundtable/releases.py); None until the first release.
    # Set by the release only, as the data version is.
    current_release = models.ForeignKey(
        "ScheduleRelease",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="current_of",
        verbose_name=_("current release"),
    )

    objects = RoundTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")
        ordering = ["-date", "slug"]

    def __str__(self):
        return self.theme

    def save(self, **kwargs):
        moved = self.pk is not None and self.revision_fields_changed()
        if not self._state.adding:
            # The data version moves only through versions.bump; written back, an old number
            # would bring back the key of a page cached before this edit.
            kwargs["update_fields"] = fields_to_write(
                self, kwargs, leave=("data_version", "data_changed_at", "current_release")
            )
        super().save(**kwargs)
        if moved:
            # What calendars hold is the released programme: its items are revised in place.
            ReleasedItem.objects.filter(release__current_of=self).update(sequence=F("sequence") + 1)
        self.remember_revision_fields()

    def get_absolute_url(self):
        return reverse("roundtable:event", kwargs={"slug": self.slug})

    @property
    def programme(self):
        """The items of the current release: the programme the public sees (none before the
        first release; the organisers' draft is `programme_items`)."""
        if self.current_release_id is None:
            return ReleasedItem.objects.none()
        return self.current_release.items.all()

    @property
    def moderator(self):
        """The moderating participant: from the participations when they are prefetched, else
        read alone (not the whole roster)."""
        if "participations" in getattr(self, "_prefetched_objects_cache", {}):
            participation = next((p for p in self.participations.all() if p.is_moderator), None)
        else:
            participation = (
                self.participations.filter(is_moderator=True).select_related("person").first()
            )
        return participation.person if participation else None

    def chairs(self, rooms=None):
        """{room id: the person who chairs its items}: each of the round table's `rooms` (read
        with their chairs when not given) that has a chair, and its own hall (None), chaired by
        its moderator. A room without a chair has none: the moderator is in the hall."""
        rooms = self.rooms.select_related("chair") if rooms is None else rooms
        chaired = {room.pk: room.chair for room in rooms if room.chair_id is not None}
        if moderator := self.moderator:
            chaired[None] = moderator
        return chaired


class Room(models.Model):
    """A room, or a parallel session, of a round table's day.

    Items of one room never overlap; items of different rooms may. An item without a room is in
    the round table's own hall, chaired by its moderator; a room without a chair has none (the
    moderator, in the hall, cannot also chair a session beside it).
    """

    event = models.ForeignKey(
        RoundTable, models.CASCADE, related_name="rooms", verbose_name=_("round table")
    )
    name = models.CharField(_("name"), max_length=200)
    chair = models.ForeignKey(
        "speakers.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_rooms",
        verbose_name=_("chair"),
        help_text=_(
            "Who chairs the items in this room; leave empty if nobody does. The round table's own "
            "hall is chaired by its moderator."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class ProgrammeItem(models.Model):
    """A timed line of the programme: a talk, the opening, a break, the discussion.

    The items are the organisers' draft: the public sees them as last released (ReleasedItem).
    """

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        TALK = "talk", _("Talk")
        BREAK = "break", _("Break")
        DISCUSSION = "discussion", _("Discussion")
        CLOSING = "closing", _("Closing")

    event = models.ForeignKey(
        RoundTable,
        models.CASCADE,
        related_name="programme_items",
        verbose_name=_("round table"),
    )
    room = models.ForeignKey(
        Room,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("room"),
        help_text=_("Leave empty for the round table's own hall."),
    )
    start = models.TimeField(_("start"), null=True, blank=True)
    end = models.TimeField(_("end"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.TALK)
    speakers = models.ManyToManyField(
        "speakers.Person",
        blank=True,
        related_name="programme_items",
        verbose_name=_("speakers"),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    title_language = models.CharField(
        _("language of the title"),
        max_length=2,
        choices=settings.WRITTEN_LANGUAGES,
        blank=True,
        help_text=_(
            "Talk titles are printed in the talk's own language in every programme: enter the "
            "title in that language only."
        ),
    )
    order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Places items without a time, such as the closing.")
    )

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        ordering = [F("start").asc(nulls_last=True), "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gt=F("start")),
                name="programme_item_ends_after_start",
                violation_error_message=_(
                    "An item needs both a start and a later end, or neither."
                ),
            ),
            NoOverlapConstraint(
                name="programme_items_do_not_overlap",
                expressions=[
                    (TimeOfDayRange("start", "end"), RangeOperators.OVERLAPS),
                    ("event", RangeOperators.EQUAL),
                    # Items without a room are in one hall: NULL would equal nothing.
                    (Coalesce("room", Value(0)), RangeOperators.EQUAL),
                ],
                condition=Q(start__isnull=False, end__isnull=False),
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The title, or failing that the speakers or the kind: what an organiser recognises."""
        if self.title:
            return self.title
        if self.pk and (names := ", ".join(p.short_name for p in self.speakers.all())):
            return names
        return str(self.get_kind_display())

    def clean(self):
        if (self.start is None) != (self.end is None):
            raise ValidationError(
                _("Give both a start and an end, or neither (for an untimed item)."),
                code="incomplete_times",
            )
        if (
            self.room_id is not None
            and self.event_id is not None
            and (self.room.event_id != self.event_id)
        ):
            raise ValidationError(
                {"room": _("The room belongs to another round table.")}, code="room_elsewhere"
            )
        if self.start is not None and self.end <= self.start:
            raise ValidationError(
                {"end": _("The end must be after the start.")}, code="end_before_start"
            )


class ScheduleRelease(models.Model):
    """A version of a round table's programme as released to the public (roundtable/releases.py).

    Versions count from 1 per round table; the released items are frozen copies of the draft.
    """

    event = models.ForeignKey(
        RoundTable, models.CASCADE, related_name="releases", verbose_name=_("round table")
    )
    version = models.PositiveIntegerField(_("version"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    released_at = models.DateTimeField(_("released at"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )

    class Meta:
        verbose_name = _("schedule release")
        verbose_name_plural = _("schedule releases")
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "version"], name="one_release_per_version_of_a_round_table"
            )
        ]

    def __str__(self):
        return f"{self.event} — {self.version}"


class ReleasedItem(models.Model):
    """A programme item as a release froze it; reads as a ProgrammeItem does in templates."""

    Kind = ProgrammeItem.Kind

    release = models.ForeignKey(
        ScheduleRelease, models.CASCADE, related_name="items", verbose_name=_("release")
    )
    # The draft item, and its id kept when the draft item is deleted: the item's identity in
    # calendars (UID), schedule apps (guid) and the event page's anchors across releases.
    item = models.ForeignKey(
        ProgrammeItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("programme item"),
    )
    item_key = models.PositiveIntegerField(_("programme item number"))
    room = models.ForeignKey(
        Room,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="released_items",
        verbose_name=_("room"),
    )
    start = models.TimeField(_("start"), null=True, blank=True)
    end = models.TimeField(_("end"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ProgrammeItem.Kind)
    speakers = models.ManyToManyField(
        "speakers.Person", blank=True, related_name="released_items", verbose_name=_("speakers")
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    title_language = models.CharField(
        _("language of the title"), max_length=2, choices=settings.WRITTEN_LANGUAGES, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # Counts the releases that changed the item's time, room, kind, title or speakers, and the
    # round table's changes of day or place: calendars that hold the item replace it only with a
    # higher number (SEQUENCE in iCalendar, roundtable/calendar.py).
    sequence = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("released programme item")
        verbose_name_plural = _("released programme items")
        ordering = [F("start").asc(nulls_last=True), "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "item_key"], name="a_programme_item_once_per_release"
            )
        ]

    def __str__(self):
        return self.label

    label = ProgrammeItem.label
