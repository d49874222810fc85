"""The audit trail: every mutation of an org's data writes an entry in the same transaction.

An entry the webhook catalogue covers also adds its webhook events to that transaction (docs/decisions.md 85).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from chalicelib.audit.models import AuditEntry
from chalicelib.audit.schemas import AuditFilters
from chalicelib.core import events
from chalicelib.core.auth import Principal
from chalicelib.core.db import transaction
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.timeutil import to_sortable, utcnow
from chalicelib.users import service as users
from chalicelib.webhooks import catalogue


@dataclass(frozen=True)
class Actor:
    """Who did something, when there may not be a principal yet (login, registration)."""

    user_id: str | None
    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        return cls(principal.user_id, principal.ip, principal.user_agent)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {"from": old, "to": new}}` for each field whose value changed."""
    fields = before.keys() | after.keys()
    return {f: {"from": before.get(f), "to": after.get(f)} for f in sorted(fields) if before.get(f) != after.get(f)}


def _entry(
    *, org_id: str, actor: Actor | Principal, action: str, entity_type: str, entity_id: str | None, changes: dict | None
) -> AuditEntry:
    actor = Actor.of(actor) if isinstance(actor, Principal) else actor
    return AuditEntry.build(
        id=new_id("log"),
        org_id=org_id,
        user_id=actor.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes or {},
        ip_address=actor.ip,
        user_agent=actor.user_agent,
        created_at=utcnow(),
    )


def record(
    tx,
    *,
    org_id: str,
    actor: Actor | Principal,
    action: str,
    entity_type: str,
    entity_id: str | None = None,
    changes: dict | None = None,
) -> None:
    """Add an audit entry to the transaction `tx` that makes the change (and the webhook events it raises)."""
    entry = _entry(
        org_id=org_id, actor=actor, action=action, entity_type=entity_type, entity_id=entity_id, changes=changes
    )
    tx.save(entry)
    for event_type in catalogue.types_for(entity_type, action, entry.changes):
        data = {"object": entity_type, "id": entity_id, "action": action, "changes": entry.changes}
        events.emit(
            tx,
            org_id=org_id,
            type=event_type,
            recipients=[],
            actor_id=entry.user_id,
            data={**data, "actor_id": entry.user_id, "audit_log_id": entry.id},
        )


def record_now(
    *,
    org_id: str,
    actor: Actor | Principal,
    action: str,
    entity_type: str,
    entity_id: str | None = None,
    changes: dict | None = None,
) -> None:
    """Write an audit entry on its own, for events that change nothing else (a failed login)."""
    with transaction() as tx:
        record(
            tx, org_id=org_id, actor=actor, action=action, entity_type=entity_type, entity_id=entity_id, changes=changes
        )


def _bound(value: datetime | date | None, *, end: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.max if end else time.min, tzinfo=UTC)
    return to_sortable(value)


def list_entries(*, principal: Principal, filters: AuditFilters) -> tuple[Page, dict[str, str]]:
    """The org's audit entries, newest first, filtered (admins only), with the acting users' names."""
    principal.require_admin()
    page = _query(principal.org_id, filters)
    return page, users.names(user_ids={entry.user_id for entry in page.items if entry.user_id})


def _query(org: str, filters: AuditFilters) -> Page:
    """Entity or user filters pick a GSI; the date range is a key condition; the rest filter bounded pages."""
    if filters.entity_id:
        hash_key, index, sort_key, prefix = (
            AuditEntry.entity_partition(org, filters.entity_id),
            AuditEntry.gsi1,
            AuditEntry.GSI1SK,
            "",
        )
    elif filters.user_id:
        hash_key, index, sort_key, prefix = (
            AuditEntry.user_partition(org, filters.user_id),
            AuditEntry.gsi2,
            AuditEntry.GSI2SK,
            "",
        )
    else:
        hash_key, index, sort_key, prefix = AuditEntry.org_partition(org), None, AuditEntry.SK, AuditEntry.SK_PREFIX
    low, high = _bound(filters.since, end=False), _bound(filters.until, end=True)
    if low and high and low > high:
        raise ValidationFailed.field("from", "must be on or before to")
    conditions = []
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.entity_type:
        conditions.append(AuditEntry.entity_type == filters.entity_type)
    if filters.user_id and filters.entity_id:
        conditions.append(AuditEntry.user_id == filters.user_id)
    # Sort keys read `<prefix><instant>#<log id>`. Open ends are bounded by "0" and "9" (no empty key values,
    # which DynamoDB refuses), and "~" sorts after "#", so entries in the last millisecond of `to` are kept.
    return query_page(
        AuditEntry,
        hash_key,
        index=index,
        range_key_condition=sort_key.between(prefix + (low or "0"), prefix + (high or "9") + "~"),
        filter_condition=all_of(conditions),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        scope=f"{org}:audit:{hash_key}:{low}:{high}",
    )
