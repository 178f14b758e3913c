"""The years the portal takes dates in: 1990 to 2100.

A fixed range, not one moving with today ("ten years either way"): a round table stays valid as
years pass, so an old one can still be edited and an archive imported. It covers the academy's
round tables past and to come, and keeps out what breaks the feeds and the calendar: year 9999
(a day later overflows Python's dates) and the years before 1924, when Asia/Almaty kept local
mean time (UTC+05:07:48).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def in_range(value):
    """Whether the date (or datetime) falls within the years the portal takes."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def validate_in_range(value):
    """Field validator of dates and datetimes."""
    if isinstance(value, datetime.date) and not in_range(value):
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
