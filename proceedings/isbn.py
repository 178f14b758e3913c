"""ISBN-13 as the imprint page prints it: checked by its check digit, printed with hyphens.

python-stdnum does both: it knows the registration-group and registrant ranges that decide
where the hyphens go (978-601-… for Kazakhstan), which are published by the ISBN agency and
cannot be derived from the digits alone.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NumberError


def validate(value):
    """Accept an ISBN-13 with or without hyphens and spaces; refuse a wrong check digit."""
    if not value:
        return
    compact = stdnum_isbn.compact(value)
    if len(compact) != 13 or not compact.isdigit():
        raise ValidationError(
            _("An ISBN-13 has 13 digits, e.g. 978-601-12-3456-7."), code="isbn_length"
        )
    try:
        stdnum_isbn.validate(compact)
    except InvalidChecksum:
        raise ValidationError(
            _("The last digit of this ISBN does not match the others: check it for a typo."),
            code="isbn_checksum",
        ) from None
    except NumberError:
        raise ValidationError(_("This is not a valid ISBN-13."), code="isbn_invalid") from None


def compact(value):
    return stdnum_isbn.compact(value) if value else ""


def printed(value):
    """ "978-601-7943-57-9"; an ISBN outside the known ranges keeps the 978 prefix hyphen."""
    if not value:
        return ""
    return stdnum_isbn.format(value)
