from modeltranslation.translator import TranslationOptions, register

from roundtable.models import ProgrammeItem, RoundTable


@register(RoundTable)
class RoundTableTranslation(TranslationOptions):
    fields = ("theme", "kind", "venue", "address", "organiser")
    required_languages = ("kk",)


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title",)
