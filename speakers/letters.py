"""Letters to people, written in each person's own language and sent by a task that retries.

A letter is three templates under ``templates/speakers/letters/``: ``<name>_subject.txt`` (one
line), ``<name>.txt`` (the plain-text body) and, optionally, ``<name>.html`` (an HTML version sent
as an alternative). They are rendered with the person's language active, so ``{% translate %}``,
``{% url %}`` (the ``/kk/``, ``/ru/``, ``/en/`` prefix), dates and translated model fields all come
out in that language.

Pass model objects in the context, not strings made from them beforehand: a field such as
``event.theme`` is read in the active language only when the template renders it. Text templates
should start with ``{% autoescape off %}``: they are not HTML.

Sending is not part of what the caller does: `send_letter` keeps the written letter as a `Letter`
and, once the caller's transaction commits, hands it to the task `send` (django.tasks, the worker
`manage.py db_worker`). A mail server that is down or refuses delays the letter, retried after
each of LETTER_RETRY_DELAYS; after the last, the letter is marked *not sent* and organisers see it
in the admin (*Letters*, with "Send again", and a warning on the paper's or person's page). So a
decision or an invitation is never undone, nor a letter lost without a word, because mail failed.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from speakers.models import Letter

LETTERS = "speakers/letters"

logger = logging.getLogger(__name__)


class NoAddress(ValueError):
    """The person has no e-mail address to write to."""


def send_letter(person, name, context=None, *, reply_to=None, about=None, occasion=""):
    """Write the letter `name` to `person` in `person.language` and queue it; return the `Letter`.

    `context` is added to ``{"person": person, "language": <code>}``. `reply_to` is a list of
    addresses; `about` the object the letter is about (a paper, an invitation), whose admin page
    warns while the letter has not gone; `occasion` what a letter that goes once per occasion is
    for (the deadline of a reminder). Raises `NoAddress` when the person has no e-mail.
    """
    if not person.email:
        raise NoAddress(_("%(person)s has no e-mail address.") % {"person": person})
    return write(
        person.email,
        person.language,
        name,
        {"person": person, **(context or {})},
        person=person,
        reply_to=reply_to,
        about=about,
        occasion=occasion,
    )


def write(address, language, name, context, *, person=None, reply_to=None, about=None, occasion=""):
    """Write the letter `name` to `address` in `language` and queue it: `send_letter` for
    someone not yet on the roster (an applicant who has still to confirm their address)."""
    language = language or settings.LANGUAGE_CODE
    context = {"language": language, **context}
    with translation.override(language):
        subject = get_template(f"{LETTERS}/{name}_subject.txt").render(context)
        body = get_template(f"{LETTERS}/{name}.txt").render(context)
        html = _optional_template(f"{LETTERS}/{name}.html")
        html = html.render(context) if html else ""
    letter = Letter.objects.create(
        kind=name,
        person=person,
        to=address,
        subject=" ".join(subject.split()),  # a header: one line
        body=body,
        html=html,
        reply_to=reply_to or [],
        about_type=ContentType.objects.get_for_model(about) if about else None,
        about_id=str(about.pk) if about else "",
        occasion=occasion,
    )
    transaction.on_commit(partial(queue, letter))
    return letter


def send_again(letter):
    """Queue a letter that was not sent for another round of attempts (the admin's action)."""
    if letter.status != Letter.Status.FAILED:
        return False
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.QUEUED, attempts=0)
    transaction.on_commit(partial(queue, letter))
    return True


def queue(letter, delay=0):
    """Hand `letter` to the task backend, to be sent `delay` seconds from now at the earliest.

    A backend that refuses marks the letter not sent at once, with the reason."""
    sender = send.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay else send
    try:
        sender.enqueue(letter.pk)
    except Exception as error:
        logger.exception("Letter %s could not be queued", letter.pk)
        Letter.objects.filter(pk=letter.pk).update(
            status=Letter.Status.FAILED, last_error=describe(error)
        )


@task
def send(letter_id):
    """One attempt at sending the letter `letter_id`; the next is queued when it fails.

    Returns the letter's status, kept by the task backend as the task's result."""
    with transaction.atomic():
        # Locked while it is sent: a "Send again" meanwhile cannot send it twice.
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != Letter.Status.QUEUED:
            return letter.status
        letter.attempts += 1
        try:
            message(letter).send()
        except Exception as error:
            letter.last_error = describe(error)
            delays = settings.LETTER_RETRY_DELAYS
            # A mail server's failure (OSError: refused, timed out, SMTP errors) may pass; any
            # other error will not.
            if isinstance(error, OSError) and letter.attempts <= len(delays):
                transaction.on_commit(partial(queue, letter, delays[letter.attempts - 1]))
            else:
                letter.status = Letter.Status.FAILED
                logger.error("Letter %s not sent after %s attempts", letter.pk, letter.attempts)
        else:
            letter.status = Letter.Status.SENT
            letter.sent_at = timezone.now()
            letter.body = letter.html = ""
        letter.save()
    return letter.status


def message(letter):
    email = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.to],
        reply_to=letter.reply_to or None,
    )
    if letter.html:
        email.attach_alternative(letter.html, "text/html")
    return email


def describe(error):
    return f"{type(error).__name__}: {error}"[:1000]


def letters_about(obj):
    """The letters written about `obj` (`send_letter`'s `about`)."""
    return Letter.objects.filter(
        about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk)
    )


def _optional_template(name):
    try:
        return get_template(name)
    except TemplateDoesNotExist as error:
        if error.args and error.args[0] != name:  # the template exists but includes a missing one
            raise
        return None
