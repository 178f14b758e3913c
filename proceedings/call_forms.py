"""The application form of an open call, and the co-authors it lists (who need no account)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proceedings.forms import LANGUAGE_CODES, empty_texts_as_blank
from proceedings.models import Application, Section

NAME_FIELDS = ("surname", "given_name", "patronymic")
COAUTHORS_AT_MOST = 6


class ApplicationForm(forms.ModelForm):
    file = forms.FileField(
        label=_("Paper"),
        help_text=_("A Word document (.docx) or a PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my personal data given in this form under the Law "
            "of the Republic of Kazakhstan “On personal data and their protection”, for the "
            "round table, its programme and its proceedings."
        ),
        error_messages={"required": _("Without your consent the application cannot be sent.")},
    )

    class Meta:
        model = Application
        fields = [
            *(f"{name}_{code}" for code in LANGUAGE_CODES for name in NAME_FIELDS),
            "organisation",
            "position",
            "degree",
            "academic_title",
            "rank",
            "city",
            "country",
            "phone",
            "email",
            "orcid",
            "section",
            "paper_language",
            "paper_title",
            "attendance",
        ]
        widgets = {
            **{
                f"{name}_{code}": forms.TextInput(attrs={"lang": code, "autocomplete": "off"})
                for code in LANGUAGE_CODES
                for name in NAME_FIELDS
            },
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "orcid": forms.TextInput(attrs={"placeholder": "0000-0000-0000-0000"}),
            "paper_title": forms.TextInput(attrs={"size": 80}),
            "attendance": forms.RadioSelect,
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        empty_texts_as_blank(self)
        self.instance.call = call
        self.fields["section"].queryset = Section.objects.filter(event_id=call.event_id)
        self.fields["section"].required = self.fields["section"].queryset.exists()
        languages = dict(self.fields["paper_language"].choices)
        self.fields["paper_language"].choices = [
            (code, languages[code]) for code in call.languages if code in languages
        ]
        for code in LANGUAGE_CODES:
            for name in NAME_FIELDS:
                self.fields[f"{name}_{code}"].label = Application._meta.get_field(
                    name
                ).verbose_name.capitalize()

    def name_groups(self):
        """The name fields per language, for one fieldset each."""
        labels = {"kk": _("In Kazakh"), "ru": _("In Russian"), "en": _("In English (Latin)")}
        return [
            {
                "code": code,
                "legend": labels[code],
                "fields": [self[f"{name}_{code}"] for name in NAME_FIELDS],
            }
            for code in LANGUAGE_CODES
        ]

    def clean(self):
        data = super().clean()
        given = [
            code
            for code in ("kk", "ru", "en")
            if data.get(f"surname_{code}") and data.get(f"given_name_{code}")
        ]
        if not {"kk", "ru"} & set(given):
            raise forms.ValidationError(
                _("Give your surname and name in Kazakh or in Russian (or both)."), code="name"
            )
        language = data.get("paper_language")
        if language == "en" and "en" not in given:
            self.add_error("surname_en", _("An English paper prints its authors in Latin letters."))
        return data


class CoauthorForm(forms.Form):
    surname = forms.CharField(label=_("surname"), max_length=100)
    given_name = forms.CharField(label=_("given name"), max_length=100)
    patronymic = forms.CharField(label=_("patronymic"), max_length=100, required=False)
    organisation = forms.CharField(label=_("organisation"), max_length=300, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)


CoauthorFormSet = forms.formset_factory(
    CoauthorForm, extra=2, max_num=COAUTHORS_AT_MOST, validate_max=True
)


def coauthors(formset):
    """The filled co-author rows as the application stores them."""
    return [form.cleaned_data for form in formset if form.cleaned_data]
