from modeltranslation.translator import TranslationOptions, register

from participants.models import CertificateTemplate, Signatory


@register(CertificateTemplate)
class CertificateTemplateTranslation(TranslationOptions):
    fields = ("title", "wording")
    required_languages = ("kk", "ru")


@register(Signatory)
class SignatoryTranslation(TranslationOptions):
    fields = ("name", "position")
    required_languages = ("kk", "ru")
