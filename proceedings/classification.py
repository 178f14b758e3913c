"""A paper's classification codes as collections print them: УДК / ӘОЖ (e.g. 343.9:351.74) and
МРНТИ / ҒТАМР, the IRSTI (e.g. 10.77.51)."""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Numbers with decimal points, joined by the UDC's signs (: + / and auxiliaries in brackets).
UDC = re.compile(r"^\d+(\.\d+)*(\s?[:+/]\s?\d+(\.\d+)*|\s?\(\d+(\.\d+)*\)|\s?\(=?\d+\)|\.0\d+)*$")
IRSTI = re.compile(r"^\d{2}\.\d{2}(\.\d{2})?$")

validate_udc = RegexValidator(UDC, _("Write the UDC as 343.9:351.74."), code="udc")
validate_irsti = RegexValidator(IRSTI, _("Write the IRSTI as 10.77.51."), code="irsti")
