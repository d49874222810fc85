"""Field types shared by request bodies of several domains."""

import re
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, StringConstraints

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+$")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("must be a valid email address")
    return value


def _iana_timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("must be an IANA timezone such as America/New_York")
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Timezone = Annotated[str, AfterValidator(_iana_timezone)]
# Passwords are taken exactly as typed (the models strip other strings).
Password = Annotated[str, StringConstraints(strip_whitespace=False, max_length=256)]


def _currency(value: str) -> str:
    from chalicelib.core.currencies import ISO_4217

    if value not in ISO_4217:
        raise ValueError("must be an ISO 4217 currency code such as USD")
    return value


Currency = Annotated[str, AfterValidator(_currency)]


HexColor = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
# Integer minor units (cents); strict models refuse floats, so `1.5` is a 400, never rounded.
Cents = Annotated[int, Field(ge=0, le=100_000_000_00)]
