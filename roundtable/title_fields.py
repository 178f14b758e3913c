"""A programme item's titles edited as one stacked field: the talk's own language first, and for
the other languages an empty box marked "not translated", so that a Russian talk does not look as
if its Kazakh title were missing."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from roundtable.models import ProgrammeItem

LANGUAGES = dict(settings.WRITTEN_LANGUAGES)
NOT_TRANSLATED = _("not translated")


def languages_for(own_language):
    """The written languages, the talk's own first."""
    return sorted(LANGUAGES, key=lambda code: code != own_language)


class StackedTitlesWidget(forms.MultiWidget):
    template_name = "roundtable/widgets/titles.html"

    def __init__(self, own_language="", attrs=None):
        self.own_language = own_language
        self.languages = languages_for(own_language)
        widgets = {
            code: forms.TextInput(attrs={"class": "vTextField programme-title", "lang": code})
            for code in self.languages
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for code, subwidget in zip(self.languages, context["widget"]["subwidgets"], strict=True):
            subwidget["language"] = LANGUAGES[code]
            subwidget["translation"] = bool(self.own_language) and code != self.own_language
            if subwidget["translation"]:
                subwidget["attrs"]["placeholder"] = NOT_TRANSLATED
        return context


class StackedTitlesField(forms.MultiValueField):
    """The titles as {language code: title}."""

    def __init__(self, **kwargs):
        fields = [forms.CharField(max_length=500, required=False) for _code in LANGUAGES]
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)
        self.order_by("")

    def order_by(self, own_language):
        self.languages = languages_for(own_language)
        self.widget = StackedTitlesWidget(own_language)

    def compress(self, data_list):
        return dict(zip(self.languages, data_list or [""] * len(LANGUAGES), strict=True))


class ProgrammeTitlesForm(forms.ModelForm):
    """The inline's row: the titles in one stacked field instead of a column per language."""

    titles = StackedTitlesField(label=_("title"))

    class Meta:
        model = ProgrammeItem
        fields = ["title_language"]  # the admin's inline names its own

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["titles"]
        field.order_by(self.instance.title_language)
        field.initial = {code: getattr(self.instance, f"title_{code}") or "" for code in LANGUAGES}

    @property
    def checked_fields(self):
        return self._checked_fields

    @checked_fields.setter
    def checked_fields(self, names):
        # The admin's check of edits made meanwhile (portal/concurrent_edits.py) checks the
        # form's model fields: the stacked titles stand for the three title columns.
        self._checked_fields = [*names, *(f"title_{code}" for code in LANGUAGES)]

    def clean(self):
        cleaned = super().clean()
        for code, title in (cleaned.get("titles") or {}).items():
            setattr(self.instance, f"title_{code}", title)
        return cleaned
