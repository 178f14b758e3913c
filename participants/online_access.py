"""When a registrant sees the round table's online link: on their registration's page, if they
are confirmed to take part online, from half an hour before the start until the programme ends.

Besides, only the letter that gives an online registrant their place carries it: it is not on the
public pages, which every visitor shares through the page cache, nor for those registered on
site, waiting for a place or cancelled, so that only the listeners counted in the online places
join.
"""

import datetime
import math
from dataclasses import dataclass
from enum import StrEnum

from participants.models import Mode, Registration
from roundtable import now_next

OPENS_BEFORE_START = datetime.timedelta(minutes=30)
# A page opened this close to the link's time reloads itself when the link appears.
RELOAD_WITHIN = datetime.timedelta(hours=6)


class Access(StrEnum):
    OPEN = "open"  # the link is shown
    LATER = "later"  # it will be, from `opens_at`
    CLOSED = "closed"  # the programme has ended
    NOT_GIVEN = "not_given"  # the organisers have given no link yet
    NONE = "none"  # not for this registration (on site, waiting, cancelled, unconfirmed)


@dataclass(frozen=True)
class OnlineLink:
    access: Access
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    url: str = ""
    # Seconds after which the page is to reload, to show the link then; None: no reload.
    reload_in: int | None = None


def takes_part_online(registration):
    return registration.status == Registration.Status.CONFIRMED and registration.mode == Mode.ONLINE


def online_link(registration, slots, now):
    """What `registration`'s page says of the online link at `now`, given the programme's
    `slots` (roundtable.now_next.slots)."""
    event = registration.event
    start, end = now_next.programme_span(event, slots)
    opens_at = start - OPENS_BEFORE_START
    if not takes_part_online(registration):
        access = Access.NONE
    elif now >= end:
        access = Access.CLOSED
    elif not event.online_link:
        access = Access.NOT_GIVEN
    elif now < opens_at:
        access = Access.LATER
    else:
        access = Access.OPEN
    url = event.online_link if access == Access.OPEN else ""
    wait = opens_at - now
    reload_in = math.ceil(wait.total_seconds()) if access == Access.LATER else None
    return OnlineLink(access, opens_at, end, url, reload_in if wait <= RELOAD_WITHIN else None)
