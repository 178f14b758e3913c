from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceedingsConfig(AppConfig):
    """Papers and the proceedings book (models arrive with the Papers and Book issues)."""

    name = "proceedings"
    verbose_name = _("Proceedings")
