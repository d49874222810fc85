from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import Cents, Currency, HexColor
from chalicelib.time_entries.rounding import RoundingRule, rule_of

ProjectName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=10_000)]
Emoji = Annotated[str, StringConstraints(min_length=1, max_length=16)]

DEFAULT_ALERT_THRESHOLDS = [80, 100]
MAX_ALERT_THRESHOLDS = 10
BudgetType = Literal["hours", "money"]
# Seconds for an hours budget, integer cents for a money budget; strict bodies refuse floats (400).
BudgetAmount = Annotated[int, Field(ge=1, le=10_000_000_000_000)]


def _distinct(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a threshold")
    return sorted(values)


AlertThresholds = Annotated[
    list[Annotated[int, Field(ge=1, le=200)]],
    Field(max_length=MAX_ALERT_THRESHOLDS),
    AfterValidator(_distinct),
]


class ProjectCreate(RequestBody):
    """A new project; the order of start_date and end_date is checked by the service (documented message)."""

    name: ProjectName
    description: Description | None = None
    client_id: str | None = None
    color: HexColor | None = None
    emoji: Emoji | None = None
    billable: bool = True
    hourly_rate: Cents | None = None
    currency: Currency | None = None
    rounding: RoundingRule | None = None  # docs/rounding.md; unset or null: the org's rule
    start_date: date | None = None
    end_date: date | None = None
    budget_type: BudgetType | None = None
    budget_amount: BudgetAmount | None = None
    budget_alert_thresholds: AlertThresholds | None = None


class ProjectUpdate(RequestBody):
    name: ProjectName | None = None
    description: Description | None = None
    status: Literal["active", "archived"] | None = None
    client_id: str | None = None
    color: HexColor | None = None
    emoji: Emoji | None = None
    billable: bool | None = None
    hourly_rate: Cents | None = None
    currency: Currency | None = None
    rounding: RoundingRule | None = None
    start_date: date | None = None
    end_date: date | None = None
    budget_type: BudgetType | None = None
    budget_amount: BudgetAmount | None = None
    budget_alert_thresholds: AlertThresholds | None = None


class ProjectFilters(CursorPageParams, SyncParams):
    status: Literal["active", "archived"] | None = None
    archived: bool | None = None
    client_id: str | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None


class ProjectMemberAdd(RequestBody):
    user_id: str
    role: Literal["manager", "member"] = "member"


class BudgetProgress(ResponseModel):
    """How much of a budget is used: seconds (hours budget) or cents (money budget)."""

    unit: Literal["seconds", "cents"]
    used: int
    remaining: int  # negative once over budget
    percent: float  # of the budget amount, one decimal

    @classmethod
    def of(cls, project) -> "BudgetProgress | None":
        if project.budget_type is None or not project.budget_amount:
            return None
        amount = int(project.budget_amount)
        if project.budget_type == "money":
            unit, used = "cents", int(project.used_cents or 0)
        else:
            unit, used = "seconds", int(project.used_seconds or 0)
        return cls(unit=unit, used=used, remaining=amount - used, percent=round(used * 100 / amount, 1))


class ProjectOut(ResponseModel):
    id: str
    name: str
    description: str | None
    client_id: str | None
    color: str | None
    emoji: str | None
    billable: bool
    hourly_rate: int | None
    currency: str | None
    rounding: dict | None  # the project's own rounding rule; null: the org's applies
    status: str
    archived: bool
    start_date: str | None
    end_date: str | None
    restricted: bool
    budget_type: BudgetType | None
    budget_amount: int | None
    budget_alert_thresholds: list[int]
    budget_progress: BudgetProgress | None
    created_by: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, project) -> "ProjectOut":
        return cls(
            id=project.id,
            name=project.name,
            description=project.description,
            client_id=project.client_id,
            color=project.color,
            emoji=project.emoji,
            billable=project.billable,
            hourly_rate=int(project.hourly_rate) if project.hourly_rate is not None else None,
            currency=project.currency,
            rounding=rule.dump() if (rule := rule_of(project.rounding)) is not None else None,
            status=project.status,
            archived=project.status == "archived",
            start_date=project.start_date,
            end_date=project.end_date,
            restricted=project.member_count > 0,
            budget_type=project.budget_type,
            budget_amount=int(project.budget_amount) if project.budget_amount is not None else None,
            budget_alert_thresholds=alert_thresholds(project),
            budget_progress=BudgetProgress.of(project),
            created_by=project.created_by,
            created_at=project.created_at,
            updated_at=project.updated_at,
        )


def alert_thresholds(project) -> list[int]:
    """The project's budget alert thresholds in percent, ascending (the defaults when never set)."""
    stored = project.budget_alert_thresholds
    return sorted(int(value) for value in stored) if stored is not None else list(DEFAULT_ALERT_THRESHOLDS)


class ProjectMemberOut(ResponseModel):
    project_id: str
    user_id: str
    role: str
    created_at: UtcDatetime

    @classmethod
    def of(cls, member) -> "ProjectMemberOut":
        return cls(project_id=member.project_id, user_id=member.user_id, role=member.role, created_at=member.created_at)
