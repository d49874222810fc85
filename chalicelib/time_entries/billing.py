"""Billing tracked time: which entries an invoice may take, and marking them billed or released.

An entry is billed when `invoice_id` (and `invoice_line_id`) are set; the time-entry service then refuses to
edit or delete it. Marking is always a conditional write inside the invoice's own transaction: the entry must
still be unbilled (and unchanged since it was read), so two invoices can never bill the same entry. Releasing
is conditioned on the entry still being billed by that very line, so a late or repeated release can never
free an entry that has been billed again since.
"""

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import is_id
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import to_sortable, utcnow
from chalicelib.time_entries.models import TimeEntry

MAX_IDS_PER_READ = 100  # BatchGetItem's limit


def _unbilled_filter():
    billable = TimeEntry.billable == True  # noqa: E712 (a DynamoDB condition, not a comparison)
    return billable & TimeEntry.stop.exists() & TimeEntry.invoice_id.does_not_exist()


def is_unbilled(entry: TimeEntry) -> bool:
    """Billable, stopped and not on any invoice."""
    return bool(entry.billable) and entry.stop is not None and not entry.invoice_id


def unbilled(
    *, org_id: str, project_ids: list[str], since: datetime | None, until: datetime | None, limit: int
) -> list[TimeEntry]:
    """Billable, stopped, unbilled entries of these projects starting in [since, until), oldest first.

    One Query per project on its entries-by-start index. More than `limit` is a 400 asking for a shorter range.
    """
    low = to_sortable(since) if since else "0"
    high = to_sortable(until) if until else "~"
    found: list[TimeEntry] = []
    for project_id in project_ids:
        query = TimeEntry.gsi3.query(
            TimeEntry.project_partition(org_id, project_id),
            TimeEntry.GSI3SK.between(low, high),
            filter_condition=_unbilled_filter(),
            page_size=500,
        )
        for entry in query:
            found.append(entry)
            if len(found) > limit:
                raise ValidationFailed.field(
                    "to", f"more than {limit} unbilled time entries match; generate over a shorter date range"
                )
    return sorted(found, key=lambda entry: (entry.start, entry.id))


def read(*, org_id: str, entry_ids: list[str], consistent: bool = True) -> dict[str, TimeEntry]:
    """The org's entries with these ids that exist, by id (strongly consistent by default)."""
    wanted = [entry_id for entry_id in dict.fromkeys(entry_ids) if is_id(entry_id, "te")]
    found: dict[str, TimeEntry] = {}
    for start in range(0, len(wanted), MAX_IDS_PER_READ):
        keys = [TimeEntry.keys(org_id, entry_id) for entry_id in wanted[start : start + MAX_IDS_PER_READ]]
        for entry in TimeEntry.batch_get(keys, consistent_read=consistent):
            found[entry.id] = entry
    return found


def claimable(*, org_id: str, entry_ids: list[str], project_ids: set[str], field: str = "time_entry_ids") -> list:
    """The entries a manual line links to: each must be in the org, on one of these projects and unbilled."""
    entries = read(org_id=org_id, entry_ids=entry_ids)
    for entry_id in dict.fromkeys(entry_ids):
        entry = entries.get(entry_id)
        if entry is None:
            raise ValidationFailed.field(field, f"{entry_id} does not exist in this organization")
        if entry.project_id not in project_ids:
            raise ValidationFailed.field(field, f"{entry_id} is not time of this invoice's client or project")
        if not is_unbilled(entry):
            reason = "is already billed" if entry.invoice_id else "is not billable, stopped time"
            raise ValidationFailed.field(field, f"{entry_id} {reason}")
    return [entries[entry_id] for entry_id in dict.fromkeys(entry_ids)]


def mark_billed(tx, *, entry: TimeEntry, invoice_id: str, line_id: str, priced=None) -> None:
    """In `tx`: the entry is billed by this invoice line (cancels `tx` if it was billed or changed meanwhile).

    `priced` (a rates.Priced) is frozen on the entry: its rate, rounded seconds and amount, which reports then
    use as they are — later rate changes and rounding rules never touch billed time.
    """
    actions = [
        TimeEntry.invoice_id.set(invoice_id),
        TimeEntry.invoice_line_id.set(line_id),
        TimeEntry.updated_at.set(utcnow()),
    ]
    if priced is not None:
        rate = TimeEntry.billed_rate.set(priced.rate) if priced.rate is not None else TimeEntry.billed_rate.remove()
        actions += [
            rate,
            TimeEntry.billed_seconds.set(priced.rounded_seconds),
            TimeEntry.billed_amount.set(priced.amount),
        ]
    tx.update(entry, actions=actions, condition=_unbilled_filter())


_RELEASED = ("invoice_id", "invoice_line_id", "billed_rate", "billed_seconds", "billed_amount")


def _release_actions() -> list:
    return [*(getattr(TimeEntry, name).remove() for name in _RELEASED), TimeEntry.updated_at.set(utcnow())]


def release(tx, *, entry: TimeEntry, invoice_id: str, line_id: str) -> None:
    """In `tx`: the entry is no longer billed by this invoice line (cancels `tx` if another line bills it)."""
    tx.update(
        entry,
        actions=_release_actions(),
        condition=(TimeEntry.invoice_id == invoice_id) & (TimeEntry.invoice_line_id == line_id),
        add_version_condition=False,
    )


def release_now(*, org_id: str, invoice_id: str, line_id: str, entry_ids: list[str]) -> int:
    """Release each entry still billed by this line, one conditional write each; safe to repeat. How many."""
    released = 0
    for entry in read(org_id=org_id, entry_ids=entry_ids).values():
        if entry.invoice_id != invoice_id or entry.invoice_line_id != line_id:
            continue
        try:
            entry.update(
                actions=_release_actions(),
                condition=(TimeEntry.invoice_id == invoice_id) & (TimeEntry.invoice_line_id == line_id),
                add_version_condition=False,
            )
            released += 1
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            logger.info("time entry already released", extra={"entry_id": entry.id})
    return released
