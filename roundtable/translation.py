from modeltranslation.translator import TranslationOptions, register

from roundtable.models import ProgrammeItem, ReleasedItem, Room, RoundTable, ScheduleRelease


@register(RoundTable)
class RoundTableTranslation(TranslationOptions):
    fields = ("theme", "kind", "venue", "address", "organiser")
    required_languages = ("kk",)


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title",)


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("kk",)


@register(ScheduleRelease)
class ScheduleReleaseTranslation(TranslationOptions):
    fields = ("comment",)


@register(ReleasedItem)
class ReleasedItemTranslation(TranslationOptions):
    fields = ("title",)
