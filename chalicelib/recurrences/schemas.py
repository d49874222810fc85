from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from chalicelib.core.schemas import RequestBody, ResponseModel, UtcDatetime

KEYWORDS = ("daily", "weekly", "monthly")
PATTERN_RULE = "must be daily, weekly, monthly or a 5-field cron expression (minute hour day month weekday, UTC)"


def _pattern(value: str) -> str:
    """A keyword in lower case, or a cron expression with single spaces that fires at least once."""
    if value.lower() in KEYWORDS:
        return value.lower()
    fields = value.split()
    from croniter import CroniterBadDateError, croniter  # imported on first use: keeps cold starts lean

    expression = " ".join(fields)
    if len(fields) != 5 or not croniter.is_valid(expression):
        raise ValueError(PATTERN_RULE)
    try:
        croniter(expression, datetime.now(UTC)).get_next(datetime)
    except CroniterBadDateError as error:
        raise ValueError("is a cron expression that never fires") from error
    return expression


Pattern = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_pattern)
]


class RecurrenceCreate(RequestBody):
    recurrence_pattern: Pattern


class RecurrenceUpdate(RequestBody):
    recurrence_pattern: Pattern | None = None


class RecurrenceOut(ResponseModel):
    id: str
    task_id: str
    recurrence_pattern: str
    next_run_at: UtcDatetime
    next_due_date: str
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, rule) -> "RecurrenceOut":
        return cls(
            id=rule.id,
            task_id=rule.task_id,
            recurrence_pattern=rule.pattern,
            next_run_at=rule.next_run_at,
            next_due_date=rule.next_run_at.date().isoformat(),
            created_by=rule.created_by,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )
