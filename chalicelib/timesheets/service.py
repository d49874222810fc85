"""Timesheet approval, the org's lock date and the weekly grid (decisions 82, 83).

A member submits their own time over a period; the timesheet keeps what was submitted ({entry id: version})
and its totals. Admins approve it — one transaction that moves it to `approved` and marks each entry, each
conditioned on being unchanged since submission — or reject it with a comment. The member may resubmit a
rejected (or still pending) period; an approved one is final. A timesheet holds at most MAX_ENTRIES entries,
so its approval always fits in one transaction (DynamoDB's 100 items, less the timesheet, audit and event).
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.audit import service as audit
from chalicelib.core import events
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs
from chalicelib.time_entries import locks
from chalicelib.time_entries import service as time_entries
from chalicelib.timesheets.models import Timesheet, TimesheetPeriod
from chalicelib.timesheets.schemas import GridQuery, TimesheetFilters, TimesheetSubmit, week_bounds, week_of

MAX_ENTRIES = 95  # + the timesheet, its audit entry and its event: within one 100-item transaction
_ENTRY_FIELDS = (*time_entries.REPORT_FIELDS, "PK", "SK", "version", "timesheet_id", "invoice_id")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _entries(principal: Principal, user_id: str, first: date, last: date) -> list:
    """The user's entries starting in [first, last] (whole UTC days), as read for a timesheet."""
    return list(
        time_entries.entries_between(
            principal=principal,
            since=_day_start(first),
            until=_day_start(last + timedelta(days=1)),
            user_id=user_id,
            fields=_ENTRY_FIELDS,
            slices=1,  # one user's period (≤ 31 days, ≤ a few hundred entries): one Query
        )
    )


def _seconds(entry, now: datetime | None = None) -> int:
    return int(((entry.stop or now or utcnow()) - entry.start).total_seconds())


def _snapshot(timesheet: Timesheet) -> dict:
    return {"status": timesheet.status, "comment": timesheet.comment, "entry_count": int(timesheet.entry_count)}


def _event(tx, timesheet: Timesheet, *, kind: str, actor: Principal, recipients: list[str]) -> None:
    events.emit(
        tx,
        org_id=timesheet.org_id,
        type=kind,
        actor_id=actor.user_id,
        recipients=recipients,
        data={
            "timesheet_id": timesheet.id,
            "user_id": timesheet.user_id,
            "period_from": timesheet.period_from,
            "period_to": timesheet.period_to,
            "week": timesheet.week,
            "total_seconds": int(timesheet.total_seconds),
            "comment": timesheet.comment,
            "link": f"/timesheets/{timesheet.id}",
        },
    )


def _admins(org_id: str) -> list[str]:
    return [member.user_id for member in orgs.active_members(org_id=org_id) if member.role in ("owner", "admin")]


# --- submitting ----------------------------------------------------------------------------------------------


def _new(principal: Principal, first: date, last: date, week: str | None, now: datetime) -> Timesheet:
    timesheet_id = new_id("tsh")
    return Timesheet(
        *Timesheet.keys(principal.org_id, timesheet_id),
        id=timesheet_id,
        org_id=principal.org_id,
        user_id=principal.user_id,
        period_from=first.isoformat(),
        period_to=last.isoformat(),
        week=week,
        created_at=now,
    )


def submit(*, principal: Principal, body: TimesheetSubmit) -> Timesheet:
    """Submit the caller's own time over a period (again, after a rejection); admins are notified."""
    first, last, week = body.period()
    field = "week" if week else "from"
    entries = _entries(principal, principal.user_id, first, last)
    if any(entry.stop is None for entry in entries):
        raise Conflict("A timer is running in this period; stop it before submitting the timesheet.")
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed.field(
            field, f"a timesheet holds at most {MAX_ENTRIES} time entries; this period has {len(entries)}"
        )
    approved = sorted({entry.timesheet_id for entry in entries if entry.timesheet_id})
    if approved:
        raise Conflict(f"Time entries in this period are already in approved timesheet {approved[0]}.")
    period = TimesheetPeriod.keys(principal.org_id, principal.user_id, first.isoformat(), last.isoformat())
    claim = TimesheetPeriod.get_or_none(*period, consistent=True)
    existing = (
        Timesheet.get_or_none(*Timesheet.keys(principal.org_id, claim.timesheet_id), consistent=True) if claim else None
    )
    if existing is not None and existing.status == "approved":
        raise Conflict("The timesheet of this period is already approved.")
    now = utcnow()
    timesheet = existing or _new(principal, first, last, week, now)
    before = _snapshot(timesheet) if existing else {}
    timesheet.status, timesheet.comment, timesheet.decided_at, timesheet.decided_by = "submitted", None, None, None
    timesheet.entries = {entry.id: int(entry.version) for entry in entries}
    timesheet.entry_count = len(entries)
    timesheet.total_seconds = sum(_seconds(entry) for entry in entries)
    timesheet.billable_seconds = sum(_seconds(entry) for entry in entries if entry.billable)
    timesheet.submitted_at = timesheet.updated_at = now
    timesheet.index()

    def write(tx) -> None:
        if existing is None:
            tx.save(timesheet, condition=Timesheet.PK.does_not_exist())
            tx.save(TimesheetPeriod(*period, timesheet_id=timesheet.id), condition=TimesheetPeriod.PK.does_not_exist())
        else:
            tx.save(timesheet)  # its version: a concurrent review or resubmission cancels this one
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="resubmitted" if existing else "submitted",
            entity_type="timesheet",
            entity_id=timesheet.id,
            changes=audit.diff(before, _snapshot(timesheet)),
        )
        _event(tx, timesheet, kind="timesheet_submitted", actor=principal, recipients=_admins(principal.org_id))

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise Conflict("This period's timesheet changed meanwhile; reload and retry.") from error
    return timesheet


# --- reading -------------------------------------------------------------------------------------------------


def get(*, principal: Principal, timesheet_id: str) -> Timesheet:
    """A timesheet the caller may see: their own, or any of the org's for admins; else 404."""
    timesheet = (
        Timesheet.get_or_none(*Timesheet.keys(principal.org_id, timesheet_id)) if is_id(timesheet_id, "tsh") else None
    )
    if timesheet is None or (timesheet.user_id != principal.user_id and not principal.is_admin):
        raise NotFound("Timesheet not found.")
    return timesheet


def list_timesheets(*, principal: Principal, filters: TimesheetFilters) -> Page:
    """Newest period first. Admins filter by status and user; members list only their own."""
    org = principal.org_id
    user_id = filters.user_id if principal.is_admin else principal.user_id
    conditions = []
    if user_id:
        hash_key, index, sort_key = Timesheet.user_partition(org, user_id), Timesheet.gsi2, Timesheet.GSI2SK
        if filters.status:
            conditions.append(Timesheet.status == filters.status)
    elif filters.status:
        hash_key, index, sort_key = Timesheet.status_partition(org, filters.status), Timesheet.gsi1, Timesheet.GSI1SK
    else:
        hash_key, index, sort_key = Timesheet.org_partition(org), Timesheet.gsi3, Timesheet.GSI3SK
    return query_page(
        Timesheet,
        hash_key,
        index=index,
        range_key_condition=sort_key.between(filters.from_ or "0", f"{filters.to or '9999-12-31'}#~"),
        filter_condition=all_of(conditions),
        limit=filters.per_page,
        offset=filters.offset,
        cursor=filters.cursor,
        scope=f"{org}:timesheets:{hash_key}",
    )


# --- reviewing -----------------------------------------------------------------------------------------------


def _reviewable(principal: Principal, timesheet_id: str, verb: str) -> Timesheet:
    principal.require_admin()
    timesheet = get(principal=principal, timesheet_id=timesheet_id)
    if timesheet.status != "submitted":
        raise Conflict(f"Only a submitted timesheet can be {verb}; this one is {timesheet.status}.")
    return timesheet


def approve(*, principal: Principal, timesheet_id: str, comment: str | None = None) -> Timesheet:
    """Approve a submitted timesheet: it and every entry it holds, locked in one transaction."""
    timesheet = _reviewable(principal, timesheet_id, "approved")
    first, last = date.fromisoformat(timesheet.period_from), date.fromisoformat(timesheet.period_to)
    entries = _entries(principal, timesheet.user_id, first, last)
    if {entry.id: int(entry.version) for entry in entries} != dict(timesheet.entries or {}):
        raise Conflict("The time in this timesheet changed since it was submitted; the member must resubmit it.")

    def lock_entries(tx) -> None:
        for entry in entries:
            locks.mark_approved(tx, entry=entry, timesheet_id=timesheet.id)

    return _decide(
        principal, timesheet, "approved", comment, also=lock_entries, what_changed="The timesheet or its time"
    )


def reject(*, principal: Principal, timesheet_id: str, comment: str) -> Timesheet:
    """Reject a submitted timesheet with a comment for the member, who may then resubmit it."""
    timesheet = _reviewable(principal, timesheet_id, "rejected")
    return _decide(principal, timesheet, "rejected", comment, also=lambda tx: None, what_changed="The timesheet")


def _decide(principal: Principal, timesheet: Timesheet, status: str, comment, *, also, what_changed: str):
    """Record an admin's decision on the timesheet, with `also(tx)`'s writes, audited and told to the member."""
    before = _snapshot(timesheet)
    now = utcnow()
    timesheet.status, timesheet.comment, timesheet.decided_at, timesheet.decided_by = (
        status,
        comment,
        now,
        principal.user_id,
    )
    timesheet.updated_at = now
    timesheet.index()

    def write(tx) -> None:
        tx.save(timesheet)
        also(tx)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action=status,
            entity_type="timesheet",
            entity_id=timesheet.id,
            changes=audit.diff(before, _snapshot(timesheet)),
        )
        _event(tx, timesheet, kind=f"timesheet_{status}", actor=principal, recipients=[timesheet.user_id])

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise Conflict(f"{what_changed} changed meanwhile; reload and retry.") from error
    return timesheet


# --- the lock date -------------------------------------------------------------------------------------------


def lock_date(*, principal: Principal) -> date | None:
    """The org's lock date (every member may read it)."""
    return locks.lock_date(org_id=principal.org_id)


def set_lock_date(*, principal: Principal, value: str | None) -> date | None:
    """Admins move the lock date (back to unlock; `None` unlocks everything); never into the future."""
    principal.require_admin()
    new = date.fromisoformat(value) if value else None
    if new is not None and new > locks.today():
        raise ValidationFailed.field("lock_date", "must not be in the future")
    old = locks.lock_date(org_id=principal.org_id, consistent=True)

    def write(tx) -> None:
        locks.save_lock_date(tx, org_id=principal.org_id, value=new, user_id=principal.user_id)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="time_lock",
            changes=audit.diff(
                {"lock_date": old.isoformat() if old else None}, {"lock_date": new.isoformat() if new else None}
            ),
        )

    transact(write)
    return new


# --- the weekly grid -----------------------------------------------------------------------------------------


def grid(*, principal: Principal, query: GridQuery) -> dict:
    """Seconds per user × project × day of an ISO week (UTC days, by each entry's start; running ones to now)."""
    week = query.week or week_of(utcnow().date())
    user_id = query.user_id
    if not principal.is_admin:
        if user_id and user_id != principal.user_id:
            raise Forbidden("Members can only see their own timesheet grid.")
        user_id = principal.user_id
    monday, sunday = week_bounds(week)
    days = [monday + timedelta(days=offset) for offset in range(7)]
    cells: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0] * 7)
    now = utcnow()
    for entry in time_entries.entries_between(
        principal=principal,
        since=_day_start(monday),
        until=_day_start(sunday + timedelta(days=1)),
        user_id=user_id,
        slices=1 if user_id else 7,  # one user's week in one Query; the org's a Query per day, 4 at a time
    ):
        day = (entry.start.astimezone(UTC).date() - monday).days
        cells[(entry.user_id, entry.project_id)][day] += max(0, _seconds(entry, now))
    rows = [
        {"user_id": user, "project_id": project, "seconds": seconds, "total_seconds": sum(seconds)}
        for (user, project), seconds in sorted(cells.items(), key=lambda item: (item[0][0], item[0][1] or "~"))
    ]
    per_day = [sum(row["seconds"][offset] for row in rows) for offset in range(7)]
    return {
        "week": week,
        "days": [day.isoformat() for day in days],
        "rows": rows,
        "totals": {"seconds": per_day, "total_seconds": sum(per_day)},
    }
