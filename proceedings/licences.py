"""The licences a collection may be published under, with the address of each one's legal text.

Crossref's deposit names a licence by that address (its `license_ref`), and readers follow it
from the card; the code is how the card and the imprint page name it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    # The label is the licence's own name, which its deed prints in every language.
    CC_BY = "CC BY 4.0", "CC BY 4.0"
    CC_BY_SA = "CC BY-SA 4.0", "CC BY-SA 4.0"
    CC_BY_NC = "CC BY-NC 4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "CC BY-NC-SA 4.0", "CC BY-NC-SA 4.0"
    CC_BY_NC_ND = "CC BY-NC-ND 4.0", "CC BY-NC-ND 4.0"
    CC0 = "CC0 1.0", "CC0 1.0"
    __empty__ = _("All rights reserved")


ADDRESSES = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


def address(code):
    """The legal text of licence `code`; "" for none (all rights reserved)."""
    return ADDRESSES.get(code, "")
