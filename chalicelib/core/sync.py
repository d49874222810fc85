"""Incremental sync: `updated_since` on lists, and tombstones that tell a client what was deleted.

A model opts in with `syncable(Model, "task", project="project_id")`. From then on every deletion of one of
its items — `tx.delete` in a transaction, `item.delete()`, `batch.delete` — also writes a `Tombstone`
{id, type, deleted_at} in the same write (core.db's deletion hook), so no domain can forget one. Tombstones
are kept `RETENTION` (DynamoDB TTL, and never returned once older: a `since` before the retention window is
refused with 410 `resync_required`). Keys: `ORG#<org>#DELETED#<type>` / `<deleted_at>#<id>`, so "what of this
type was deleted since T" is one Query with a key condition (no Scan, no GSI). See docs/sync.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core import db
from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.errors import AppError
from chalicelib.core.timeutil import epoch_seconds, to_rfc3339, to_sortable, utcnow

RETENTION = timedelta(days=30)


class ResyncRequired(AppError):
    """The client's last sync is older than the deletions Stint keeps: only a full list can converge."""

    status = 410
    code = "resync_required"
    default_message = "This sync point is older than the deletions kept; list without it to resync."


class Tombstone(Item, discriminator="TOMBSTONE"):
    """That an item of a syncable type was deleted: its id, type and when, plus who may see it."""

    id = UnicodeAttribute()
    type = UnicodeAttribute()
    org_id = UnicodeAttribute()
    deleted_at = TimestampAttribute()
    project_id = UnicodeAttribute(null=True)  # the project the item belonged to (visibility)
    owner_id = UnicodeAttribute(null=True)  # the user whose item it was, for per-user resources
    expires_at = NumberAttribute()  # TTL (core.db.TTL_ATTRIBUTE); expiry is also checked in code

    @staticmethod
    def partition(org_id: str, entity_type: str) -> str:
        return f"ORG#{org_id}#DELETED#{entity_type}"

    @staticmethod
    def user_partition(user_id: str, entity_type: str) -> str:
        """Tombstones addressed to one user across orgs: organizations they lost (see `lost_organization`)."""
        return f"USER#{user_id}#DELETED#{entity_type}"

    @classmethod
    def keys(cls, org_id: str, entity_type: str, deleted_at: datetime, entity_id: str) -> tuple[str, str]:
        return cls.partition(org_id, entity_type), f"{to_sortable(deleted_at)}#{entity_id}"


@dataclass(frozen=True)
class Syncable:
    type: str
    id_attribute: str
    project: str | None  # attribute holding the item's project id
    owner: str | None  # attribute holding the id of the user the item belongs to
    admins_only: bool
    leaves_org: str | None  # attribute naming a user who loses the org when the item goes (a membership)


_SYNCABLE: dict[type, Syncable] = {}


def syncable(
    model: type[Item],
    entity_type: str,
    *,
    id_attribute: str = "id",
    project: str | None = None,
    owner: str | None = None,
    admins_only: bool = False,
    leaves_org: str | None = None,
) -> None:
    """Declare that deleting an item of `model` leaves a tombstone of `entity_type` (and, with `leaves_org`,
    an `organization` tombstone for the user that attribute names)."""
    _SYNCABLE[model] = Syncable(entity_type, id_attribute, project, owner, admins_only, leaves_org)


def syncable_types() -> dict[str, Syncable]:
    """Every registered type by name (the models a process has imported)."""
    return {spec.type: spec for spec in _SYNCABLE.values()}


def _org_of(item: Item) -> str | None:
    org_id = getattr(item, "org_id", None)
    if org_id:
        return org_id
    pk = item.PK or ""
    return pk.split("#")[1] if pk.startswith("ORG#") else None


def tombstone_for(item: Item, *, now: datetime | None = None) -> Tombstone | None:
    """The tombstone that deleting `item` leaves, or None (not syncable, or an instance without its id)."""
    spec = _SYNCABLE.get(type(item))
    if spec is None:
        return None
    entity_id, org_id = getattr(item, spec.id_attribute, None), _org_of(item)
    if not entity_id or not org_id:
        return None  # an instance built from keys alone: nothing to tell clients by
    deleted_at = now or utcnow()
    pk, sk = Tombstone.keys(org_id, spec.type, deleted_at, entity_id)
    return Tombstone(
        pk,
        sk,
        id=entity_id,
        type=spec.type,
        org_id=org_id,
        deleted_at=deleted_at,
        project_id=getattr(item, spec.project, None) if spec.project else None,
        owner_id=getattr(item, spec.owner, None) if spec.owner else None,
        expires_at=epoch_seconds(deleted_at + RETENTION),
    )


def lost_organization(*, user_id: str, org_id: str, now: datetime | None = None) -> Tombstone:
    """The tombstone telling a user's clients that an org is gone for them (deleted, or they were removed)."""
    deleted_at = now or utcnow()
    pk = Tombstone.user_partition(user_id, "organization")
    return Tombstone(
        pk,
        f"{to_sortable(deleted_at)}#{org_id}",
        id=org_id,
        type="organization",
        org_id=org_id,
        deleted_at=deleted_at,
        owner_id=user_id,
        expires_at=epoch_seconds(deleted_at + RETENTION),
    )


def tombstones_for(item: Item) -> list[Tombstone]:
    """Everything deleting `item` leaves for syncing clients."""
    tombstone = tombstone_for(item)
    if tombstone is None:
        return []
    spec = _SYNCABLE[type(item)]
    user_id = getattr(item, spec.leaves_org, None) if spec.leaves_org else None
    if user_id:
        return [tombstone, lost_organization(user_id=user_id, org_id=tombstone.org_id, now=tombstone.deleted_at)]
    return [tombstone]


db.on_delete(tombstones_for)


def check_since(since: datetime | None, *, field: str = "updated_since", now: datetime | None = None) -> None:
    """Refuse (410) a sync point older than the tombstones kept: deletions before it may be lost."""
    if since is None:
        return
    oldest = (now or utcnow()) - RETENTION
    if since < oldest:
        raise ResyncRequired(
            f"{field}: is older than {to_rfc3339(oldest)} (deletions are kept {RETENTION.days} days); "
            f"list without {field} to resync",
            details=[{"field": field, "message": f"is older than the {RETENTION.days} days deletions are kept"}],
        )


def changed_since(model: type[Item], since: datetime | None):
    """A filter for items updated at or after `since` (None when there is no sync point)."""
    return model.updated_at >= since if since is not None else None


def deleted_since(
    *,
    partition: str,
    since: datetime,
    limit: int,
    cursor_key: dict | None = None,
    keep: Callable[[Tombstone], bool] = lambda tombstone: True,
    now: datetime | None = None,
) -> tuple[list[Tombstone], dict | None]:
    """Tombstones of a type deleted at or after `since`, oldest first, that `keep` lets through.

    Returns the page and the key to resume from (None at the end). Reads at most a few pages of `limit`
    tombstones, so a caller that may see few of them gets a short page and a cursor, never a long read.
    """
    now = now or utcnow()
    condition = Tombstone.SK >= to_sortable(since)  # noqa: SIM300 (a PynamoDB condition)
    results = Tombstone.query(
        partition,
        condition,
        Tombstone.expires_at > epoch_seconds(now),
        last_evaluated_key=cursor_key,
        page_size=limit,
    ).page_iter
    found: list[Tombstone] = []
    for page_number, page in enumerate(results):
        raw_items = page.get("Items", [])
        for position, raw in enumerate(raw_items):
            tombstone = Tombstone.from_raw_data(raw)
            if not keep(tombstone):
                continue
            found.append(tombstone)
            if len(found) == limit:
                more = position + 1 < len(raw_items)
                return found, ({k: raw[k] for k in ("PK", "SK")} if more else results.last_evaluated_key)
        if page_number >= 4:  # a bounded read: the rest comes with the cursor
            break
    return found, results.last_evaluated_key
