"""Deletions since a sync point: the tombstones core.sync writes with every deletion, as the caller may see them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.core import sync
from chalicelib.core.auth import Principal
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.timeutil import utcnow
from chalicelib.projects import service as projects
from chalicelib.sync.schemas import DeletionFilters

# Writes in flight when a sync starts (a transaction between stamping `updated_at` and committing, a GSI not yet
# caught up) may carry an earlier instant: the next sync starts this much before this one did, so none is missed.
SAFETY_OVERLAP = timedelta(seconds=60)
# Types only admins list (members get a 403 on the list): members see none of their deletions.
ADMINS_ONLY = {"invoice", "payment"}
# Types addressed to the caller rather than to the org: organizations they lost (deleted, or removed from).
USER_TYPES = {"organization"}


@dataclass
class DeletionsPage:
    items: list[sync.Tombstone]
    next_cursor: str | None
    next_since: datetime


def deletions(*, principal: Principal, query: DeletionFilters) -> DeletionsPage:
    """Deletions of one type at or after `since`, oldest first, that the caller could have seen."""
    now = utcnow()
    sync.check_since(query.since, field="since", now=now)
    if query.type in USER_TYPES:  # addressed to the caller, across orgs: nothing to hide
        partition, keep = sync.Tombstone.user_partition(principal.user_id, query.type), None
    elif principal.is_admin:
        partition, keep = sync.Tombstone.partition(principal.org_id, query.type), None
    elif query.type in ADMINS_ONLY:
        return DeletionsPage([], None, now - SAFETY_OVERLAP)
    else:
        partition, keep = sync.Tombstone.partition(principal.org_id, query.type), _member_filter(principal)
    scope = f"deletions:{partition}"  # a cursor resumes only the partition it came from
    start = decode_cursor(query.cursor, scope=scope) if query.cursor else None
    found, last_key = sync.deleted_since(
        partition=partition,
        since=query.since,
        limit=query.per_page,
        cursor_key=start,
        keep=keep or (lambda tombstone: True),
        now=now,
    )
    next_cursor = encode_cursor(last_key, scope=scope) if last_key else None
    return DeletionsPage(found, next_cursor, now - SAFETY_OVERLAP)


def _member_filter(principal: Principal):
    """A member sees deletions of their own per-user items and of items in projects they may see."""
    hidden = set(projects.hidden_project_ids(principal=principal))

    def keep(tombstone: sync.Tombstone) -> bool:
        if tombstone.owner_id and tombstone.owner_id != principal.user_id:
            return False
        return tombstone.project_id not in hidden

    return keep
