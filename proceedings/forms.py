"""The speaker's forms for a paper: its metadata per language and its authors."""

from django import forms
from django.conf import settings
from django.db import transaction
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from proceedings.models import Author, Paper, Review, Section

LANGUAGES = settings.WRITTEN_LANGUAGES
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
PAPER_TEXTS = ("title", "abstract", "keywords")
AUTHOR_TEXTS = (
    "surname",
    "given_name",
    "patronymic",
    "standing",
    "organisation",
    "city",
    "country",
)
MOVE_COMMENT_MAX = 2000
# The message of the database constraint, so that the form and the database say the same.
ONE_SUPERVISOR = next(
    constraint.violation_error_message
    for constraint in Author._meta.constraints
    if constraint.name == "paper_has_one_supervisor"
)


def translated(names):
    return [f"{name}_{code}" for code in LANGUAGE_CODES for name in names]


def labels_of(model, names):
    """The model's own names for its translated fields ("Title", not "title [kk]"): the fieldset
    around them says the language."""
    return {
        f"{name}_{code}": capfirst(model._meta.get_field(name).verbose_name)
        for name in names
        for code in LANGUAGE_CODES
    }


def language_groups(form, names):
    """The form's fields of `names` grouped per language: [{"code", "name", "fields"}]."""
    return [
        {"code": code, "name": name, "fields": [form[f"{field}_{code}"] for field in names]}
        for code, name in LANGUAGES
    ]


class PaperForm(forms.ModelForm):
    """Title, abstract and keywords per language, the paper's language and its section.

    Paper.clean asks for the title in the paper's own language.
    """

    class Meta:
        model = Paper
        fields = ["language", "section", *translated(PAPER_TEXTS)]
        labels = labels_of(Paper, PAPER_TEXTS)
        widgets = {
            **{
                f"title_{code}": forms.TextInput(attrs={"lang": code, "size": 80})
                for code in LANGUAGE_CODES
            },
            **{
                f"abstract_{code}": forms.Textarea(attrs={"lang": code, "rows": 5})
                for code in LANGUAGE_CODES
            },
            **{
                f"keywords_{code}": forms.TextInput(attrs={"lang": code, "size": 80})
                for code in LANGUAGE_CODES
            },
        }
        help_texts = {f"keywords_{code}": _("Separated by commas.") for code in LANGUAGE_CODES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_texts_as_blank(self)
        self.fields["section"].queryset = Section.objects.filter(event_id=self.instance.event_id)
        self.fields["section"].help_text = _(
            "The organisers may change it when they compose the book."
        )
        self.fields["language"].help_text = _("The language the paper is written in.")

    def languages(self):
        return language_groups(self, PAPER_TEXTS)


def empty_texts_as_blank(form):
    """An empty translated text is stored as "", as the models' checks and the book read it
    (modeltranslation makes these columns nullable, so forms would store None)."""
    for name, field in form.fields.items():
        if name.rsplit("_", 1)[-1] in LANGUAGE_CODES and isinstance(field, forms.CharField):
            field.empty_value = ""


class AuthorForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = [
            "role",
            "order",
            *translated(AUTHOR_TEXTS),
            "degree",
            "academic_title",
            "email",
        ]
        labels = labels_of(Author, AUTHOR_TEXTS)
        widgets = {
            name: forms.TextInput(attrs={"lang": name.rsplit("_", 1)[1]})
            for name in translated(AUTHOR_TEXTS)
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty_texts_as_blank(self)

    def languages(self):
        return language_groups(self, AUTHOR_TEXTS)

    def validate_constraints(self):
        """One supervisor per paper is checked across the whole formset (AuthorFormSet.clean),
        where swapping the supervisor within one submission is not mistaken for a second one."""


class BaseAuthorFormSet(BaseInlineFormSet):
    """The authors of a paper; the vocabularies for degree and title are read once for all forms
    and, as the collection prints it, a paper has at most one scientific supervisor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shared_choices = {}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Author.clean reads the paper's language: the paper being edited, not a fresh copy.
        form.instance.paper = self.instance
        for name in ("degree", "academic_title"):
            if name not in self.shared_choices:
                # Iterated, not list()-ed: the length of the choices would be one more query.
                self.shared_choices[name] = [*iter(form.fields[name].choices)]
            form.fields[name].choices = self.shared_choices[name]
        return form

    def clean(self):
        super().clean()
        roles = [form.cleaned_data.get("role") for form in self.kept_forms()]
        if roles.count(Author.Role.SUPERVISOR) > 1:
            raise forms.ValidationError(ONE_SUPERVISOR, code="one_supervisor")
        if Author.Role.AUTHOR not in roles:
            raise forms.ValidationError(_("A paper has at least one author."), code="no_author")

    def kept_forms(self):
        """The forms of authors the paper keeps: existing ones not deleted and filled new ones."""
        return [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]

    def save(self, commit=True):
        """Deletions and authors first, the supervisor last, so that the database never holds
        two supervisors of the paper in between (its constraint checks each row)."""
        with transaction.atomic():
            for form in self.deleted_forms:
                if form.instance.pk:
                    self.delete_existing(form.instance, commit=commit)
            self.deleted_objects = [form.instance for form in self.deleted_forms]
            kept = self.kept_forms()
            kept.sort(key=lambda form: form.cleaned_data.get("role") == Author.Role.SUPERVISOR)
            saved = []
            for form in kept:
                if form.instance.pk:
                    if form.has_changed():
                        saved.append(self.save_existing(form, form.instance, commit=commit))
                else:
                    saved.append(self.save_new(form, commit=commit))
            return saved


AuthorFormSet = inlineformset_factory(
    Paper,
    Author,
    form=AuthorForm,
    formset=BaseAuthorFormSet,
    extra=1,
    can_delete=True,
)


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Paper.Status.choices)
    comment = forms.CharField(required=False, max_length=MOVE_COMMENT_MAX)
    # Sent by the page that asks before a withdrawal.
    confirmed = forms.BooleanField(required=False)


class ReviewForm(forms.ModelForm):
    """The reviewer's scores, recommendation and comments; read only once submitted."""

    class Meta:
        model = Review
        fields = [*Review.CRITERIA, "recommendation", "comments", "confidential_comments"]
        widgets = dict.fromkeys([*Review.CRITERIA, "recommendation"], forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [*Review.CRITERIA, "recommendation"]:
            # A draft may be kept half filled; submitting asks for everything (reviewing.save).
            field = self.fields[name]
            field.required = False
            field.choices = [choice for choice in field.choices if choice[0] != ""]
        if self.instance.submitted_at:
            for field in self.fields.values():
                field.disabled = True
