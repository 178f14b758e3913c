from modeltranslation.translator import TranslationOptions, register

from resolutions.models import Amendment, Resolution, ResolutionItem, ResolutionSection


@register(Resolution)
class ResolutionTranslation(TranslationOptions):
    fields = ("title", "preamble", "closing")
    required_languages = ("kk",)


@register(ResolutionSection)
class ResolutionSectionTranslation(TranslationOptions):
    fields = ("heading", "lead")
    required_languages = {"kk": ("heading",)}


@register(ResolutionItem)
class ResolutionItemTranslation(TranslationOptions):
    # kk and ru pair item by item, but either may be entered first: drafting.language_gaps warns.
    fields = ("text",)
    required_languages = ()


@register(Amendment)
class AmendmentTranslation(TranslationOptions):
    # A participant may write in one language; the form asks for at least one.
    fields = ("text",)
    required_languages = ()
