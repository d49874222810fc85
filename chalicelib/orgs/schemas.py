from typing import Annotated, Literal

from pydantic import StringConstraints, field_validator, model_validator

from chalicelib.core.schemas import RequestBody, ResponseModel, SyncParams, UtcDatetime
from chalicelib.core.validators import Cents, Currency, Email, Name, Timezone
from chalicelib.time_entries.rounding import RoundingRule

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$")]
InvitableRole = Literal["admin", "member"]


def _not_null(value):
    """Omit a field to keep it; an explicit null would otherwise be ignored silently."""
    if value is None:
        raise ValueError("may be omitted but not null")
    return value


class OrgSettings(RequestBody):
    timezone: Timezone | None = None
    currency: Currency | None = None
    week_start: Literal["monday", "sunday", "saturday"] | None = None
    # Billed for time no entry, project, client or member rate covers (time_entries.rates); null clears it.
    default_hourly_rate: Cents | None = None
    # How reports and invoices round tracked time (docs/rounding.md); a project's own rule overrides it.
    rounding: RoundingRule | None = None

    _present_fields_are_not_null = field_validator("timezone", "currency", "week_start", mode="before")(_not_null)


class OrgCreate(RequestBody):
    name: Name
    slug: Slug | None = None


class OrgUpdate(RequestBody):
    name: Name | None = None
    slug: Slug | None = None
    settings: OrgSettings | None = None

    _present_fields_are_not_null = field_validator("name", "slug", "settings", mode="before")(_not_null)


class OwnershipTransfer(RequestBody):
    user_id: str


class OrgSwitch(RequestBody):
    organization_id: str


class MemberInvite(RequestBody):
    email: Email
    role: InvitableRole = "member"
    name: Name | None = None


class MemberUpdate(RequestBody):
    """TRCR's role change, plus the member's billing and cost rates (cents per hour; null clears)."""

    role: InvitableRole | None = None
    hourly_rate: Cents | None = None
    cost_rate: Cents | None = None

    _role_is_not_null = field_validator("role", mode="before")(_not_null)

    @model_validator(mode="after")
    def _something_to_change(self) -> "MemberUpdate":
        if not self.model_fields_set:
            raise ValueError("provide at least one of role, hourly_rate, cost_rate")
        return self


class InvitationAccept(RequestBody):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    name: Name | None = None
    password: Annotated[str, StringConstraints(max_length=256)] | None = None


class MemberFilters(SyncParams):
    role: Literal["owner", "admin", "member"] | None = None
    search: Annotated[str, StringConstraints(max_length=200)] | None = None


DEFAULT_SETTINGS = {
    "timezone": "UTC",
    "currency": "USD",
    "week_start": "monday",
    "default_hourly_rate": None,
    "rounding": None,
}


class OrgOut(ResponseModel):
    id: str
    name: str
    slug: str
    owner_id: str
    settings: dict
    role: str | None = None
    logo_url: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, org, role: str | None = None) -> "OrgOut":
        return cls(
            id=org.id,
            name=org.name,
            slug=org.slug,
            owner_id=org.owner_id,
            settings={**DEFAULT_SETTINGS, **(org.settings or {})},
            role=role,
            logo_url=org.logo_url,
            created_at=org.created_at,
            updated_at=org.updated_at,
        )


class MemberOut(ResponseModel):
    id: str
    user_id: str
    email: str
    name: str | None
    role: str
    status: str
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, member, *, with_rates: bool = False) -> "MemberOut":
        """The member; their rates only for callers who may see them (admins)."""
        out = MemberWithRatesOut if with_rates else cls
        rates = {"hourly_rate": _cents(member.hourly_rate), "cost_rate": _cents(member.cost_rate)} if with_rates else {}
        return out(
            id=member.id,
            user_id=member.user_id,
            email=member.email,
            name=member.name,
            role=member.role,
            status=member.status,
            created_at=member.created_at,
            updated_at=member.updated_at,
            **rates,
        )


class MemberWithRatesOut(MemberOut):
    hourly_rate: int | None
    cost_rate: int | None


def _cents(value) -> int | None:
    return int(value) if value is not None else None
