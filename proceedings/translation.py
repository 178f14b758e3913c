from modeltranslation.translator import TranslationOptions, register

from proceedings.models import Application, Author, Call, Paper, Proceedings, Section


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("kk",)


@register(Paper)
class PaperTranslation(TranslationOptions):
    # The title is required in the paper's own language only: Paper.clean checks it.
    fields = ("title", "abstract", "keywords")
    required_languages = ()


@register(Author)
class AuthorTranslation(TranslationOptions):
    # Names are written in the languages the collection prints; Author.clean asks for the
    # paper's language.
    fields = ("surname", "given_name", "patronymic", "standing", "organisation", "city", "country")
    required_languages = ()


@register(Proceedings)
class ProceedingsTranslation(TranslationOptions):
    # The cover prints the title in Kazakh, Russian and English; the rest as the imprint needs.
    fields = (
        "title",
        "subtitle",
        "organiser",
        "editors",
        "publisher",
        "city",
        "country",
        "annotation",
        "paper",
        "printing_house",
        "printing_house_address",
    )
    required_languages = ("kk", "ru")


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("requirements",)
    required_languages = ()


@register(Application)
class ApplicationTranslation(TranslationOptions):
    # The applicant's name as the roster prints it in Kazakh and Russian (and in English when
    # they give it): the form asks for one of Kazakh and Russian at least.
    fields = ("surname", "given_name", "patronymic")
    required_languages = ()
