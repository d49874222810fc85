"""Project budgets: the usage rollup kept at write time, and the alerts sent when usage crosses a threshold.

Hours budgets count the seconds of a project's stopped entries; the time-entry transaction that changes them
adds the difference to the project item (`used_seconds`), so reading a budget reads nothing else. Money
budgets count the billable amount, which needs the rate (up to four more reads), so the same transaction only
writes a usage event; its subscriber prices the entry with the RateCard, keeps what it counted per entry (so a
change or delete later takes back exactly that) and adds the difference to `used_cents`. The same subscriber
checks the thresholds and, once per threshold and budget amount (a conditional add to `budget_alerted`),
tells the org's admins and the project's managers through the notifications domain (decisions 91-93).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.audit import service as audit
from chalicelib.core import db as core_db
from chalicelib.core import events
from chalicelib.core.db import Item, TimestampAttribute, TransactionCancelled, key_prefix
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, from_rfc3339, to_rfc3339, utcnow
from chalicelib.orgs import service as orgs
from chalicelib.projects.models import Project, ProjectMember
from chalicelib.projects.schemas import alert_thresholds

USAGE_EVENT = "project.usage_changed"
ALERT_EVENT = "budget_alert"  # a notification type (notifications domain)
ADMIN_ROLES = ("owner", "admin")
_TOMBSTONE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Tracked:
    """What of a time entry counts against a budget (duck-typed like an entry for the RateCard)."""

    id: str
    user_id: str
    project_id: str | None
    start: datetime
    stop: datetime | None
    billable: bool
    hourly_rate: int | None
    created_at: datetime | None = None  # rate history prices some changes only for entries created after them

    @classmethod
    def of(cls, entry) -> "Tracked":
        return cls(
            id=entry.id,
            user_id=entry.user_id,
            project_id=entry.project_id,
            start=entry.start,
            stop=entry.stop,
            billable=bool(entry.billable),
            hourly_rate=int(entry.hourly_rate) if entry.hourly_rate is not None else None,
            created_at=getattr(entry, "created_at", None),
        )

    @property
    def counts(self) -> bool:
        """Stopped and on a project: a running entry counts once it stops."""
        return self.project_id is not None and self.stop is not None

    @property
    def seconds(self) -> int:
        return max(0, int((self.stop - self.start).total_seconds())) if self.stop else 0

    def data(self) -> dict:
        values = asdict(self)
        values["start"] = to_rfc3339(self.start)
        values["stop"] = to_rfc3339(self.stop) if self.stop else None
        values["created_at"] = to_rfc3339(self.created_at) if self.created_at else None
        return values

    @classmethod
    def from_data(cls, values: dict) -> "Tracked":
        return cls(
            **{
                **values,
                "start": from_rfc3339(values["start"]),
                "stop": from_rfc3339(values["stop"]) if values.get("stop") else None,
                "created_at": from_rfc3339(values["created_at"]) if values.get("created_at") else None,
            }
        )


class EntryUsage(Item, discriminator="BUDGET_ENTRY"):
    """What one time entry was last counted as (project, cents) by the usage subscriber, and as of when."""

    entry_id = UnicodeAttribute()
    project_id = UnicodeAttribute(null=True)
    cents = NumberAttribute(default=0)
    as_of = TimestampAttribute()
    expires_at = NumberAttribute(null=True)  # set once the entry is deleted (a tombstone against late events)

    @staticmethod
    def keys(org_id: str, entry_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"BUDGETENTRY#{entry_id}"


# --- in the time entry's transaction -------------------------------------------------------------------------


class Usage:
    """How a time-entry write changes project usage: seconds go in its transaction, the rest in an event."""

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self._seconds: dict[str, int] = defaultdict(int)
        self._entries: dict[str, dict] = {}
        self._skip: set[str] = set()

    def change(self, *, before=None, after=None, entry_id: str | None = None, as_of: datetime | None = None) -> None:
        """An entry went from `before` to `after` (None: did not exist / no longer exists)."""
        old = Tracked.of(before) if before is not None else None
        new = Tracked.of(after) if after is not None else None
        if old == new or not ((old and old.counts) or (new and new.counts)):
            return  # nothing that counts changed (a running entry counts once it stops)
        for tracked, sign in ((old, -1), (new, 1)):
            if tracked is not None and tracked.counts:
                self._seconds[tracked.project_id] += sign * tracked.seconds
        entry_id = entry_id or (new or old).id
        self._entries[entry_id] = {
            "id": entry_id,
            "as_of": to_rfc3339(as_of or utcnow()),
            "entry": new.data() if new is not None else None,
        }

    def stopped(self, entry, *, at: datetime) -> None:
        """A running entry stops at `at`."""
        running = Tracked.of(entry)
        self.change(before=running, after=replace(running, stop=at), as_of=at)

    def stopped_by_new_timer(self, timer, *, user_id: str, at: datetime) -> None:
        """The running entry a timer points at stops, unread, at `at`: the timer keeps what it counts for."""
        if timer.start is None:  # a timer started before budgets: the subscriber reads the entry
            self._entries[timer.entry_id] = {"id": timer.entry_id, "as_of": to_rfc3339(utcnow()), "read": True}
            return
        running = Tracked(
            id=timer.entry_id,
            user_id=user_id,
            project_id=timer.project_id,
            start=timer.start,
            stop=None,
            billable=bool(timer.billable),
            hourly_rate=int(timer.hourly_rate) if timer.hourly_rate is not None else None,
            created_at=timer.created_at,
        )
        self.change(before=running, after=replace(running, stop=at))  # as of now: `at` may be in the past

    @property
    def project_ids(self) -> set[str]:
        return set(self._seconds)

    def write(self, tx) -> None:
        """Add the seconds to each project (that still exists) and the usage event, to `tx`."""
        for project_id, seconds in sorted(self._seconds.items()):
            if seconds and project_id not in self._skip:
                tx.update(
                    Project.unread(*Project.keys(self.org_id, project_id)),
                    actions=[Project.used_seconds.add(seconds)],
                    condition=Project.PK.exists(),  # never recreate a deleted project
                    add_version_condition=False,
                )
        if self._entries:
            events.emit(
                tx, org_id=self.org_id, type=USAGE_EVENT, data={"entries": list(self._entries.values())}, recipients=[]
            )


def transact(write: Callable, *, usage: Usage, attempts: int = 3) -> None:
    """`write(tx)` and the usage it causes in one transaction; a project deleted meanwhile is left out."""

    def both(tx) -> None:
        write(tx)
        usage.write(tx)

    if usage.project_ids:  # writers of one project's entries now meet on its item: retry a mere collision
        attempts = max(attempts, 3)
    try:
        core_db.transact(both, attempts=attempts)
    except TransactionCancelled as error:
        gone = {pid for pid in usage.project_ids if error.failed(*Project.keys(usage.org_id, pid))}
        if not gone:
            raise
        usage._skip |= gone
        core_db.transact(both, attempts=attempts)


# --- budgets set or changed (projects service) ---------------------------------------------------------------


def used(project, budget_type: str | None) -> int:
    """The project's usage in the unit of a budget of this type."""
    return int((project.used_cents if budget_type == "money" else project.used_seconds) or 0)


def crossed(project, *, budget_type: str | None, amount: int | None, thresholds: list[int]) -> set[int]:
    """The thresholds (percent) the project's usage has reached under this budget."""
    if budget_type is None or not amount:
        return set()
    spent = used(project, budget_type)
    return {threshold for threshold in thresholds if spent * 100 >= threshold * int(amount)}


def rearmed(project, *, budget_type: str | None, amount: int | None, thresholds: list[int]) -> set[int]:
    """The alerted thresholds that stay alerted under a changed budget: those still crossed (raising re-arms)."""
    already = {int(value) for value in project.budget_alerted or ()}
    return already & crossed(project, budget_type=budget_type, amount=amount, thresholds=thresholds)


def request_check(tx, *, org_id: str, project_id: str) -> None:
    """Have the subscriber check the project's thresholds once `tx` commits (the budget itself changed)."""
    events.emit(tx, org_id=org_id, type=USAGE_EVENT, data={"entries": [], "check": [project_id]}, recipients=[])


# --- the subscriber ------------------------------------------------------------------------------------------


@events.subscriber(USAGE_EVENT)
def _on_usage(event: events.Event) -> None:
    """Price the entries that changed, add the cents to their projects, then check those projects' budgets."""
    from chalicelib.time_entries import rates  # rates reads projects through the projects service

    card = rates.rate_card(org_id=event.org_id)
    touched = set(event.data.get("check") or [])
    for change in event.data.get("entries") or []:
        touched |= _count_entry(event.org_id, change, card)
    for project_id in sorted(touched):
        check(org_id=event.org_id, project_id=project_id)


def _entry_now(org_id: str, entry_id: str) -> Tracked | None:
    from chalicelib.time_entries import service as time_entries

    entry = time_entries.find(org_id=org_id, entry_id=entry_id)
    return Tracked.of(entry) if entry is not None else None


def _count_entry(org_id: str, change: dict, card) -> set[str]:
    """Bring one entry's counted cents up to date (once, newest state wins); returns the projects touched."""
    as_of = from_rfc3339(change["as_of"])
    if change.get("read"):
        tracked = _entry_now(org_id, change["id"])
    else:
        tracked = Tracked.from_data(change["entry"]) if change.get("entry") else None
    record = EntryUsage.get_or_none(*EntryUsage.keys(org_id, change["id"]), consistent=True)
    if record is not None and record.as_of >= as_of:
        return set()  # a newer state was counted already (or this one, redelivered)
    old_project, old_cents = (record.project_id, int(record.cents)) if record else (None, 0)
    counts = tracked is not None and tracked.counts
    new_project = tracked.project_id if counts else None
    new_cents = card.amount(tracked) if counts else 0
    extra_seconds = tracked.seconds if change.get("read") and counts else 0  # not added by the transaction
    deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if old_project:
        deltas[old_project][0] -= old_cents
    if new_project:
        deltas[new_project][0] += new_cents
        deltas[new_project][1] += extra_seconds
    item = EntryUsage(
        *EntryUsage.keys(org_id, change["id"]),
        entry_id=change["id"],
        project_id=new_project,
        cents=new_cents,
        as_of=as_of,
        expires_at=epoch_seconds(utcnow()) + _TOMBSTONE_SECONDS if tracked is None else None,
    )
    skip: set[str] = set()

    def write(tx) -> None:
        condition = EntryUsage.PK.does_not_exist() | (EntryUsage.as_of < as_of)
        tx.save(item, condition=condition)
        for project_id, (cents, seconds) in sorted(deltas.items()):
            actions = ([Project.used_cents.add(cents)] if cents else []) + (
                [Project.used_seconds.add(seconds)] if seconds else []
            )
            if actions and project_id not in skip:
                tx.update(
                    Project.unread(*Project.keys(org_id, project_id)),
                    actions=actions,
                    condition=Project.PK.exists(),
                    add_version_condition=False,
                )

    for _attempt in range(2):
        try:
            core_db.transact(write)
            return set(deltas)
        except TransactionCancelled as error:
            if error.failed(*EntryUsage.keys(org_id, change["id"])):
                return set()  # counted meanwhile by a newer event
            gone = {pid for pid in deltas if error.failed(*Project.keys(org_id, pid))}
            if not gone:
                raise
            skip |= gone
    return set(deltas) - skip


# --- alerts --------------------------------------------------------------------------------------------------


def _recipients(org_id: str, project_id: str) -> list[str]:
    admins = [member.user_id for member in orgs.active_members(org_id=org_id) if member.role in ADMIN_ROLES]
    prefix = f"{ProjectMember.SK_PREFIX}{project_id}#"
    managers = [
        member.user_id
        for member in ProjectMember.query(f"ORG#{org_id}", key_prefix(ProjectMember.SK, prefix))
        if member.role == "manager"
    ]
    return list(dict.fromkeys(admins + managers))


def check(*, org_id: str, project_id: str) -> int | None:
    """Alert once for newly crossed thresholds of the project's budget; returns the threshold alerted, if any."""
    project = Project.get_or_none(*Project.keys(org_id, project_id), consistent=True)
    if project is None or project.budget_type is None or not project.budget_amount:
        return None
    amount, budget_type = int(project.budget_amount), project.budget_type
    reached = crossed(project, budget_type=budget_type, amount=amount, thresholds=alert_thresholds(project))
    new = sorted(reached - {int(value) for value in project.budget_alerted or ()})
    if not new:
        return None
    highest, spent = new[-1], used(project, budget_type)
    condition = (Project.budget_type == budget_type) & (Project.budget_amount == amount)
    for threshold in new:
        condition &= ~Project.budget_alerted.contains(threshold)
    data = {
        "project_id": project.id,
        "title": project.name,
        "threshold": highest,
        "thresholds": new,
        "budget_type": budget_type,
        "budget_amount": amount,
        "used": spent,
        "percent": round(spent * 100 / amount, 1),
        "currency": project.currency,
        "link": f"/projects/{project.id}",
    }
    recipients = _recipients(org_id, project.id)

    def write(tx) -> None:
        tx.update(
            project,
            actions=[Project.budget_alerted.add(set(new))],
            condition=condition,
            add_version_condition=False,
        )
        events.emit(tx, org_id=org_id, type=ALERT_EVENT, data=data, recipients=recipients)
        audit.record(
            tx,
            org_id=org_id,
            actor=audit.Actor(None),
            action="budget_alerted",
            entity_type="project",
            entity_id=project.id,
            changes={"budget_alerted": {"from": sorted(int(v) for v in project.budget_alerted or ()), "to": new}},
        )

    try:
        core_db.transact(write, attempts=1)
    except TransactionCancelled:
        # Alerted meanwhile by a concurrent check, or the budget changed: that change asks for its own check.
        logger.info("budget alert skipped", extra={"project_id": project.id})
        return None
    return highest
