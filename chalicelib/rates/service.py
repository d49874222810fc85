"""Rate history: dated hourly (and members' cost) rates of members, projects and clients (docs/rates.md).

Changes are only ever added. The first change of a holder's rate also writes an opening record carrying the
rate it had until then (in force since always), so older time keeps its price. Each change says from which
day it applies and to what: `new_entries` (entries created after the change) or `unbilled_past` (every entry
from that day on that is not billed: billed entries keep the figures their invoice froze on them). The
holder's own `hourly_rate`/`cost_rate` field keeps showing the rate in force, updated in the same transaction.
Prices are resolved by time_entries.rates.RateCard, which reads the org's changes with one Query.
"""

from dataclasses import dataclass
from datetime import datetime

from chalicelib.audit import service as audit
from chalicelib.clients import service as clients
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled, key_prefix, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects
from chalicelib.rates.models import RateChange
from chalicelib.rates.schemas import RateChangeCreate

HOLDER_TYPES = ("member", "project", "client")
MAX_CHANGES = 100  # per holder and field: one Query reads them, and a RateCard holds every org's change
CHANGED = "The rate was changed at the same time; reload and retry."


@dataclass
class Holder:
    """What a rate belongs to: its type, the id entries are matched on, its public id and its stored item."""

    holder_type: str
    key_id: str  # a member's user id (entries name users); a project's or client's id
    public_id: str
    item: object

    def fields(self) -> tuple[str, ...]:
        return ("hourly_rate", "cost_rate") if self.holder_type == "member" else ("hourly_rate",)

    def current(self, field: str) -> int | None:
        value = getattr(self.item, field, None)
        return int(value) if value is not None else None


def _holder(principal: Principal, holder_type: str, holder_id: str) -> Holder:
    if holder_type == "project":
        project = projects.find(org_id=principal.org_id, project_id=holder_id)
        if project is None:
            raise NotFound("Project not found.")
        return Holder("project", project.id, project.id, project)
    if holder_type == "client":
        client = clients.get(org_id=principal.org_id, client_id=holder_id)
        return Holder("client", client.id, client.id, client)
    member = orgs.find_member(principal=principal, member_id=holder_id)
    return Holder("member", member.user_id, member.id, member)


def _sort_key(change: RateChange) -> tuple:
    return (change.effective_from or "", change.created_at, change.id)


def _holder_changes(org_id: str, holder: Holder, field: str) -> list[RateChange]:
    pk, _ = RateChange.opening_keys(org_id, holder.holder_type, holder.key_id, field)
    prefix = RateChange.holder_prefix(holder.holder_type, holder.key_id, field)
    found = RateChange.query(pk, key_prefix(RateChange.SK, prefix), consistent_read=True, limit=MAX_CHANGES + 1)
    return sorted(found, key=_sort_key)


def in_force(changes: list, *, day: str, created_at: datetime | None) -> int | None:
    """The rate (or None) of the last change in force on `day` for an entry created at `created_at`.

    `changes` are one holder's, oldest first. A `new_entries` change skips entries created before it; an
    unknown `created_at` counts as a new entry.
    """
    chosen = None
    for change in changes:
        if change.effective_from is not None and change.effective_from > day:
            break
        if change.apply_to == "new_entries" and created_at is not None and created_at < change.created_at:
            continue
        chosen = change
    return int(chosen.rate) if chosen is not None and chosen.rate is not None else None


def changes_by_holder(*, org_id: str) -> dict[tuple[str, str, str], list[RateChange]]:
    """Every dated rate of the org by (holder_type, holder_id, field), oldest first: one Query (paged)."""
    pk = f"ORG#{org_id}"
    grouped: dict[tuple[str, str, str], list[RateChange]] = {}
    for change in RateChange.query(pk, key_prefix(RateChange.SK, RateChange.SK_PREFIX)):
        grouped.setdefault((change.holder_type, change.holder_id, change.field), []).append(change)
    for changes in grouped.values():
        changes.sort(key=_sort_key)
    return grouped


def history(*, principal: Principal, holder_type: str, holder_id: str, field: str | None = None) -> tuple:
    """A holder's dated rates, oldest first, and its rates in force today by field (admins)."""
    principal.require_admin()
    holder = _holder(principal, holder_type, holder_id)
    today = utcnow().date().isoformat()
    found, current = [], {}
    for name in holder.fields():
        if field is not None and name != field:
            continue
        changes = _holder_changes(principal.org_id, holder, name)
        found.extend(changes)
        current[name] = in_force(changes, day=today, created_at=None) if changes else holder.current(name)
    return found, current


def direct_change(
    *, org_id: str, holder_type: str, holder_id: str, field: str, rate: int | None, user_id: str | None
) -> RateChange | None:
    """A holder's rate field set directly (`PUT`): with a dated history, a change in force from today.

    It re-prices the holder's unbilled time from today (`unbilled_past`), as a `PUT` re-prices all unbilled time
    of a holder without history; earlier days keep their dated rates. None while the holder has no history (the
    field alone prices its time). The caller saves it with `save` in the transaction that sets the field.
    """
    pk, _ = RateChange.opening_keys(org_id, holder_type, holder_id, field)
    prefix = RateChange.holder_prefix(holder_type, holder_id, field)
    if next(iter(RateChange.query(pk, key_prefix(RateChange.SK, prefix), consistent_read=True, limit=1)), None) is None:
        return None
    now, change_id = utcnow(), new_id("rate")
    today = now.date().isoformat()
    return RateChange(
        *RateChange.keys(org_id, holder_type, holder_id, field, today, change_id),
        id=change_id,
        org_id=org_id,
        holder_type=holder_type,
        holder_id=holder_id,
        field=field,
        rate=rate,
        effective_from=today,
        apply_to="unbilled_past",
        created_by=user_id,
        created_at=now,
    )


def save(tx, change: RateChange | None) -> None:
    """In `tx`: a change from `direct_change` (nothing when it is None)."""
    if change is not None:
        tx.save(change, condition=RateChange.SK.does_not_exist())


def set_rate(*, principal: Principal, holder_type: str, holder_id: str, body: RateChangeCreate) -> RateChange:
    """Add a dated rate to a member, project or client (admins); the holder's field shows the rate in force."""
    principal.require_admin()
    holder = _holder(principal, holder_type, holder_id)
    field = body.field
    if field not in holder.fields():
        raise ValidationFailed.field(field, f"a {holder_type} has no {field}; only members have a cost rate")
    changes = _holder_changes(principal.org_id, holder, field)
    if len(changes) >= MAX_CHANGES:
        raise ValidationFailed.field("effective_from", f"a rate keeps at most {MAX_CHANGES} dated changes")
    now = utcnow()
    before = holder.current(field)
    written = []
    if not changes:
        opening = RateChange(
            *RateChange.opening_keys(principal.org_id, holder.holder_type, holder.key_id, field),
            id=new_id("rate"),
            org_id=principal.org_id,
            holder_type=holder.holder_type,
            holder_id=holder.key_id,
            field=field,
            rate=before,
            effective_from=None,
            apply_to="unbilled_past",
            created_by=principal.user_id,
            created_at=now,
        )
        written.append(opening)
    change_id = new_id("rate")
    effective = body.effective_from.isoformat()
    change = RateChange(
        *RateChange.keys(principal.org_id, holder.holder_type, holder.key_id, field, effective, change_id),
        id=change_id,
        org_id=principal.org_id,
        holder_type=holder.holder_type,
        holder_id=holder.key_id,
        field=field,
        rate=body.rate,
        effective_from=effective,
        apply_to=body.apply_to,
        created_by=principal.user_id,
        created_at=now,
    )
    written.append(change)
    after = in_force(sorted([*changes, *written], key=_sort_key), day=now.date().isoformat(), created_at=None)
    try:
        with transaction() as tx:
            for item in written:
                tx.save(item, condition=RateChange.SK.does_not_exist())
            # Always written: concurrent changes of one holder's rate are serialized by the holder's item.
            if holder.holder_type == "project":
                projects.set_current_rate(tx, project=holder.item, hourly_rate=after)
            elif holder.holder_type == "client":
                clients.set_current_rate(tx, client=holder.item, hourly_rate=after)
            else:
                orgs.set_current_rate(tx, member=holder.item, field=field, value=after)
            audit.record(
                tx,
                org_id=principal.org_id,
                actor=principal,
                action="rate_changed",
                entity_type=holder.holder_type,
                entity_id=holder.public_id,
                changes={
                    field: {"from": before, "to": body.rate},
                    "effective_from": {"from": None, "to": effective},
                    "apply_to": {"from": None, "to": body.apply_to},
                },
            )
    except TransactionCancelled as error:
        raise Conflict(CHANGED) from error
    return change
