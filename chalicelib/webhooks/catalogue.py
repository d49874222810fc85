"""The event types an org can subscribe a webhook to, and which audit entries raise them (docs/decisions.md 85).

Every mutation writes an audit entry in its own transaction (`entity_type`, `action`, `changes`), whatever
surface caused it (TRCR /api/v1, TrackingTabs /entries, TataTrack /api, jobs). `types_for` reads that entry and
names the webhook events it means; the audit service adds one outbox event per name to the same transaction.
Pure data: imported by the audit service on every write, so it imports nothing.
"""

from typing import Any

PING = "webhook.ping"  # sent by the ping endpoint only; not subscribable

EVENT_TYPES: dict[str, str] = {
    "task.created": "A task was created (any surface, or as a recurrence's next occurrence).",
    "task.updated": "A task's fields changed (including its status and assignee).",
    "task.status_changed": "A task moved to another status (also sent as task.updated).",
    "task.assigned": "A task's assignee changed to someone (also sent as task.updated).",
    "task.deleted": "A task was deleted.",
    "time_entry.created": "A time entry was created, as a finished entry or a started timer.",
    "time_entry.started": "A timer was started (also sent as time_entry.created).",
    "time_entry.stopped": "A running timer was stopped.",
    "time_entry.updated": "A time entry's fields changed.",
    "time_entry.deleted": "A time entry was deleted.",
    "invoice.created": "An invoice was created (a draft).",
    "invoice.updated": "A draft invoice's fields changed (not time billed onto it by generate: see the docs).",
    "invoice.sent": "An invoice was sent to its client.",
    "invoice.payment_recorded": "A payment was recorded against an invoice that is not paid in full yet.",
    "invoice.paid": "An invoice was paid in full.",
    "invoice.overdue": "A sent invoice passed its due date unpaid.",
    "invoice.voided": "An invoice was voided.",
    "invoice.deleted": "A draft invoice was deleted.",
    "project.created": "A project was created.",
    "project.updated": "A project's fields changed (including archiving).",
    "project.archived": "A project was archived (also sent as project.updated).",
    "project.member_added": "Someone was added to a project's members.",
    "project.member_removed": "Someone was removed from a project's members.",
    "project.deleted": "A project was deleted.",
    "member.invited": "Someone was invited to the organization (their membership is created, pending).",
    "member.joined": "An invited person accepted and joined the organization.",
    "member.updated": "A member's role or rates changed.",
    "member.removed": "A member (or a pending invitation) was removed from the organization.",
}

# (entity_type, audit action) → the event types it always raises.
_BY_ACTION: dict[tuple[str, str], tuple[str, ...]] = {
    ("task", "created"): ("task.created",),
    ("task", "updated"): ("task.updated",),
    ("task", "deleted"): ("task.deleted",),
    ("time_entry", "created"): ("time_entry.created",),
    ("time_entry", "stopped"): ("time_entry.stopped",),
    ("time_entry", "updated"): ("time_entry.updated",),
    ("time_entry", "deleted"): ("time_entry.deleted",),
    ("invoice", "created"): ("invoice.created",),
    ("invoice", "updated"): ("invoice.updated",),
    ("invoice", "sent"): ("invoice.sent",),
    ("invoice", "payment_applied"): ("invoice.payment_recorded",),
    ("invoice", "paid"): ("invoice.paid",),
    ("invoice", "overdue"): ("invoice.overdue",),
    ("invoice", "voided"): ("invoice.voided",),
    ("invoice", "deleted"): ("invoice.deleted",),
    ("project", "created"): ("project.created",),
    ("project", "updated"): ("project.updated",),
    ("project", "member_added"): ("project.member_added",),
    ("project", "member_removed"): ("project.member_removed",),
    ("project", "deleted"): ("project.deleted",),
    ("member", "invited"): ("member.invited",),
    ("member", "joined"): ("member.joined",),
    ("member", "role_changed"): ("member.updated",),
    ("member", "rates_changed"): ("member.updated",),
    ("member", "removed"): ("member.removed",),
}
ENTITY_TYPES = frozenset(entity for entity, _ in _BY_ACTION)


def _to(changes: dict[str, Any], field: str) -> Any:
    change = changes.get(field)
    return change.get("to") if isinstance(change, dict) else None


def types_for(entity_type: str, action: str, changes: dict[str, Any] | None) -> list[str]:
    """The webhook event types an audit entry raises (none for what the catalogue does not cover)."""
    found = list(_BY_ACTION.get((entity_type, action), ()))
    if not found:
        return found
    changes = changes or {}
    if (entity_type, action) == ("task", "updated"):
        if "status" in changes:
            found.append("task.status_changed")
        if "assignee_id" in changes and _to(changes, "assignee_id"):
            found.append("task.assigned")
    elif (entity_type, action) == ("time_entry", "created") and "start" in changes and not _to(changes, "stop"):
        found.append("time_entry.started")
    elif (entity_type, action) == ("project", "updated") and _to(changes, "status") == "archived":
        found.append("project.archived")
    return found


def matches(subscribed: list[str], event_type: str) -> bool:
    """Whether a subscription to `subscribed` (types, or `<resource>.*`) receives `event_type`."""
    resource = event_type.split(".", 1)[0]
    return event_type in subscribed or f"{resource}.*" in subscribed


def known(name: str) -> bool:
    """A subscribable name: a catalogued type, or `<resource>.*` for a catalogued resource."""
    if name.endswith(".*"):
        return any(event_type.startswith(name[:-1]) for event_type in EVENT_TYPES)
    return name in EVENT_TYPES
