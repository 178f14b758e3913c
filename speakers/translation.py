from modeltranslation.translator import TranslationOptions, register

from speakers.models import AcademicTitle, Degree, Person, Rank


@register(Degree)
class DegreeTranslation(TranslationOptions):
    fields = ("name", "abbreviation")
    required_languages = ("kk",)


@register(AcademicTitle)
class AcademicTitleTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("kk",)


@register(Rank)
class RankTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("kk",)


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("surname", "given_name", "patronymic", "position", "organisation", "printed_position")
    required_languages = {"kk": ("surname", "given_name")}
