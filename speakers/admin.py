from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from portal.admin_base import ReadOnlyAdmin
from portal.concurrent_edits import RefusesStaleForms
from roundtable.models import RoundTable
from speakers import account_rules, invitations, letters
from speakers.models import AcademicTitle, Degree, Invitation, Letter, Person, Rank

# The Person list's filter by round table, as the admin names it in the query string.
EVENT_FILTER = "participations__event__id__exact"


class InvitationInline(admin.TabularInline):
    """The letters sent to the person, newest first; the "Invite" action adds them."""

    model = Invitation
    fields = ["event", "sent_at", "invited_by", "accepted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("invitations to upload papers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event", "invited_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    list_display = ["full_name", "position_line", "degree", "rank"]
    list_filter = [
        ("participations__event", admin.RelatedOnlyFieldListFilter),
        "degree",
        "academic_title",
        "rank",
    ]
    actions = ["invite"]
    inlines = [InvitationInline]
    search_fields = [
        "slug",
        "surname_kk",
        "surname_ru",
        "surname_en",
        "given_name_kk",
        "given_name_ru",
        "email",
    ]
    list_select_related = ["degree", "academic_title", "rank"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "surname",
                    "given_name",
                    "patronymic",
                    "email",
                    "language",
                    "user",
                ]
            },
        ),
        (
            None,
            {
                "fields": [
                    "position",
                    "organisation",
                    "degree",
                    "academic_title",
                    "rank",
                    "printed_position",
                ]
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "user" in form.base_fields:
            # Not a staff or superuser account, nor another person's (speakers/account_rules.py).
            form.base_fields["user"].queryset = account_rules.linkable_accounts(obj)
        return form

    def has_invite_permission(self, request):
        return request.user.has_perm("speakers.add_invitation")

    @admin.action(description=_("Invite to upload papers"), permissions=["invite"])
    def invite(self, request, queryset):
        """Send each selected person a letter with a link to set a password.

        The round table is the one the list is filtered by ("By round table" on the right);
        without the filter, each person's only round table. Someone who takes part in several
        is skipped with a word to filter first, so nobody gets a letter about the wrong event.
        """
        chosen = request.GET.get(EVENT_FILTER)
        event = RoundTable.objects.filter(pk=chosen).first() if chosen else None
        people = queryset.prefetch_related("participations__event")
        for person in people:
            events = [p.event for p in person.participations.all()]
            target = event if event in events else None
            if target is None and not event and len(events) == 1:
                target = events[0]
            if not person.email:
                self.message_user(
                    request,
                    gettext("%(person)s has no e-mail address; not invited.") % {"person": person},
                    messages.WARNING,
                )
                continue
            if target is None:
                self.message_user(
                    request,
                    self._no_event_message(person, events),
                    messages.WARNING,
                )
                continue
            try:
                invitations.invite(person, target, request.user, request)
            except invitations.InvitationError as error:
                # Translators: the reason is a whole sentence, e.g. "… has no e-mail address."
                reason = gettext("%(reason)s Not invited.") % {"reason": error}
                self.message_user(request, reason, messages.WARNING)
            else:
                self.message_user(
                    request,
                    gettext("%(person)s: invited to %(event)s (%(email)s).")
                    % {"person": person, "event": target, "email": person.email},
                    messages.SUCCESS,
                )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, unquote(object_id))
        if person is not None and request.method == "GET":
            warn_of_unsent_letters(request, person.letters.all())
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _no_event_message(person, events):
        if not events:
            return gettext("%(person)s takes part in no round table; not invited.") % {
                "person": person
            }
        return gettext(
            "%(person)s takes part in several round tables; filter the list by round table "
            "and invite again."
        ) % {"person": person}


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    """Every letter the portal wrote, and whether it went; organisers send failed ones again.

    The text is not shown: an invitation's holds a link that sets the account's password."""

    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "person__surname_kk", "person__surname_ru"]
    fields = [
        "kind",
        "person",
        "to",
        "subject",
        "about_link",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["send_again"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "about_type")

    @admin.display(description=_("regarding"))
    def about_link(self, letter):
        about = letter.about
        if about is None:
            return "—"
        info = (about._meta.app_label, about._meta.model_name)
        if info == ("speakers", "invitation"):  # invitations are shown on their person's page
            about, info = about.person, ("speakers", "person")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:{}_{}_change".format(*info), args=[about.pk]),
            about,
        )

    def has_send_permission(self, request):
        return request.user.has_perm("speakers.change_letter")

    @admin.action(description=_("Send the selected letters again"), permissions=["send"])
    def send_again(self, request, queryset):
        queued = sum(letters.send_again(letter) for letter in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s letter is queued to be sent again.",
                "%(count)s letters are queued to be sent again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        if queued < len(queryset):
            self.message_user(
                request,
                gettext("Only letters that were not sent can be sent again."),
                messages.WARNING,
            )


def warn_of_unsent_letters(request, written):
    """A warning on an admin page for each letter of `written` that failed or is being retried."""
    for letter in written.exclude(status=Letter.Status.SENT).filter(attempts__gt=0):
        if letter.status == Letter.Status.FAILED:
            text = gettext("The letter “{subject}” to {to} was not sent ({error}).")
            link = gettext("Send it again from the list of letters")
        else:
            text = gettext(
                "The letter “{subject}” to {to} has not gone yet: the mail server failed "
                "({error}). It will be tried again."
            )
            link = gettext("See it in the list of letters")
        messages.warning(
            request,
            format_html(
                '{} <a href="{}?id__exact={}">{}</a>',
                format_html(text, subject=letter.subject, to=letter.to, error=letter.last_error),
                reverse("admin:speakers_letter_changelist"),
                letter.pk,
                link,
            ),
        )


@admin.register(Degree)
class DegreeAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    list_display = ["name", "abbreviation"]
    search_fields = ["name_kk", "name_ru", "abbreviation_kk", "abbreviation_ru"]


@admin.register(AcademicTitle, Rank)
class TermAdmin(RefusesStaleForms, TabbedTranslationAdmin):
    search_fields = ["name_kk", "name_ru", "name_en"]
