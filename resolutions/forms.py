"""Forms of the public resolution pages: proposing amendments, deciding them, moving the status,
choosing versions to compare. They check what was sent; the rules stay in `drafting`."""

from django import forms
from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from resolutions.drafting import LANGUAGES
from resolutions.models import Amendment, Resolution

LANGUAGE_NAMES = dict(settings.WRITTEN_LANGUAGES)
TEXT_LABELS = {
    "kk": _("Proposed text in Kazakh"),
    "ru": _("Proposed text in Russian"),
    "en": _("Proposed text in English"),
}


class AmendmentForm(forms.ModelForm):
    """A new amendment: the item it changes (or the section it adds to) and its text."""

    target = forms.ChoiceField(
        label=_("What do you propose to change?"),
        error_messages={"invalid_choice": _("Choose an item or a section of this resolution.")},
    )

    class Meta:
        model = Amendment
        fields = ["target", *(f"text_{code}" for code in LANGUAGES), "reason"]
        help_texts = {"reason": _("Why the change is needed; the organisers read it.")}

    def __init__(self, *args, resolution, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolution = resolution
        self.targets = {}
        choices = [("", _("Choose…"))]
        for number, section in enumerate(resolution.sections.all(), start=1):
            options = []
            for index, item in enumerate(section.items.all(), start=1):
                self.targets[f"item-{item.pk}"] = (section, item)
                options.append(
                    (
                        f"item-{item.pk}",
                        f"{number}.{index}. {Truncator(item.text).words(10)}",
                    )
                )
            self.targets[f"section-{section.pk}"] = (section, None)
            options.append(
                (
                    f"section-{section.pk}",
                    _("A new item in section %(number)s") % {"number": number},
                )
            )
            choices.append((f"{number}. {Truncator(section.heading).words(8)}", options))
        self.fields["target"].choices = choices
        for code in LANGUAGES:
            field = self.fields[f"text_{code}"]
            field.label = TEXT_LABELS.get(code, LANGUAGE_NAMES[code])
            field.required = False
            # The field holds text in its own language: spelling and screen readers follow it.
            field.widget = forms.Textarea(attrs={"rows": 4, "lang": code, "spellcheck": "true"})
        self.fields["reason"].widget = forms.Textarea(attrs={"rows": 3})

    def text_fields(self):
        return [self[f"text_{code}"] for code in LANGUAGES]

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(f"text_{code}") or "").strip() for code in LANGUAGES):
            raise forms.ValidationError(
                _("Write the proposed text in at least one language."), code="no_text"
            )
        return cleaned

    def _post_clean(self):
        target = self.cleaned_data.get("target")
        if target in self.targets:
            self.instance.section, self.instance.item = self.targets[target]
        self.instance.resolution = self.resolution
        super()._post_clean()


class DecisionForm(forms.Form):
    """Accept or decline an amendment, with the organisers' comment."""

    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class StatusForm(forms.Form):
    """Move the resolution to another status; a reason is kept with the move."""

    status = forms.ChoiceField(choices=Resolution.Status.choices)
    comment = forms.CharField(label=_("Reason"), required=False, max_length=500)
    # A date input sends ISO dates whatever the page's language.
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, input_formats=["%Y-%m-%d"])
    # Sent by the confirmation page of a move that takes back the adoption or the publication.
    confirmed = forms.BooleanField(required=False)


class CompareForm(forms.Form):
    """Two version numbers and the language to compare them in."""

    language = forms.ChoiceField(choices=settings.WRITTEN_LANGUAGES, required=False)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, str(number)) for number in numbers]
        messages = {
            "required": _("Choose a version."),
            "invalid_choice": _("There is no version %(value)s of this resolution."),
        }
        self.fields["from"] = forms.TypedChoiceField(
            label=_("Older version"), choices=choices, coerce=int, error_messages=messages
        )
        self.fields["to"] = forms.TypedChoiceField(
            label=_("Newer version"), choices=choices, coerce=int, error_messages=messages
        )
