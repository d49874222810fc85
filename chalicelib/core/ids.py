"""Prefixed ULIDs: `<prefix>_<ULID>`, generated server-side, sortable by creation time."""

import re

from ulid import ULID

_ULID = r"[0-9A-HJKMNP-TV-Z]{26}"


def new_id(prefix: str) -> str:
    """A fresh id such as `tsk_01JD…`."""
    return f"{prefix}_{ULID()}"


def is_id(value: str, prefix: str) -> bool:
    """Whether `value` is a well-formed id with this prefix (malformed ids are answered as 404 by callers)."""
    return bool(re.fullmatch(rf"{re.escape(prefix)}_{_ULID}", value or ""))
