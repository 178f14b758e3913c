from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Round tables and papers read from YAML files: operations above every domain app, which
    none of them imports."""

    name = "imports"
