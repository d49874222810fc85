"""Task checklists: rows with a title, a completed flag and a position; managers add and remove them,
anyone who can see the task ticks them off."""

from chalicelib.audit import service as audit
from chalicelib.checklists.models import ChecklistItem
from chalicelib.checklists.schemas import ChecklistFilters, ChecklistItemCreate
from chalicelib.core import jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.tasks import service as tasks


def list_items(*, principal: Principal, task_id: str, filters: ChecklistFilters) -> Page:
    """A visible task's checklist, ordered by position."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    partition = ChecklistItem.task_partition(principal.org_id, task.id)
    return query_page(
        ChecklistItem,
        partition,
        index=ChecklistItem.gsi1,
        filter_condition=changed_since(ChecklistItem, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:checklist:{task.id}",
    )


def _get(principal: Principal, item_id: str) -> tuple:
    """An item of a task the caller can see, with that task; otherwise 404."""
    pk, sk = ChecklistItem.keys(principal.org_id, item_id)
    item = ChecklistItem.get_or_none(pk, sk, consistent=True) if is_id(item_id, "chk") else None
    if item is None:
        raise NotFound("Checklist item not found.")
    try:
        return item, tasks.get_visible(principal=principal, task_id=item.task_id)
    except NotFound as error:
        raise NotFound("Checklist item not found.") from error


def _next_position(org_id: str, task_id: str) -> int:
    partition = ChecklistItem.task_partition(org_id, task_id)
    last = next(iter(ChecklistItem.gsi1.query(partition, scan_index_forward=False, limit=1)), None)
    return int(last.position) + 1 if last else 0


def create(*, principal: Principal, task_id: str, body: ChecklistItemCreate) -> ChecklistItem:
    """Append an item to a task's checklist (manage_tasks)."""
    task = tasks.get_manageable(principal=principal, task_id=task_id)
    item_id, now = new_id("chk"), utcnow()
    pk, sk = ChecklistItem.keys(principal.org_id, item_id)
    item = ChecklistItem(
        PK=pk,
        SK=sk,
        id=item_id,
        org_id=principal.org_id,
        task_id=task.id,
        title=body.title,
        completed=False,
        position=_next_position(principal.org_id, task.id),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    item.index()

    def write(tx) -> None:
        tx.save(item, condition=ChecklistItem.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="checklist_item",
            entity_id=item.id,
            changes=audit.diff({}, {"task_id": task.id, "title": item.title, "position": item.position}),
        )

    transact(write)
    return item


def toggle(*, principal: Principal, item_id: str) -> ChecklistItem:
    """Flip an item between completed and not completed (any member who can see the task)."""
    item, _task = _get(principal, item_id)
    was, now = bool(item.completed), utcnow()
    item.completed, item.updated_at = not was, now
    item.completed_at, item.completed_by = (now, principal.user_id) if item.completed else (None, None)
    completion = (
        [ChecklistItem.completed_at.set(now), ChecklistItem.completed_by.set(principal.user_id)]
        if item.completed
        else [ChecklistItem.completed_at.remove(), ChecklistItem.completed_by.remove()]
    )

    def write(tx) -> None:
        tx.update(
            item,
            actions=[ChecklistItem.completed.set(item.completed), ChecklistItem.updated_at.set(now), *completion],
            condition=ChecklistItem.PK.exists() & (ChecklistItem.completed == was),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="checklist_item",
            entity_id=item.id,
            changes={"completed": {"from": was, "to": item.completed}},
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        if ChecklistItem.get_or_none(*ChecklistItem.keys(principal.org_id, item_id), consistent=True) is None:
            raise NotFound("Checklist item not found.") from error
        raise Conflict("The checklist item was changed by someone else; reload and retry.") from error
    return item


def delete(*, principal: Principal, item_id: str) -> None:
    """Remove an item from its task's checklist (manage_tasks)."""
    item, task = _get(principal, item_id)
    tasks.require_manage(principal=principal, task=task)

    def write(tx) -> None:
        tx.delete(item, condition=ChecklistItem.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="checklist_item",
            entity_id=item.id,
            changes={"title": {"from": item.title, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Checklist item not found.") from error


@jobs.job(tasks.TASK_DELETED_JOB)
def _delete_task_checklist(payload: dict) -> None:
    partition = ChecklistItem.task_partition(payload["org_id"], payload["task_id"])
    with Item.batch_write() as batch:
        for item in ChecklistItem.gsi1.query(partition):
            batch.delete(item)
