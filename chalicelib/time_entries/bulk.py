"""Many time entries changed or deleted in one request, each by the single-entry rules (decision 84).

Every id is handled on its own by `service.update` / `service.delete` (own entries only for members, locks,
validation, its own transaction and audit entry), and the answer lists each id's outcome in the order asked:
a colleague's locked entry does not stop the others, and a retry of the failed ids alone is always safe.
"""

from dataclasses import dataclass
from typing import Any

from chalicelib.core.auth import Principal
from chalicelib.core.errors import AppError, ValidationFailed
from chalicelib.time_entries import service
from chalicelib.time_entries.models import TimeEntry

MAX_IDS = 100


@dataclass
class Outcome:
    id: str
    status: int
    entry: TimeEntry | None = None
    error: dict[str, Any] | None = None


def _distinct(ids: list[str]) -> list[str]:
    if not ids:
        raise ValidationFailed.field("ids", "must list at least one time entry id")
    if len(ids) > MAX_IDS:
        raise ValidationFailed.field("ids", f"at most {MAX_IDS} ids per request; {len(ids)} were given")
    return list(dict.fromkeys(ids))


def _each(ids: list[str], action) -> list[Outcome]:
    outcomes = []
    for entry_id in _distinct(ids):
        try:
            outcomes.append(action(entry_id))
        except AppError as error:  # the id's own answer, as the single-entry endpoint would give it
            body: dict[str, Any] = {"code": error.code, "message": error.message}
            if error.details:
                body["details"] = error.details
            outcomes.append(Outcome(entry_id, error.status, error=body))
    return outcomes


def update(*, principal: Principal, ids: list[str], changes: dict) -> list[Outcome]:
    """Apply the same partial update to each entry; one outcome per distinct id."""
    if not changes:
        raise ValidationFailed.field("changes", "must name at least one field to change")
    return _each(
        ids,
        lambda entry_id: Outcome(
            entry_id, 200, entry=service.update(principal=principal, entry_id=entry_id, changes=dict(changes))
        ),
    )


def delete(*, principal: Principal, ids: list[str]) -> list[Outcome]:
    """Delete each entry; one outcome per distinct id (204 when deleted)."""

    def delete_one(entry_id: str) -> Outcome:
        service.delete(principal=principal, entry_id=entry_id)
        return Outcome(entry_id, 204)

    return _each(ids, delete_one)
