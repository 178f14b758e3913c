from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResolutionsConfig(AppConfig):
    """The adopted resolution (models arrive with the Resolution issue)."""

    name = "resolutions"
    verbose_name = _("Resolutions")
