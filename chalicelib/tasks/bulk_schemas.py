from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from chalicelib.core.schemas import RequestBody, ResponseModel
from chalicelib.tasks.schemas import TaskOut, TaskUpdate

MAX_BULK_TASKS = 100

TaskIds = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=100)]],
    Field(min_length=1, max_length=MAX_BULK_TASKS),
]


def _distinct(ids: list[str]) -> list[str]:
    if len(set(ids)) != len(ids):
        raise ValueError("must not name a task twice")
    return ids


class BulkTaskUpdate(RequestBody):
    ids: TaskIds
    changes: TaskUpdate

    _distinct_ids = field_validator("ids")(_distinct)

    @field_validator("changes")
    @classmethod
    def _not_empty(cls, changes: TaskUpdate) -> TaskUpdate:
        if not changes.model_fields_set:
            raise ValueError("must change at least one field")
        return changes


class BulkTaskDelete(RequestBody):
    ids: TaskIds

    _distinct_ids = field_validator("ids")(_distinct)


class BulkError(ResponseModel):
    code: str
    message: str
    details: list[dict] | None = None


class BulkTaskResult(ResponseModel):
    """One task's outcome: `status` is the HTTP status the single endpoint would have answered."""

    id: str
    status: int
    task: TaskOut | None = None
    error: BulkError | None = None


class BulkTaskResults(ResponseModel):
    results: list[BulkTaskResult]
    succeeded: int
    failed: int

    @classmethod
    def of(cls, outcomes: list) -> "BulkTaskResults":
        results = [
            BulkTaskResult(
                id=outcome.task_id,
                status=outcome.status,
                task=TaskOut.of(outcome.task) if outcome.task is not None else None,
                error=BulkError(code=outcome.error.code, message=outcome.error.message, details=outcome.error.details)
                if outcome.error is not None
                else None,
            )
            for outcome in outcomes
        ]
        failed = sum(1 for result in results if result.error is not None)
        return cls(results=results, succeeded=len(results) - failed, failed=failed)
