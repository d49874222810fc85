"""Bulk task changes and deletions: each task goes through the single endpoints' rules and transaction, and
answers for itself (decision 95). A body that is invalid as a whole is a 400 and nothing is written."""

from dataclasses import dataclass

from chalicelib.core.auth import Principal
from chalicelib.core.errors import AppError, Forbidden, NotFound
from chalicelib.statuses import service as statuses
from chalicelib.tasks import service as tasks
from chalicelib.tasks.bulk_schemas import BulkTaskDelete, BulkTaskUpdate
from chalicelib.tasks.models import Task

_MANAGE_REQUIRED = "Changing a task's status requires the manage_tasks permission on the project."


@dataclass
class Outcome:
    """What happened to one task of a bulk request."""

    task_id: str
    status: int
    task: Task | None = None
    error: AppError | None = None


def _attempt(task_id: str, success: int, action) -> Outcome:
    """Run `action()` for one task: its result, or the client error the single endpoint would have answered."""
    try:
        return Outcome(task_id, success, task=action())
    except AppError as error:
        if error.status >= 500:
            raise
        return Outcome(task_id, error.status, error=error)


def update_many(*, principal: Principal, body: BulkTaskUpdate) -> list[Outcome]:
    """Apply the same partial update to each task, as `PUT /tasks/{id}` would (a status change also needs
    manage_tasks, as `PUT /tasks/{id}/status`); one outcome per id, in the order given."""
    fields = body.changes.model_dump(exclude_unset=True)
    if fields.get("status"):  # an unknown status fails every task alike: refuse the request as a whole
        statuses.require(org_id=principal.org_id, code=fields["status"], field="changes.status")
    visible = tasks.get_many_visible(principal=principal, task_ids=set(body.ids))

    def change(task_id: str) -> Task:
        task = visible.get(task_id)
        if task is None:
            raise NotFound("Task not found.")
        if "status" in fields and not tasks.can_manage(principal=principal, task=task):
            raise Forbidden(_MANAGE_REQUIRED)
        return tasks.update_if_unchanged(principal=principal, task=task, changes=body.changes)

    return [_attempt(task_id, 200, lambda task_id=task_id: change(task_id)) for task_id in body.ids]


def delete_many(*, principal: Principal, body: BulkTaskDelete) -> list[Outcome]:
    """Delete each task as `DELETE /tasks/{id}` would (its reporter, or manage_tasks); one outcome per id."""
    return [
        _attempt(task_id, 204, lambda task_id=task_id: tasks.delete(principal=principal, task_id=task_id))
        for task_id in body.ids
    ]
