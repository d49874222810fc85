"""Locked time: the org's lock date, and entries approved in a timesheet (decisions 82, 83).

The lock date is one item per org (`lock_date`, a UTC day): no entry starting before that day may be created,
edited or deleted. It is never in the future, so an entry whose every start (old and new) falls on today or
later cannot be locked and its write carries no check at all — a timer start never does. An entry reaching
into the past carries a ConditionCheck on the lock item inside its own transaction (free: the same one call),
so a lock set at the same moment can never be slipped past.

Approval marks each entry with its timesheet (`timesheet_id`) by a conditional write in the approval's
transaction: unchanged since it was read (version) and not yet approved. The time-entry service then refuses
to edit or delete it, like a billed entry.
"""

from datetime import UTC, date, datetime

from pynamodb.attributes import UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute, TransactionCancelled
from chalicelib.core.errors import Conflict
from chalicelib.core.timeutil import utcnow
from chalicelib.time_entries.models import TimeEntry


class TimeLock(Item, discriminator="TIME_LOCK"):
    """The org's lock date: time starting before this UTC day can no longer change."""

    lock_date = UnicodeAttribute(null=True)  # YYYY-MM-DD
    updated_by = UnicodeAttribute(null=True)
    updated_at = TimestampAttribute(null=True)

    @staticmethod
    def keys(org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", "TIMELOCK"


def today() -> date:
    return utcnow().date()


def lock_date(*, org_id: str, consistent: bool = False) -> date | None:
    """The org's lock date, or None when nothing is locked."""
    item = TimeLock.get_or_none(*TimeLock.keys(org_id), consistent=consistent)
    return date.fromisoformat(item.lock_date) if item is not None and item.lock_date else None


def save_lock_date(tx, *, org_id: str, value: date | None, user_id: str) -> None:
    """In `tx`: the org's lock date becomes `value` (None unlocks everything)."""
    tx.save(
        TimeLock(
            *TimeLock.keys(org_id),
            lock_date=value.isoformat() if value else None,
            updated_by=user_id,
            updated_at=utcnow(),
        )
    )


def guard(tx, *, org_id: str, starts: list[datetime | None]) -> None:
    """In `tx`: cancel unless every start is on or after the lock date (no check for starts from today on)."""
    days = [start.astimezone(UTC).date() for start in starts if start is not None]
    if not days or min(days) >= today():
        return
    earliest = min(days).isoformat()
    tx.condition_check(
        TimeLock,
        *TimeLock.keys(org_id),
        condition=TimeLock.lock_date.does_not_exist() | (TimeLock.lock_date <= earliest),
    )


def raise_if_locked(error: TransactionCancelled, *, org_id: str) -> None:
    """A 409 naming the lock date when `error` was the lock's ConditionCheck failing; else nothing."""
    if error.failed(*TimeLock.keys(org_id)):
        locked = lock_date(org_id=org_id, consistent=True)
        raise Conflict(
            f"This time entry starts before the organization's lock date ({locked}); time before it can no "
            "longer be created, edited or deleted."
        ) from error


def refuse_locked_entry(entry: TimeEntry) -> None:
    """409 when the entry is invoiced or in an approved timesheet."""
    if entry.invoice_id:
        raise Conflict(f"This time entry has been invoiced (invoice {entry.invoice_id}) and can no longer change.")
    if entry.timesheet_id:
        raise Conflict(f"This time entry is in an approved timesheet ({entry.timesheet_id}) and can no longer change.")


def mark_approved(tx, *, entry: TimeEntry, timesheet_id: str) -> None:
    """In `tx`: the entry is approved in this timesheet (cancels `tx` if it changed since read or is approved)."""
    tx.update(
        entry,
        actions=[TimeEntry.timesheet_id.set(timesheet_id), TimeEntry.updated_at.set(utcnow())],
        condition=TimeEntry.timesheet_id.does_not_exist(),
    )
