"""Adding and removing one label of a task, as partial task updates (so the label index, the audit entry and
the version check stay in the tasks domain)."""

from pydantic import ValidationError

from chalicelib.core.auth import Principal
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.labels import service as labels
from chalicelib.task_labels.schemas import TaskLabelAdd
from chalicelib.tasks import service as tasks
from chalicelib.tasks.schemas import TaskUpdate


def add(*, principal: Principal, task_id: str, body: TaskLabelAdd):
    """Put a label of the org on a visible task; a label it already carries changes nothing."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    if body.label_id in task.label_ids:
        return task
    labels.require_references(org_id=principal.org_id, label_ids=[body.label_id], field="label_id")
    try:
        changes = TaskUpdate(label_ids=[*task.label_ids, body.label_id])
    except ValidationError as error:
        raise ValidationFailed.field("label_id", "the task already carries as many labels as it can") from error
    return tasks.update_if_unchanged(principal=principal, task=task, changes=changes)


def remove(*, principal: Principal, task_id: str, label_id: str) -> None:
    """Take a label off a visible task (404 if the task does not carry it)."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    if label_id not in task.label_ids:
        raise NotFound("This task does not carry that label.")
    changes = TaskUpdate(label_ids=[kept for kept in task.label_ids if kept != label_id])
    tasks.update_if_unchanged(principal=principal, task=task, changes=changes)
