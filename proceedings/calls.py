"""The open call: an application received, its address confirmed, and then a person and a paper.

`receive` keeps the application with its checked file and writes to the address given a letter
with a confirmation link. Nothing reaches the roster or the papers before the link is used:
anyone can type anyone's address into a form, so only `confirm` (by the address's owner) matches
the applicant to an existing person by that address, or adds a new person, gives them an account,
and makes the paper: a submitted paper with the applicant and co-authors as its authors and the
application's file as its first version, as if its speaker had uploaded and submitted it.

A new person whose name is already on the roster (with another or no address) is flagged on the
application as possibly the same person; the organiser merges them in the admin (`merge`).
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from proceedings import review, submission, uploads
from proceedings.models import Author, Paper
from proceedings.models.calls import Application
from speakers import invitations, people
from speakers.letters import write
from speakers.models import Person

CONFIRMATION_SALT = "proceedings.calls.confirmation"
CONFIRMATION_DAYS = 14
NAME_LANGUAGES = ("kk", "ru", "en")


class LinkProblem(Exception):
    """The confirmation link is not ours, or too old; the message says so to the applicant."""


def receive(application, uploaded_file, base_url):
    """Check the file, store `application` (unsaved, from the form) and write the letter.

    Raises ValidationError (the call is closed, the file is refused) and then stores nothing.
    """
    call = application.call
    if not call.is_open():
        raise ValidationError(_("The call for papers is closed."), code="closed")
    checked = uploads.check(uploaded_file)
    forget_unconfirmed()
    storage = Application._meta.get_field("file").storage
    name = submission.store(storage, uploads.storage_name(checked), uploaded_file)
    try:
        with transaction.atomic():
            application.file = name
            application.consent_at = timezone.now()
            application.save()
            with translation.override(application.language):
                path = reverse(
                    "roundtable:call_confirm", args=[call.event.slug, token(application)]
                )
            write(
                application.email,
                application.language,
                "application_confirmation",
                {
                    "application": application,
                    "event": call.event,
                    "link": invitations.absolute(base_url, path),
                    "valid_days": CONFIRMATION_DAYS,
                },
                about=application,
            )
    except Exception:
        storage.delete(name)
        raise
    return application


def forget_unconfirmed(now=None):
    """Delete the applications nobody confirmed while their link worked, and their files, as the
    letter promises. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=CONFIRMATION_DAYS)
    stale = Application.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    forgotten = 0
    for application in stale:
        if application.file:
            application.file.delete(save=False)
        application.delete()
        forgotten += 1
    return forgotten


def token(application):
    return signing.dumps(application.pk, salt=CONFIRMATION_SALT)


def application_of(link_token, slug):
    """The application a confirmation link of round table `slug` names; LinkProblem when the
    link does not work."""
    try:
        pk = signing.loads(
            link_token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_DAYS * 24 * 60 * 60
        )
    except signing.SignatureExpired as error:
        raise LinkProblem(
            _("This link has expired. Send the application again, please.")
        ) from error
    except signing.BadSignature as error:
        raise LinkProblem(_("This link does not work. Copy it whole from the letter.")) from error
    application = (
        Application.objects.select_related("call__event")
        .filter(pk=pk, call__event__slug=slug)
        .first()
    )
    if application is None:
        raise LinkProblem(_("This application no longer exists."))
    return application


def confirm(application):
    """The applicant confirmed their address: the person, their account and the paper.

    Returns the account. Confirming twice changes nothing the second time. Raises
    ValidationError when the address belongs to an account that cannot be the applicant's.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.confirmed_at is not None:
            return application.person.user
        person, duplicate = person_for(application)
        try:
            user = invitations.account_for(person)
        except invitations.InvitationError as error:
            raise ValidationError(str(error), code="account") from error
        paper = paper_for(application, person)
        try:
            with application.file.open("rb") as stored:
                submission.add_version(paper, File(stored, name=stored.name), user)
            review.move(paper, Paper.Status.SUBMITTED, user)
        except (PermissionDenied, ValidationError):
            # Past the papers' deadline, say: the paper stays a draft for the organisers.
            pass
        application.confirmed_at = timezone.now()
        application.person, application.paper = person, paper
        application.possible_duplicate = duplicate
        application.save(update_fields=["confirmed_at", "person", "paper", "possible_duplicate"])
    return user


def person_for(application):
    """(the person with the application's address, or a new one; a namesake on the roster)."""
    person = people.with_address(application.email)
    if person is not None:
        return person, None
    names = spellings(application)
    lang = application.language
    person = Person.objects.create(
        slug=unique_slug(application),
        email=application.email,
        language=lang,
        degree=application.degree,
        academic_title=application.academic_title,
        rank=application.rank,
        **names,
        **{f"position_{lang}": application.position},
        **{f"organisation_{lang}": application.organisation},
    )
    return person, people.namesake(person)


def spellings(application):
    """The name fields of each language; a name given in only one of Kazakh and Russian is
    the other's too (Ким, Иванова are spelt alike), as the roster prints both."""
    names = {
        f"{field}_{lang}": getattr(application, f"{field}_{lang}")
        for lang in NAME_LANGUAGES
        for field in ("surname", "given_name", "patronymic")
    }
    for lang, other in (("kk", "ru"), ("ru", "kk")):
        if not names[f"surname_{lang}"]:
            for field in ("surname", "given_name", "patronymic"):
                names[f"{field}_{lang}"] = names[f"{field}_{other}"]
    return names


def unique_slug(application):
    """The name in Latin letters: the English one, else the Kazakh, else the Russian."""
    lang = next(
        (code for code in ("en", "kk", "ru") if getattr(application, f"surname_{code}")), ""
    )
    name = " ".join(
        getattr(application, f"{field}_{lang}") for field in ("surname", "given_name") if lang
    )
    return people.unique_slug(name, "applicant")


def paper_for(application, person):
    lang = application.paper_language
    paper = Paper.objects.create(
        event=application.call.event,
        speaker=person,
        language=lang,
        section=application.section,
        **{f"title_{lang}": application.paper_title},
    )
    applicant = Author(
        paper=paper, person=person, order=0, email=application.email, **spellings(application)
    )
    for field in ("organisation", "city", "country"):
        setattr(applicant, f"{field}_{lang}", getattr(application, field))
    applicant.standing = application.position
    applicant.degree, applicant.academic_title = application.degree, application.academic_title
    applicant.orcid = application.orcid
    authors = [applicant]
    for order, coauthor in enumerate(application.coauthors, start=1):
        authors.append(
            Author(
                paper=paper,
                order=order,
                email=coauthor.get("email", ""),
                **{
                    f"{field}_{lang}": coauthor.get(field, "")
                    for field in ("surname", "given_name", "patronymic", "organisation")
                },
            )
        )
    Author.objects.bulk_create(authors)
    return paper


@transaction.atomic
def merge(application):
    """The organiser's merge: the applicant is the person the application flagged as a namesake.

    The paper, its authorship and the account move to that person; the person the confirmation
    made is deleted when nothing else refers to them. Returns the person kept.
    """
    kept, made = application.possible_duplicate, application.person
    if kept is None or made is None or kept == made:
        raise ValidationError(_("This application has no namesake to merge with."))
    Paper.objects.filter(speaker=made).update(speaker=kept)
    Author.objects.filter(person=made).update(person=kept)
    Application.objects.filter(person=made).update(person=kept, possible_duplicate=None)
    user = made.user
    made.delete()
    if user is not None and kept.user_id is None:
        kept.user = user
        kept.save(update_fields=["user"])
    if not kept.email:
        kept.email = application.email
        kept.save(update_fields=["email"])
    return kept
