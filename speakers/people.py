"""People who come to the roster from a public form (an applicant, a registrant) once their
address is confirmed: matched by that address, else added with an address of their own, and a
namesake already on the roster named for the organisers to merge."""

from django.db.models import Q
from django.utils.text import slugify

from speakers.models import Person
from speakers.transliteration import latin


def with_address(email):
    """The person on the roster with this e-mail address (the first added, if several)."""
    return Person.objects.filter(email__iexact=email).order_by("pk").first()


def unique_slug(name, fallback):
    """`name` in Latin letters, as people's addresses are (`esbulatova-aliia`, then `-2`)."""
    base = slugify(latin(name))[:70] or fallback
    slug, number = base, 1
    while Person.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def namesake(person):
    """Someone else on the roster with the same surname and given name in Kazakh or Russian."""
    same = Q(pk__in=[])
    for lang in ("kk", "ru"):
        surname, given = getattr(person, f"surname_{lang}"), getattr(person, f"given_name_{lang}")
        if surname and given:
            same |= Q(**{f"surname_{lang}__iexact": surname, f"given_name_{lang}__iexact": given})
    return Person.objects.exclude(pk=person.pk).filter(same).order_by("pk").first()
