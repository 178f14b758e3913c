"""The public registration form of a round table, and the organisers' upload of a video
platform's participant report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from participants import registration as rules
from participants.models import Registration
from roundtable.models import RoundTable

CONSENT = _(
    "I consent to the processing of my personal data given in this form under the Law of the "
    "Republic of Kazakhstan “On personal data and their protection”, for my registration, "
    "the participant list of the round table and its certificates."
)


class RegistrationForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=CONSENT,
        error_messages={"required": _("Without your consent we cannot register you.")},
    )

    class Meta:
        model = Registration
        fields = [
            "surname",
            "given_name",
            "patronymic",
            "email",
            "organisation",
            "position",
            "mode",
        ]
        widgets = {
            "surname": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "additional-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "mode": forms.RadioSelect,
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        allowed = rules.modes(event)
        self.fields["mode"].choices = [
            (value, label) for value, label in self.fields["mode"].choices if value in allowed
        ]
        self.fields["mode"].initial = allowed[0]
        if len(allowed) == 1:
            self.fields["mode"].widget = forms.HiddenInput()

    def save(self, commit=True):
        # The wording agreed to, in the language it was shown in.
        self.instance.consent_text = str(CONSENT)
        return super().save(commit=commit)


class ReportUploadForm(forms.Form):
    event = forms.ModelChoiceField(queryset=RoundTable.objects.all(), label=_("round table"))
    report = forms.FileField(
        label=_("Participant report"),
        help_text=_(
            "The CSV of the video platform (Zoom, Teams): a name, an e-mail and a join time column."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ProgrammeForm(forms.Form):
    event = forms.ModelChoiceField(queryset=RoundTable.objects.all(), label=_("round table"))
