from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceedingsConfig(AppConfig):
    """Papers, their uploaded versions and review; the proceedings book."""

    name = "proceedings"
    verbose_name = _("Proceedings")

    def ready(self):
        from proceedings import hyphenation

        hyphenation.register()
