"""Letters to people, written in each person's own language.

A letter is three templates under ``templates/speakers/letters/``: ``<name>_subject.txt`` (one
line), ``<name>.txt`` (the plain-text body) and, optionally, ``<name>.html`` (an HTML version sent
as an alternative). They are rendered with the person's language active, so ``{% translate %}``,
``{% url %}`` (the ``/kk/``, ``/ru/``, ``/en/`` prefix), dates and translated model fields all come
out in that language.

Pass model objects in the context, not strings made from them beforehand: a field such as
``event.theme`` is read in the active language only when the template renders it. Text templates
should start with ``{% autoescape off %}``: they are not HTML.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _

LETTERS = "speakers/letters"


class NoAddress(ValueError):
    """The person has no e-mail address to write to."""


def send_letter(person, name, context=None, *, reply_to=None, using=None):
    """Write the letter `name` to `person` in `person.language` and send it; return the message.

    `context` is added to ``{"person": person, "language": <code>}``. `reply_to` is a list of
    addresses; `using` a MAILERS alias (the default mailer when None). Raises
    `NoAddress` when the person has no e-mail, and whatever the mail backend raises when sending
    fails (nothing is sent then).
    """
    if not person.email:
        raise NoAddress(_("%(person)s has no e-mail address.") % {"person": person})
    language = person.language or settings.LANGUAGE_CODE
    context = {"person": person, "language": language, **(context or {})}
    with translation.override(language):
        subject = get_template(f"{LETTERS}/{name}_subject.txt").render(context)
        body = get_template(f"{LETTERS}/{name}.txt").render(context)
        html = _optional_template(f"{LETTERS}/{name}.html")
        html = html.render(context) if html else None
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header: one line
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        reply_to=reply_to,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send(using=using)
    return message


def _optional_template(name):
    try:
        return get_template(name)
    except TemplateDoesNotExist as error:
        if error.args and error.args[0] != name:  # the template exists but includes a missing one
            raise
        return None
