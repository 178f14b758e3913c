"""ORCID iDs: 0000-0002-1825-0097, sixteen characters whose last is an ISO 7064 11,2 check
character (a digit or X), so that a mistyped iD is refused before it is printed."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def check_character(digits):
    """The ISO 7064 MOD 11-2 check character of the first fifteen digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate(value):
    if not PATTERN.match(value):
        raise ValidationError(_("Write the ORCID iD as 0000-0002-1825-0097."), code="orcid_format")
    digits = value.replace("-", "")
    if check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD’s check digit is wrong: check it on orcid.org."), code="orcid_check"
        )
