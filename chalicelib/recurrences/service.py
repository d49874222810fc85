"""Recurring tasks: one rule per series. Each slot of the pattern gets exactly one occurrence, created when the
series' latest task completes or when the slot's time comes (the schedule), whichever is first."""

import calendar
from datetime import UTC, date, datetime, timedelta

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.core import events, indexing, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled, transact
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import to_rfc3339, utcnow
from chalicelib.recurrences.models import Recurrence, RecurrenceLink
from chalicelib.recurrences.schemas import RecurrenceCreate, RecurrenceUpdate
from chalicelib.tasks import service as tasks

MAX_PER_RUN = 500  # due rules one scheduled run handles; the rest wait for the next run
SYSTEM = Actor(None)  # the schedule and background jobs act for no user
_STEP_DAYS = {"daily": 1, "weekly": 7}
ALREADY = "This task already has a recurrence rule."
CHANGED = "The recurrence was changed meanwhile; reload and retry."


# --- slots ---------------------------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _end_of_day(day: date) -> datetime:
    return _midnight(day + timedelta(days=1)) - timedelta(milliseconds=1)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_slot(*, pattern: str, anchor: date, after: datetime) -> datetime:
    """The first slot strictly after `after`: midnight UTC of anchor + k days/weeks/months, or the cron's next."""
    if pattern in _STEP_DAYS:
        step = _STEP_DAYS[pattern]
        k = max((after.date() - anchor).days // step, 0)

        def slot(k: int) -> datetime:
            return _midnight(anchor + timedelta(days=k * step))
    elif pattern == "monthly":
        k = max((after.year - anchor.year) * 12 + after.month - anchor.month - 1, 0)

        def slot(k: int) -> datetime:
            return _midnight(_add_months(anchor, k))
    else:
        from croniter import croniter  # imported on first use: keeps cold starts lean

        return croniter(pattern, after.astimezone(UTC)).get_next(datetime).astimezone(UTC)
    while slot(k) <= after:
        k += 1
    return slot(k)


def _first_slot(pattern: str, current_due: date, now: datetime) -> datetime:
    """A series' next slot: after the day its latest task is due, and never in the past."""
    return next_slot(pattern=pattern, anchor=current_due, after=max(_end_of_day(current_due), now))


# --- reading -------------------------------------------------------------------------------------------------


def _rule(org_id: str, recurrence_id: str, *, consistent: bool = False) -> Recurrence | None:
    if not is_id(recurrence_id, "rec"):
        return None
    return Recurrence.get_or_none(*Recurrence.keys(org_id, recurrence_id), consistent=consistent)


def _link(org_id: str, task_id: str) -> RecurrenceLink | None:
    return RecurrenceLink.get_or_none(*RecurrenceLink.keys(org_id, task_id), consistent=True)


def _rule_of_task(org_id: str, task_id: str) -> Recurrence | None:
    link = _link(org_id, task_id)
    return _rule(org_id, link.recurrence_id, consistent=True) if link else None


def get(*, principal: Principal, recurrence_id: str) -> Recurrence:
    """A rule of the org whose latest task the caller can see, or 404."""
    rule = _rule(principal.org_id, recurrence_id)
    if rule is None:
        raise NotFound("Recurrence not found.")
    try:
        tasks.get_visible(principal=principal, task_id=rule.task_id)
    except NotFound as error:
        raise NotFound("Recurrence not found.") from error
    return rule


def get_for_task(*, principal: Principal, task_id: str) -> Recurrence:
    """The rule of the series a visible task belongs to, or 404."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    rule = _rule_of_task(principal.org_id, task.id)
    if rule is None:
        raise NotFound("This task has no recurrence rule.")
    return rule


def _snapshot(rule: Recurrence) -> dict:
    return {"task_id": rule.task_id, "recurrence_pattern": rule.pattern, "next_run_at": to_rfc3339(rule.next_run_at)}


# --- writing -------------------------------------------------------------------------------------------------


def create(*, principal: Principal, task_id: str, body: RecurrenceCreate) -> Recurrence:
    """Make a visible task recurring; a task belongs to at most one rule (409)."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    link = _link(principal.org_id, task.id)
    if link is not None and _rule(principal.org_id, link.recurrence_id, consistent=True) is not None:
        raise Conflict(ALREADY)
    now, recurrence_id = utcnow(), new_id("rec")
    current_due = date.fromisoformat(task.due_date) if task.due_date else now.date()
    rule = Recurrence(
        *Recurrence.keys(principal.org_id, recurrence_id),
        id=recurrence_id,
        org_id=principal.org_id,
        task_id=task.id,
        pattern=body.recurrence_pattern,
        anchor=current_due.isoformat(),
        current_due=current_due.isoformat(),
        next_run_at=_first_slot(body.recurrence_pattern, current_due, now),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    rule.index()
    new_link = RecurrenceLink(*RecurrenceLink.keys(principal.org_id, task.id), task_id=task.id, recurrence_id=rule.id)
    # A link left by a stopped rule may be taken over, but only if nobody else took it first.
    link_free = (
        RecurrenceLink.PK.does_not_exist() if link is None else RecurrenceLink.recurrence_id == link.recurrence_id
    )

    def write(tx) -> None:
        tx.save(rule, condition=Recurrence.PK.does_not_exist())
        tx.save(new_link, condition=link_free)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="recurrence",
            entity_id=rule.id,
            changes=audit.diff({}, _snapshot(rule)),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict(ALREADY) from error
    return rule


def _cancelled(org_id: str, recurrence_id: str) -> Conflict | NotFound:
    """What a cancelled write on a rule means: it is gone (404) or it moved on meanwhile (409)."""
    if _rule(org_id, recurrence_id, consistent=True) is None:
        return NotFound("Recurrence not found.")
    return Conflict(CHANGED)


def update(*, principal: Principal, recurrence_id: str, changes: RecurrenceUpdate) -> Recurrence:
    """Change a rule's pattern; its next slot is recomputed from the latest task's due date."""
    rule = get(principal=principal, recurrence_id=recurrence_id)
    fields = changes.model_dump(exclude_unset=True)
    if "recurrence_pattern" in fields and fields["recurrence_pattern"] is None:
        raise ValidationFailed.field("recurrence_pattern", "cannot be null")
    pattern = fields.get("recurrence_pattern", rule.pattern)
    if pattern == rule.pattern:
        return rule
    before, seen, now = _snapshot(rule), rule.next_run_at, utcnow()
    rule.pattern, rule.anchor, rule.updated_at = pattern, rule.current_due, now
    rule.next_run_at = _first_slot(pattern, date.fromisoformat(rule.current_due), now)
    rule.index()

    def write(tx) -> None:
        tx.update(
            rule,
            actions=[
                Recurrence.pattern.set(rule.pattern),
                Recurrence.anchor.set(rule.anchor),
                Recurrence.next_run_at.set(rule.next_run_at),
                Recurrence.GSI1SK.set(rule.GSI1SK),
                Recurrence.updated_at.set(now),
            ],
            condition=Recurrence.next_run_at == seen,
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="recurrence",
            entity_id=rule.id,
            changes=audit.diff(before, _snapshot(rule)),
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise _cancelled(principal.org_id, rule.id) from error
    return rule


def _stop(tx, *, rule: Recurrence, actor: Actor | Principal) -> None:
    """Delete a rule and its latest task's link in `tx`: no further occurrences; the tasks stay."""
    tx.delete(rule, condition=Recurrence.task_id == rule.task_id)
    tx.delete(RecurrenceLink(*RecurrenceLink.keys(rule.org_id, rule.task_id)))
    audit.record(
        tx,
        org_id=rule.org_id,
        actor=actor,
        action="deleted",
        entity_type="recurrence",
        entity_id=rule.id,
        changes={"recurrence_pattern": {"from": rule.pattern, "to": None}},
    )


def delete(*, principal: Principal, recurrence_id: str) -> None:
    """Stop a recurrence: no new occurrences; the current task remains."""
    rule = get(principal=principal, recurrence_id=recurrence_id)
    try:
        transact(lambda tx: _stop(tx, rule=rule, actor=principal), attempts=1)
    except TransactionCancelled as error:
        raise _cancelled(principal.org_id, rule.id) from error


# --- occurrences ---------------------------------------------------------------------------------------------


def _add_next(tx, *, rule: Recurrence, source, actor: Actor | Principal, now: datetime, with_counters: bool):
    """Add the occurrence of the rule's next slot to `tx` and move the rule on, conditioned on its slot."""
    slot, due = rule.next_run_at, rule.next_run_at.date().isoformat()
    occurrence = tasks.add_occurrence(
        tx, source=source, due_date=due, recurrence_id=rule.id, with_counters=with_counters
    )
    following = next_slot(pattern=rule.pattern, anchor=date.fromisoformat(rule.anchor), after=max(slot, now))
    tx.update(
        rule,
        actions=[
            Recurrence.task_id.set(occurrence.id),
            Recurrence.current_due.set(due),
            Recurrence.next_run_at.set(following),
            Recurrence.GSI1SK.set(Recurrence.due_key(following, rule.org_id, rule.id)),
            Recurrence.updated_at.set(now),
        ],
        condition=(Recurrence.next_run_at == slot) & (Recurrence.task_id == rule.task_id),
    )
    link = RecurrenceLink(
        *RecurrenceLink.keys(rule.org_id, occurrence.id), task_id=occurrence.id, recurrence_id=rule.id
    )
    tx.save(link, condition=RecurrenceLink.PK.does_not_exist())
    audit.record(
        tx,
        org_id=rule.org_id,
        actor=actor,
        action="created",
        entity_type="task",
        entity_id=occurrence.id,
        changes=audit.diff({}, {"title": occurrence.title, "due_date": due, "recurrence_id": rule.id}),
    )
    audit.record(
        tx,
        org_id=rule.org_id,
        actor=actor,
        action="advanced",
        entity_type="recurrence",
        entity_id=rule.id,
        changes={
            "task_id": {"from": rule.task_id, "to": occurrence.id},
            "next_run_at": {"from": to_rfc3339(slot), "to": to_rfc3339(following)},
        },
    )
    if occurrence.assignee_id and occurrence.assignee_id != actor.user_id:
        events.emit(
            tx,
            org_id=rule.org_id,
            type="task_assigned",
            actor_id=actor.user_id,
            recipients=[occurrence.assignee_id],
            data={"task_id": occurrence.id, "title": occurrence.title, "link": tasks.task_link(occurrence.id)},
        )
    return occurrence


def _on_completion(tx, *, principal: Principal, task) -> list:
    """Completing a series' latest task adds the next occurrence to the completing transaction."""
    rule = _rule_of_task(task.org_id, task.id)
    if rule is None or rule.task_id != task.id:  # not recurring, or an earlier task of its series
        return []
    # The completion writes the counters of what it adds: a transaction may touch each counter item once.
    return [_add_next(tx, rule=rule, source=task, actor=principal, now=utcnow(), with_counters=False)]


tasks.register_completion_hook(_on_completion)


def materialise_due(*, now: datetime) -> int:
    """Create the occurrence of every rule whose next slot has come; safe to run twice. Returns how many."""
    due = Recurrence.gsi1.query(Recurrence.DUE_PARTITION, Recurrence.due_by(now), limit=MAX_PER_RUN)
    return sum(_materialise(rule, now) for rule in due)


def _materialise(rule: Recurrence, now: datetime) -> int:
    source = tasks.find(org_id=rule.org_id, task_id=rule.task_id)
    added = []

    def write(tx) -> None:
        added[:] = [_add_next(tx, rule=rule, source=source, actor=SYSTEM, now=now, with_counters=True)]

    try:
        if source is None:  # its latest task was deleted: the series ends (the deletion job may not have run)
            transact(lambda tx: _stop(tx, rule=rule, actor=SYSTEM), attempts=1)
            return 0
        transact(write)
    except TransactionCancelled:  # a completion or an earlier run got there first (the index lags the table)
        logger.info("recurrence already advanced", extra={"recurrence_id": rule.id})
        return 0
    indexing.request_reindex(org_id=rule.org_id, entity_type="task", entity_id=added[0].id)
    return 1


@jobs.job(tasks.TASK_DELETED_JOB)
def _forget_deleted_task(payload: dict) -> None:
    """A deleted task leaves its series; deleting the series' latest task stops the rule (docs/decisions.md)."""
    org_id, task_id = payload["org_id"], payload["task_id"]
    link = _link(org_id, task_id)
    if link is None:
        return
    rule = _rule(org_id, link.recurrence_id, consistent=True)

    def write(tx) -> None:
        if rule is not None and rule.task_id == task_id:
            _stop(tx, rule=rule, actor=SYSTEM)
        else:
            tx.delete(link)

    transact(write)
