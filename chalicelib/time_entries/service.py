"""Time entries and the one running timer per user, shared by the TRCR and TrackingTabs routes."""

import hashlib
import json
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.audit import service as audit
from chalicelib.core import indexing
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import epoch_seconds, to_sortable, utcnow
from chalicelib.projects import budgets
from chalicelib.projects import service as projects
from chalicelib.tasks import service as tasks
from chalicelib.time_entries import locks
from chalicelib.time_entries.models import IdempotencyRecord, RunningTimer, TagUsage, TimeEntry

IDEMPOTENCY_SECONDS = 24 * 3600
TIMER_SWAP_ATTEMPTS = 5
_FIELDS = ("description", "project_id", "task_id", "tags", "start", "stop", "billable", "hourly_rate")


@dataclass
class EntryFields:
    """An entry's writable fields, whichever document's names they arrived in."""

    start: datetime
    stop: datetime | None = None
    description: str | None = None
    project_id: str | None = None
    task_id: str | None = None
    tags: list[str] = field(default_factory=list)
    billable: bool | None = None
    hourly_rate: int | None = None


@dataclass(frozen=True)
class Idempotency:
    """A client's retry key and a fingerprint of what it asked for."""

    key: str
    request_hash: str

    @classmethod
    def of(cls, key: str | None, body: dict) -> "Idempotency | None":
        if not key:
            return None
        canonical = json.dumps({k: v for k, v in body.items() if k != "idempotency_key"}, sort_keys=True, default=str)
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest())


@dataclass
class Created:
    entry: TimeEntry
    status_code: int = 201


# --- reading -------------------------------------------------------------------------------------------------


def get(*, principal: Principal, entry_id: str) -> TimeEntry:
    """An entry the caller may see: their own, or any in the org for admins; else 404."""
    entry = TimeEntry.get_or_none(*TimeEntry.keys(principal.org_id, entry_id)) if is_id(entry_id, "te") else None
    if entry is None or (entry.user_id != principal.user_id and not principal.is_admin):
        raise NotFound("Time entry not found.")
    return entry


def find(*, org_id: str, entry_id: str) -> TimeEntry | None:
    """The org's entry with this id whoever may see it, or None (project budgets read a stopped timer's entry)."""
    return TimeEntry.get_or_none(*TimeEntry.keys(org_id, entry_id), consistent=True) if is_id(entry_id, "te") else None


def current(*, principal: Principal) -> TimeEntry | None:
    """The caller's running entry, or None."""
    timer = RunningTimer.get_or_none(*RunningTimer.keys(principal.org_id, principal.user_id), consistent=True)
    if timer is None:
        return None
    entry = TimeEntry.get_or_none(*TimeEntry.keys(principal.org_id, timer.entry_id), consistent=True)
    return entry if entry is not None and entry.stop is None else None


def list_entries(*, principal: Principal, filters, limit: int, offset: int = 0, cursor: str | None = None) -> Page:
    """Entries newest first by start. Members see only their own; `from`/`to` are key conditions."""
    org = principal.org_id
    user_id = filters.user_id if principal.is_admin else principal.user_id
    conditions = []
    if user_id:
        hash_key, index, sort_key = TimeEntry.user_partition(org, user_id), TimeEntry.gsi1, TimeEntry.GSI1SK
        if filters.project_id:
            conditions.append(TimeEntry.project_id == filters.project_id)
    elif filters.project_id:
        hash_key, index, sort_key = (
            TimeEntry.project_partition(org, filters.project_id),
            TimeEntry.gsi3,
            TimeEntry.GSI3SK,
        )
    else:
        hash_key, index, sort_key = TimeEntry.org_partition(org), TimeEntry.gsi2, TimeEntry.GSI2SK
    if filters.billable is not None:
        conditions.append(TimeEntry.billable == filters.billable)
    if filters.running is not None:
        conditions.append(TimeEntry.stop.does_not_exist() if filters.running else TimeEntry.stop.exists())
    conditions.append(changed_since(TimeEntry, filters.updated_since))
    return query_page(
        TimeEntry,
        hash_key,
        index=index,
        range_key_condition=_range(sort_key, filters.since, filters.until),
        filter_condition=all_of(conditions),
        limit=limit,
        offset=offset,
        cursor=cursor,
        scope=f"{org}:entries:{hash_key}",
    )


def _range(sort_key, since: datetime | None, until: datetime | None):
    low = to_sortable(since) if since else "0"  # below every timestamp; key values cannot be empty
    # `to` is exclusive: keys of entries starting at `until` begin with its timestamp followed by "#".
    high = to_sortable(until) if until else "~"
    if since and until and since >= until:
        raise ValidationFailed.field("to", "must be after from")
    return sort_key.between(low, high)


# What reports read of an entry: fetching only these halves the parsing cost of a large range.
REPORT_FIELDS = ("id", "user_id", "project_id", "task_id", "start", "stop", "billable", "hourly_rate", "tags")
REPORT_SLICES = 64  # a range is read as at most this many key ranges of whole days ...
REPORT_READERS = 4  # ... by this many threads at once


def _slices(since: datetime, until: datetime, most: int = REPORT_SLICES) -> list[tuple[datetime, datetime]]:
    """[since, until) cut into consecutive ranges of whole days, at most `most` of them."""
    days = max(1, -(-(until - since) // timedelta(days=1)))
    step = timedelta(days=-(-days // most))
    bounds, cursor = [], since
    while cursor < until:
        bounds.append((cursor, min(cursor + step, until)))
        cursor += step
    return bounds


def entries_between(
    *,
    principal: Principal,
    since: datetime,
    until: datetime,
    user_id: str | None = None,
    fields: tuple[str, ...] = REPORT_FIELDS,
    slices: int = REPORT_SLICES,
):
    """Every entry starting in [since, until) visible to the caller (reports), with only `fields` read.

    The caller's partition (by user, or org-wide for admins) is read as one Query per slice of whole days (at
    most REPORT_SLICES), REPORT_READERS slices at a time, each in DynamoDB's full 1 MB pages (~1,400 entries):
    a month of 200k entries is ~175 calls, and no page starts deep inside one long key range. Entries come
    slice by slice, oldest slice first; at most REPORT_READERS slices are held in memory. A small read (one
    user's week for a timesheet) asks for `slices=1`: one Query.
    """
    org = principal.org_id
    user_id = user_id if principal.is_admin else principal.user_id
    if user_id:
        source, hash_key, sort_key = TimeEntry.gsi1, TimeEntry.user_partition(org, user_id), TimeEntry.GSI1SK
    else:
        source, hash_key, sort_key = TimeEntry.gsi2, TimeEntry.org_partition(org), TimeEntry.GSI2SK
    _range(sort_key, since, until)  # validates the range before anything is read
    wanted = list(dict.fromkeys([*fields, "entity"]))  # the discriminator picks the model class

    def read(bounds: tuple[datetime, datetime]) -> list[TimeEntry]:
        return list(source.query(hash_key, _range(sort_key, *bounds), attributes_to_get=wanted))

    return _in_order(read, _slices(since, until, slices))


def _in_order(read, slices: list):
    """Yield what `read` returns for each slice, in order, reading up to REPORT_READERS slices ahead."""
    with ThreadPoolExecutor(max_workers=REPORT_READERS) as pool:
        remaining, running = iter(slices), deque()
        for bounds in remaining:
            running.append(pool.submit(read, bounds))
            if len(running) == REPORT_READERS:
                break
        while running:
            items = running.popleft().result()
            following = next(remaining, None)
            if following is not None:
                running.append(pool.submit(read, following))
            yield from items


def tags(*, principal: Principal, limit: int, cursor: str | None = None) -> Page:
    """The org's time-entry tags in name order, with how many entries use each (unused ones left out)."""
    return query_page(
        TagUsage,
        TagUsage.keys(principal.org_id, "")[0],
        range_key_condition=TagUsage.SK.startswith(TagUsage.SK_PREFIX),
        filter_condition=TagUsage.count > 0,
        limit=limit,
        cursor=cursor,
        newest_first=False,
        scope=f"{principal.org_id}:tags",
    )


# --- validation ----------------------------------------------------------------------------------------------


def normalize_tags(values: list[str]) -> list[str]:
    """Trimmed, inner whitespace collapsed, lower-cased, distinct, in order."""
    return list(dict.fromkeys(re.sub(r"\s+", " ", value.strip()).lower() for value in values if value.strip()))


def _resolve(principal: Principal, fields: EntryFields) -> EntryFields:
    """Check references (same org, visible) and fill what follows from them."""
    if fields.stop is not None and fields.stop <= fields.start:
        raise ValidationFailed.field("stop", "must be after start")
    project = None
    if fields.task_id:
        task = tasks.require_reference(principal=principal, task_id=fields.task_id)
        if fields.project_id and fields.project_id != task.project_id:
            raise ValidationFailed.field("task_id", "belongs to another project")
        fields.project_id = task.project_id
    if fields.project_id:
        project = projects.require_reference(principal=principal, project_id=fields.project_id)
    if fields.billable is None:
        fields.billable = project.billable if project is not None else True
    fields.tags = normalize_tags(fields.tags)
    return fields


# --- writing -------------------------------------------------------------------------------------------------


def _tag_counts(tx, org_id: str, removed: list[str], added: list[str]) -> None:
    for name, delta in [(tag, -1) for tag in removed if tag not in added] + [
        (tag, 1) for tag in added if tag not in removed
    ]:
        tx.update(
            TagUsage(*TagUsage.keys(org_id, name)),
            actions=[TagUsage.count.add(delta), TagUsage.name.set(name), TagUsage.entity.set(TagUsage)],
        )


def _snapshot(entry: TimeEntry) -> dict:
    values = {name: getattr(entry, name) for name in _FIELDS}
    values["tags"] = list(values["tags"] or [])
    for name in ("start", "stop"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def _new_entry(principal: Principal, fields: EntryFields) -> TimeEntry:
    now, entry_id = utcnow(), new_id("te")
    entry = TimeEntry(
        *TimeEntry.keys(principal.org_id, entry_id),
        id=entry_id,
        org_id=principal.org_id,
        user_id=principal.user_id,
        project_id=fields.project_id,
        task_id=fields.task_id,
        description=fields.description,
        start=fields.start,
        stop=fields.stop,
        billable=fields.billable,
        hourly_rate=fields.hourly_rate,
        tags=fields.tags,
        created_at=now,
        updated_at=now,
    )
    entry.index()
    return entry


def _idempotency_item(principal: Principal, idempotency: Idempotency, entry: TimeEntry) -> IdempotencyRecord:
    return IdempotencyRecord(
        *IdempotencyRecord.keys(principal.org_id, principal.user_id, idempotency.key),
        request_hash=idempotency.request_hash,
        status_code=201,
        entry_id=entry.id,
        expires_at=epoch_seconds(utcnow()) + IDEMPOTENCY_SECONDS,
    )


def _replay(principal: Principal, idempotency: Idempotency | None) -> Created | None:
    """The original answer to a retried request, 409 if the key was used for another body, else None."""
    if idempotency is None:
        return None
    record = IdempotencyRecord.get_or_none(
        *IdempotencyRecord.keys(principal.org_id, principal.user_id, idempotency.key), consistent=True
    )
    if record is None or record.expires_at < epoch_seconds(utcnow()):
        return None
    if record.request_hash != idempotency.request_hash:
        raise Conflict("This idempotency key was already used with a different request body.")
    entry = TimeEntry.get_or_none(*TimeEntry.keys(principal.org_id, record.entry_id), consistent=True)
    if entry is None:
        raise Conflict("This idempotency key belongs to an entry that no longer exists.")
    return Created(entry, int(record.status_code))


def create(
    *, principal: Principal, fields: EntryFields, idempotency: Idempotency | None = None, starts_now: bool = False
) -> Created:
    """A finished entry, or a running one (no stop) that replaces the caller's running timer atomically.

    With `starts_now` the start is "now" at each attempt, just after the timer it replaces. A start costs two
    DynamoDB calls: the timer pointer, then one transaction that stops the running entry by a condition
    (still running, started earlier) without reading it; the entry is read only when that condition fails.
    """
    replayed = _replay(principal, idempotency)
    if replayed:
        return replayed
    fields = _resolve(principal, fields)
    floor = None
    for _attempt in range(TIMER_SWAP_ATTEMPTS):
        timer = _timer(principal) if fields.stop is None else None
        if starts_now:
            fields.start = max(utcnow(), floor) if floor else utcnow()
        entry = _new_entry(principal, fields)
        usage = budgets.Usage(principal.org_id)
        usage.change(after=entry, as_of=entry.updated_at)  # a running entry counts once it stops
        if timer is not None:
            usage.stopped_by_new_timer(timer, user_id=principal.user_id, at=entry.start)
        try:
            budgets.transact(
                lambda tx, entry=entry, timer=timer: _write_new(tx, principal, entry, timer, idempotency), usage=usage
            )
            _reindex(entry)
            return Created(entry)
        except TransactionCancelled as error:
            replayed = _replay(principal, idempotency)
            if replayed:
                return replayed
            locks.raise_if_locked(error, org_id=principal.org_id)
            if entry.stop is not None:
                raise Conflict("The entry could not be saved; retry.") from error
            running = _entry_of(principal, timer)
            if running is not None and running.stop is None and entry.start <= running.start:
                if not starts_now:
                    raise ValidationFailed.field(
                        "start", "must be after the start of the running timer it stops"
                    ) from error
                floor = running.start + timedelta(milliseconds=1)
    raise Conflict("Another timer was started at the same moment; retry.")


def _timer(principal: Principal) -> RunningTimer | None:
    return RunningTimer.get_or_none(*RunningTimer.keys(principal.org_id, principal.user_id), consistent=True)


def _entry_of(principal: Principal, timer: RunningTimer | None) -> TimeEntry | None:
    if timer is None:
        return None
    return TimeEntry.get_or_none(*TimeEntry.keys(principal.org_id, timer.entry_id), consistent=True)


def _write_new(
    tx, principal: Principal, entry: TimeEntry, running: RunningTimer | None, idempotency: Idempotency | None
) -> None:
    if idempotency:
        tx.save(_idempotency_item(principal, idempotency, entry), condition=IdempotencyRecord.PK.does_not_exist())
    tx.save(entry, condition=TimeEntry.PK.does_not_exist())
    locks.guard(tx, org_id=principal.org_id, starts=[entry.start])  # nothing for a start from today on
    if entry.stop is None:
        timer = RunningTimer.of(entry)
        if running is not None:
            # The running entry stops only if it still runs and started before the new one.
            stopped = TimeEntry.unread(*TimeEntry.keys(principal.org_id, running.entry_id))
            tx.update(
                stopped,
                actions=[TimeEntry.stop.set(entry.start), TimeEntry.updated_at.set(utcnow())],
                condition=TimeEntry.stop.does_not_exist() & (TimeEntry.start < entry.start),
                add_version_condition=False,
            )
            tx.save(timer, condition=RunningTimer.entry_id == running.entry_id)
        else:
            tx.save(timer, condition=RunningTimer.PK.does_not_exist())
    _tag_counts(tx, principal.org_id, [], list(entry.tags))
    audit.record(
        tx,
        org_id=principal.org_id,
        actor=principal,
        action="created",
        entity_type="time_entry",
        entity_id=entry.id,
        changes=audit.diff({}, _snapshot(entry)),
    )


def start_timer(*, principal: Principal, fields: EntryFields, idempotency: Idempotency | None = None) -> Created:
    """A timer starting now (the running one, if any, stops now)."""
    fields.start, fields.stop = utcnow(), None
    return create(principal=principal, fields=fields, idempotency=idempotency, starts_now=True)


def stop_running(*, principal: Principal) -> TimeEntry:
    """Stop the caller's running timer; 404 if none runs."""
    entry = current(principal=principal)
    if entry is None:
        raise NotFound("No timer is running.")
    return _stop(principal, entry)


def stop(*, principal: Principal, entry_id: str) -> TimeEntry:
    """Stop a running entry of the caller's (someone else's is 404)."""
    entry = get(principal=principal, entry_id=entry_id)
    if entry.user_id != principal.user_id:
        raise NotFound("Time entry not found.")
    if entry.stop is not None:
        raise Conflict("This time entry is not running.")
    return _stop(principal, entry)


def _stop(principal: Principal, entry: TimeEntry) -> TimeEntry:
    now = max(utcnow(), entry.start + timedelta(seconds=1))
    usage = budgets.Usage(entry.org_id)
    usage.stopped(entry, at=now)

    def write(tx) -> None:
        tx.update(
            entry,
            actions=[TimeEntry.stop.set(now), TimeEntry.updated_at.set(now)],
            condition=TimeEntry.stop.does_not_exist(),
        )
        tx.delete(
            RunningTimer(*RunningTimer.keys(entry.org_id, entry.user_id)), condition=RunningTimer.entry_id == entry.id
        )
        audit.record(
            tx,
            org_id=entry.org_id,
            actor=principal,
            action="stopped",
            entity_type="time_entry",
            entity_id=entry.id,
            changes={"stop": {"from": None, "to": now.isoformat()}},
        )

    try:
        budgets.transact(write, usage=usage, attempts=1)
    except TransactionCancelled as error:
        raise Conflict("The timer was stopped or changed meanwhile.") from error
    entry.stop, entry.updated_at = now, now  # what the transaction wrote; no need to read it back
    return entry


def _editable(principal: Principal, entry_id: str) -> TimeEntry:
    """An entry the caller may change: 404 if it is not in the org, 403 if it is a colleague's (members)."""
    entry = TimeEntry.get_or_none(*TimeEntry.keys(principal.org_id, entry_id)) if is_id(entry_id, "te") else None
    if entry is None:
        raise NotFound("Time entry not found.")
    if entry.user_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Members can only change their own time entries.")
    locks.refuse_locked_entry(entry)  # invoiced, or approved in a timesheet
    return entry


def update(*, principal: Principal, entry_id: str, changes: dict) -> TimeEntry:
    """Partial update of an entry the caller may edit; `null` clears project/task; billed entries are locked."""
    entry = _editable(principal, entry_id)
    for name in ("start", "billable", "tags"):
        if name in changes and changes[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    if "stop" in changes and changes["stop"] is None and entry.stop is not None:
        raise ValidationFailed.field("stop", "cannot be cleared; start a timer instead")
    before = _snapshot(entry)
    merged = EntryFields(**{name: changes.get(name, getattr(entry, name)) for name in _FIELDS})
    if "task_id" in changes and changes["task_id"] is None and "project_id" not in changes:
        merged.project_id = entry.project_id
    if "project_id" in changes and changes["project_id"] != entry.project_id and "task_id" not in changes:
        merged.task_id = None  # the task belonged to the old project
    merged.tags = list(merged.tags or [])
    merged = _resolve(principal, merged)
    if "billable" not in changes:
        merged.billable = entry.billable
    was_running, started, counted = entry.stop is None, entry.start, budgets.Tracked.of(entry)
    for name in _FIELDS:
        setattr(entry, name, getattr(merged, name))
    changed = audit.diff(before, _snapshot(entry))
    if not changed:
        return entry
    entry.updated_at = utcnow()
    entry.index()
    usage = budgets.Usage(entry.org_id)
    usage.change(before=counted, after=entry, as_of=entry.updated_at)

    def write(tx) -> None:
        tx.save(entry)
        if entry.stop is None and counted != budgets.Tracked.of(entry):  # the timer keeps what it counts for
            tx.save(RunningTimer.of(entry), condition=RunningTimer.entry_id == entry.id)
        locks.guard(tx, org_id=entry.org_id, starts=[started, entry.start])
        if was_running and entry.stop is not None:
            tx.delete(
                RunningTimer(*RunningTimer.keys(entry.org_id, entry.user_id)),
                condition=RunningTimer.entry_id == entry.id,
            )
        _tag_counts(tx, entry.org_id, before["tags"], list(entry.tags))
        audit.record(
            tx,
            org_id=entry.org_id,
            actor=principal,
            action="updated",
            entity_type="time_entry",
            entity_id=entry.id,
            changes=changed,
        )

    try:
        budgets.transact(write, usage=usage, attempts=1)
    except TransactionCancelled as error:
        locks.raise_if_locked(error, org_id=entry.org_id)
        raise Conflict("The time entry was changed meanwhile; reload and retry.") from error
    if changed.keys() & {"description", "project_id", "tags"}:
        _reindex(entry)
    return entry


def delete(*, principal: Principal, entry_id: str) -> None:
    """Delete an entry the caller may edit (a running one stops existing too); billed entries are locked."""
    entry = _editable(principal, entry_id)
    usage = budgets.Usage(entry.org_id)
    usage.change(before=entry, after=None, as_of=utcnow())

    def write(tx) -> None:
        tx.delete(entry)
        locks.guard(tx, org_id=entry.org_id, starts=[entry.start])
        if entry.stop is None:
            tx.delete(
                RunningTimer(*RunningTimer.keys(entry.org_id, entry.user_id)),
                condition=RunningTimer.entry_id == entry.id,
            )
        _tag_counts(tx, entry.org_id, list(entry.tags or []), [])
        audit.record(
            tx,
            org_id=entry.org_id,
            actor=principal,
            action="deleted",
            entity_type="time_entry",
            entity_id=entry.id,
            changes={"description": {"from": entry.description, "to": None}},
        )

    try:
        budgets.transact(write, usage=usage, attempts=1)
    except TransactionCancelled as error:
        locks.raise_if_locked(error, org_id=entry.org_id)
        raise Conflict("The time entry was changed meanwhile; reload and retry.") from error
    _reindex(entry)


# --- search --------------------------------------------------------------------------------------------------


def _reindex(entry: TimeEntry) -> None:
    indexing.request_reindex(org_id=entry.org_id, entity_type="time_entry", entity_id=entry.id)


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    """An entry is found by its description, and seen by its owner and admins (members see only their own)."""
    entry = TimeEntry.get_or_none(*TimeEntry.keys(org_id, entity_id))
    if entry is None or not (entry.description or "").strip():
        return None
    text = " ".join([entry.description, *(entry.tags or [])])
    return indexing.Document(
        title=entry.description.strip().splitlines()[0],
        text=text,
        project_id=entry.project_id,
        private_to=entry.user_id,
    )


indexing.register_source("time_entry", _search_document)
