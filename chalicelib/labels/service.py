"""Task labels of an organization (TrackingTabs time-entry tags are a separate thing)."""

from datetime import datetime

from chalicelib.audit import service as audit
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.labels.models import Label
from chalicelib.labels.schemas import LabelCreate, LabelUpdate

LABEL_DELETED_JOB = "label_deleted"
MAX_LABELS = 500


def list_labels(*, principal: Principal, updated_since: datetime | None = None) -> list[Label]:
    """The org's labels, oldest first (bounded by MAX_LABELS); only those changed since `updated_since` if given."""
    changed = changed_since(Label, updated_since)
    return list(Label.query(f"ORG#{principal.org_id}", Label.SK.startswith(Label.SK_PREFIX), changed))


def get(*, principal: Principal, label_id: str) -> Label:
    """One of the org's labels, or 404."""
    label = Label.get_or_none(*Label.keys(principal.org_id, label_id)) if is_id(label_id, "lbl") else None
    if label is None:
        raise NotFound("Label not found.")
    return label


def require_references(*, org_id: str, label_ids: list[str], field: str = "label_ids") -> list[Label]:
    """Labels another resource refers to: each must exist in the org (else 400 naming the field)."""
    unique = list(dict.fromkeys(label_ids))
    if any(not is_id(label_id, "lbl") for label_id in unique):
        raise ValidationFailed.field(field, "contains an id that is not a label of this organization")
    found = list(Item.batch_get([Label.keys(org_id, label_id) for label_id in unique])) if unique else []
    if len(found) != len(unique):
        raise ValidationFailed.field(field, "contains an id that is not a label of this organization")
    return found


def create(*, principal: Principal, body: LabelCreate) -> Label:
    """A new label."""
    if len(list_labels(principal=principal)) >= MAX_LABELS:
        raise ValidationFailed(f"An organization can have at most {MAX_LABELS} labels.")
    now = utcnow()
    label_id = new_id("lbl")
    pk, sk = Label.keys(principal.org_id, label_id)
    label = Label(
        PK=pk,
        SK=sk,
        id=label_id,
        org_id=principal.org_id,
        name=body.name,
        color=body.color,
        created_at=now,
        updated_at=now,
    )

    def write(tx) -> None:
        tx.save(label, condition=Label.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="label",
            entity_id=label.id,
            changes=audit.diff({}, body.model_dump()),
        )

    transact(write)
    return label


def update(*, principal: Principal, label_id: str, changes: LabelUpdate) -> Label:
    """Rename or recolor a label."""
    label = get(principal=principal, label_id=label_id)
    fields = changes.model_dump(exclude_unset=True)
    for name in fields:
        if fields[name] is None:
            raise ValidationFailed.field(name, "cannot be null")
    changed = audit.diff({name: getattr(label, name) for name in fields}, fields)
    if not changed:
        return label

    def write(tx) -> None:
        tx.update(
            label,
            actions=[
                *(getattr(Label, name).set(value) for name, value in fields.items()),
                Label.updated_at.set(utcnow()),
            ],
            condition=Label.PK.exists(),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="label",
            entity_id=label.id,
            changes=changed,
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Label not found.") from error
    return get(principal=principal, label_id=label_id)


def delete(*, principal: Principal, label_id: str) -> None:
    """Delete a label; it is removed from every task that carries it (in the background)."""
    label = get(principal=principal, label_id=label_id)

    def write(tx) -> None:
        tx.delete(label, condition=Label.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="label",
            entity_id=label.id,
            changes={"name": {"from": label.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Label not found.") from error
    jobs.enqueue(LABEL_DELETED_JOB, {"org_id": principal.org_id, "label_id": label.id})
