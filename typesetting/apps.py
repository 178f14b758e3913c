from django.apps import AppConfig


class TypesettingConfig(AppConfig):
    """WeasyPrint with a restricted URL fetcher, our Kazakh hyphenation, print stylesheets, and
    pypdf's folios: what every printed page of the portal (programme, book, resolution) shares."""

    name = "typesetting"

    def ready(self):
        from typesetting import hyphenation

        hyphenation.register()
