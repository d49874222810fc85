"""Time reports: summary (TrackingTabs), timesheet and utilization (TRCR), from the entries in a range.
Money reports (TRCR, admins only): revenue and profitability, from issued invoices and payments in a range.

Entries are read with one Query per 1000 (by user, or org-wide for admins); members only ever see their own
time. Running entries count up to now. Amounts come from `time_entries.rates` (the one resolution of rate
levels: entry → project → client → member → org default, dated by the rate history; half-up to the cent per
entry). Time reports show raw and rounded time side by side (docs/rounding.md): rounding units are formed over
the entries the report reads, and billable amounts are those of the rounded time, as an invoice bills it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.core.auth import Principal
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.timeutil import to_rfc3339, utcnow
from chalicelib.invoices import service as invoices
from chalicelib.orgs import service as orgs
from chalicelib.payments import service as payments
from chalicelib.projects import service as projects
from chalicelib.reports.schemas import (
    ProfitabilityQuery,
    RevenueQuery,
    SummaryQuery,
    TimesheetQuery,
    UtilizationQuery,
)
from chalicelib.time_entries import rates, rounding
from chalicelib.time_entries import service as time_entries
from chalicelib.users import service as users

NO_GROUP = "none"
MAX_RANGE_DAYS = 366
_WEEK_STARTS = {"monday": 0, "sunday": 6, "saturday": 5}


# Entry attributes the time reports read: what rates, rounding and frozen billed figures need.
PRICED_FIELDS = (
    *time_entries.REPORT_FIELDS,
    "created_at",
    "invoice_id",
    "billed_rate",
    "billed_seconds",
    "billed_amount",
)


@dataclass
class Tally:
    """Raw seconds as tracked; rounded seconds by the rounding rules; amounts of the rounded (and raw) time."""

    seconds: int = 0
    billable_seconds: int = 0
    billable_amount: int = 0
    rounded_seconds: int = 0
    billable_rounded_seconds: int = 0
    unrounded_billable_amount: int = 0

    def add(self, priced: rates.Priced, billable: bool) -> None:
        self.seconds += priced.seconds
        self.rounded_seconds += priced.rounded_seconds
        if billable:
            self.billable_seconds += priced.seconds
            self.billable_rounded_seconds += priced.rounded_seconds
            self.billable_amount += priced.amount
            self.unrounded_billable_amount += priced.raw_amount

    def dump(self) -> dict:
        return {
            "seconds": self.seconds,
            "hours": round(self.seconds / 3600, 2),
            "billable_seconds": self.billable_seconds,
            "billable_amount": self.billable_amount,
            "rounded_seconds": self.rounded_seconds,
            "rounded_hours": round(self.rounded_seconds / 3600, 2),
            "billable_rounded_seconds": self.billable_rounded_seconds,
            "unrounded_billable_amount": self.unrounded_billable_amount,
        }


def _bounds(since, until) -> tuple[datetime, datetime]:
    start = since if isinstance(since, datetime) else datetime.combine(since, time.min, tzinfo=UTC)
    end = until if isinstance(until, datetime) else datetime.combine(until, time.min, tzinfo=UTC)
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationFailed.field("from", "timestamps need a timezone, e.g. 2026-03-01T00:00:00Z")
    if end <= start:
        raise ValidationFailed.field("to", "must be after from")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise ValidationFailed.field("to", f"the range may span at most {MAX_RANGE_DAYS} days")
    return start.astimezone(UTC), end.astimezone(UTC)


def _seconds(entry, now: datetime) -> int:
    return rates.seconds(entry, now=now)


amount = rates.amount  # kept for callers that imported it from here


class _Context:
    """Projects, clients and names the report needs, each read once; rates from one RateCard."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.projects = {project.id: project for project in projects.list_visible(principal=principal)}
        self.org = orgs.get_active(org_id=principal.org_id)
        self.rates = rates.rate_card(org_id=principal.org_id, org=self.org, known_projects=self.projects.values())
        if principal.is_admin:
            self.rates.load_members()  # org-wide reports: one Query instead of a read per person

    def client_of(self, project_id: str | None):
        return self.rates.client_of(project_id)

    def rate(self, entry) -> int | None:
        return self.rates.rate(entry)

    @property
    def currency(self) -> str:
        return (self.org.settings or {}).get("currency", "USD")

    @property
    def rounding(self) -> dict:
        """The org's rounding rule (projects may override it) and which projects in the report have their own."""
        org_rule = rounding.rule_of((self.org.settings or {}).get("rounding")) or rounding.NO_ROUNDING
        overrides = {
            project_id: rule.dump()
            for project_id, project in sorted(self.projects.items())
            if (rule := rounding.rule_of(getattr(project, "rounding", None))) is not None
        }
        return {**org_rule.dump(), "projects": overrides}

    @property
    def week_start(self) -> int:
        return _WEEK_STARTS[(self.org.settings or {}).get("week_start", "monday")]


def _period(moment: datetime, unit: str, week_start: int) -> str:
    day = moment.astimezone(UTC).date()
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        return (day - timedelta(days=(day.weekday() - week_start) % 7)).isoformat()
    return day.replace(day=1).isoformat()


def _keys(entry, group_by: str, context: _Context) -> list[str]:
    if group_by in ("day", "week", "month"):
        return [_period(entry.start, group_by, context.week_start)]
    if group_by == "user":
        return [entry.user_id]
    if group_by == "tag":
        return list(entry.tags or []) or [NO_GROUP]
    if group_by == "client":
        client = context.client_of(entry.project_id)
        return [client.id if client else NO_GROUP]
    return [entry.project_id or NO_GROUP]


def _labels(group_by: str, keys, context: _Context) -> dict[str, str]:
    if group_by == "project":
        return {key: context.projects[key].name for key in keys if key in context.projects}
    if group_by == "client":
        found = {key: context.rates.client(key) for key in keys if key != NO_GROUP}
        return {key: client.name for key, client in found.items() if client is not None}
    if group_by == "user":
        return users.names(user_ids={key for key in keys if key != NO_GROUP})
    return {key: key for key in keys}


def _through(until):
    """TRCR's timesheet and utilization: a date `to` is the last day counted (decision 73); instants stay exclusive."""
    return until if isinstance(until, datetime) else until + timedelta(days=1)


def _entries(principal: Principal, since, until, user_id: str | None = None, fields=PRICED_FIELDS):
    start, end = _bounds(since, until)
    entries = time_entries.entries_between(principal=principal, since=start, until=end, user_id=user_id, fields=fields)
    return start, end, entries


def summary(*, principal: Principal, query: SummaryQuery) -> dict:
    """Totals and a per-group breakdown of the time in the range (members: their own)."""
    context, now = _Context(principal), utcnow()
    start, end, entries = _entries(principal, query.since, query.until)
    counted: list[tuple[str, bool, list[str]]] = []  # (entry id, billable, its groups): not the entries

    def noted(entries):
        for entry in entries:
            if query.billable is None or entry.billable == query.billable:
                counted.append((entry.id, entry.billable, _keys(entry, query.group_by, context)))
            yield entry

    priced = context.rates.price(noted(entries), now=now)
    totals, groups = Tally(), defaultdict(Tally)
    for entry_id, billable, keys in counted:
        totals.add(priced[entry_id], billable)
        for key in keys:
            groups[key].add(priced[entry_id], billable)
    labels = _labels(query.group_by, groups, context)
    return {
        "from": to_rfc3339(start),
        "to": to_rfc3339(end),
        "group_by": query.group_by,
        "currency": context.currency,
        "rounding": context.rounding,
        "totals": totals.dump(),
        "groups": [
            {"key": key, "label": labels.get(key, key), **tally.dump()} for key, tally in sorted(groups.items())
        ],
    }


def timesheet(*, principal: Principal, query: TimesheetQuery) -> dict:
    """Hours per user per period (or per user / per project) in the range, filtered."""
    context, now = _Context(principal), utcnow()
    fields = (*PRICED_FIELDS, "description")
    start, end, entries = _entries(principal, query.since, _through(query.until), user_id=query.user_id, fields=fields)
    counted: list[tuple[str, bool, tuple[str, str]]] = []  # (entry id, billable, its row): not the entries

    def wanted(entry) -> bool:
        if query.project_id and entry.project_id != query.project_id:
            return False
        if query.client_id and getattr(context.client_of(entry.project_id), "id", None) != query.client_id:
            return False
        if query.description and query.description.lower() not in (entry.description or "").lower():
            return False
        return not (query.invoice_id and entry.invoice_id != query.invoice_id)

    def noted(entries):
        for entry in entries:
            if wanted(entry):
                key = _keys(entry, query.group_by, context)[0] if query.group_by != "user" else ""
                counted.append((entry.id, entry.billable, (entry.user_id, key)))
            yield entry

    priced = context.rates.price(noted(entries), now=now)
    rows: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for entry_id, billable, row in counted:
        rows[row].add(priced[entry_id], billable)
    names = users.names(user_ids={user_id for user_id, _ in rows})
    return {
        "from": to_rfc3339(start),
        "to": to_rfc3339(end),
        "group_by": query.group_by,
        "currency": context.currency,
        "rounding": context.rounding,
        "rows": [
            {"user_id": user_id, "user_name": names.get(user_id), "group": key or None, **tally.dump()}
            for (user_id, key), tally in sorted(rows.items())
        ],
    }


def _working_days(start: datetime, end: datetime) -> int:
    day, last, count = start.date(), (end - timedelta(microseconds=1)).date(), 0
    while day <= last:
        count += day.weekday() < 5
        day += timedelta(days=1)
    return count


def utilization(*, principal: Principal, query: UtilizationQuery) -> dict:
    """Tracked vs available hours per member; available = working days × target hours per day."""
    now = utcnow()
    fields = ("user_id", "start", "stop")
    start, end, entries = _entries(principal, query.since, _through(query.until), user_id=query.user_id, fields=fields)
    tracked: dict[str, int] = defaultdict(int)
    for entry in entries:
        tracked[entry.user_id] += _seconds(entry, now)
    if principal.is_admin and not query.user_id:
        member_ids = {member.user_id for member in orgs.active_members(org_id=principal.org_id)}
    else:
        member_ids = {query.user_id if principal.is_admin and query.user_id else principal.user_id}
    available_hours = _working_days(start, end) * query.target_hours
    names = users.names(user_ids=member_ids | set(tracked))
    rows = []
    for user_id in sorted(member_ids | set(tracked)):
        hours = tracked.get(user_id, 0) / 3600
        rows.append(
            {
                "user_id": user_id,
                "user_name": names.get(user_id),
                "tracked_hours": round(hours, 2),
                "available_hours": available_hours,
                "utilization_percent": round(100 * hours / available_hours, 1) if available_hours else None,
            }
        )
    return {"from": to_rfc3339(start), "to": to_rfc3339(end), "target_hours": query.target_hours, "rows": rows}


# --- money reports (decisions 70–72) ----------------------------------------------------------------------

ISSUED = ("sent", "paid", "overdue")  # invoiced; a draft was never sent and a void invoice was withdrawn
_MICROSECOND = timedelta(microseconds=1)


def _money_range(since, until) -> tuple[datetime, datetime]:
    """The time reports' range, except that a date `to` is the last day counted (TRCR: `to=2026-12-31`)."""
    if not isinstance(until, datetime):
        until = until + timedelta(days=1)
    return _bounds(since, until)


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """The first and last UTC days whose midnight falls in [start, end): an invoice counts on its issue date."""
    first = start.date() if start.time() == time.min else start.date() + timedelta(days=1)
    return first, (end - _MICROSECOND).date()


def _issued(org_id: str, start: datetime, end: datetime, client_id: str | None = None) -> list:
    first, last = _days(start, end)
    if first > last:
        return []
    found = invoices.invoices_between(org_id=org_id, since=first, until=last, client_id=client_id)
    return [invoice for invoice in found if invoice.status in ISSUED]


def _received(org_id: str, start: datetime, end: datetime, client_id: str | None = None) -> list:
    found = payments.payments_between(
        org_id=org_id, since=start.date(), until=(end - _MICROSECOND).date(), client_id=client_id
    )
    return [payment for payment in found if start <= payment.paid_at < end]


def _period_of(day: date, unit: str) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _periods(start: datetime, end: datetime, unit: str) -> list[str]:
    """Every period the range touches, in order, so empty ones show as zero."""
    month, last, keys = start.date().replace(day=1), (end - _MICROSECOND).date(), []
    while month <= last:
        key = _period_of(month, unit)
        if not keys or keys[-1] != key:
            keys.append(key)
        month = (month + timedelta(days=32)).replace(day=1)
    return keys


def _org_currency(org) -> str:
    return (org.settings or {}).get("currency") or "USD"


@dataclass
class Flow:
    invoiced: int = 0
    invoice_count: int = 0
    paid: int = 0
    payment_count: int = 0

    def dump(self) -> dict:
        return {
            "invoiced": self.invoiced,
            "paid": self.paid,
            "invoice_count": self.invoice_count,
            "payment_count": self.payment_count,
        }


def revenue(*, principal: Principal, query: RevenueQuery) -> dict:
    """Invoiced (issued invoices' totals, by issue date) and paid (payments, by date) per period, in one currency."""
    principal.require_admin()
    start, end = _money_range(query.since, query.until)
    currency = query.currency or _org_currency(orgs.get_active(org_id=principal.org_id))
    totals, periods, others = Flow(), {key: Flow() for key in _periods(start, end, query.group_by)}, set()
    for invoice in _issued(principal.org_id, start, end, query.client_id):
        if invoice.currency != currency:
            others.add(invoice.currency)
            continue
        for flow in (totals, periods[_period_of(date.fromisoformat(invoice.issue_date), query.group_by)]):
            flow.invoiced += int(invoice.total)
            flow.invoice_count += 1
    for payment in _received(principal.org_id, start, end, query.client_id):
        if payment.currency != currency:
            others.add(payment.currency)
            continue
        for flow in (totals, periods[_period_of(payment.paid_at.astimezone(UTC).date(), query.group_by)]):
            flow.paid += int(payment.amount)
            flow.payment_count += 1
    return {
        "from": to_rfc3339(start),
        "to": to_rfc3339(end),
        "group_by": query.group_by,
        "client_id": query.client_id,
        "currency": currency,
        "totals": totals.dump(),
        "periods": [{"period": key, **flow.dump()} for key, flow in periods.items()],
        "other_currencies": sorted(others),
    }


def _shares(total: int, weights: list[int]) -> list[int]:
    """`total` cents split in proportion to `weights`: whole cents adding up to `total`, largest remainders first."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _revenue_shares(invoice, group_by: str) -> list[tuple[str, int]]:
    """An invoice's revenue (after discount, before tax) by client, or by project through its lines."""
    net = int(invoice.subtotal) - int(invoice.discount_amount)
    if group_by == "client":
        return [(invoice.client_id, net)]
    if invoice.project_id:  # every line of a one-project invoice bills that project
        return [(invoice.project_id, net)]
    lines = invoices.lines_of(invoice)
    if not lines:
        return [(NO_GROUP, net)]
    shares = _shares(net, [int(line.amount) for line in lines])
    return [(line.project_id or NO_GROUP, share) for line, share in zip(lines, shares, strict=True)]


@dataclass
class Margin:
    revenue: int = 0
    cost: int = 0
    seconds: int = 0
    uncosted_seconds: int = 0

    def add_time(self, seconds: int, cost: int, costed: bool) -> None:
        self.seconds += seconds
        self.cost += cost
        if not costed:
            self.uncosted_seconds += seconds

    def dump(self) -> dict:
        margin = self.revenue - self.cost
        percent = None
        if self.revenue:
            percent = float((Decimal(100 * margin) / Decimal(self.revenue)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        return {
            "revenue": self.revenue,
            "cost": self.cost,
            "margin": margin,
            "margin_percent": percent,
            "seconds": self.seconds,
            "uncosted_seconds": self.uncosted_seconds,
        }


def profitability(*, principal: Principal, query: ProfitabilityQuery) -> dict:
    """Revenue of the invoices issued in the range vs the cost of the time tracked in it, per project or client."""
    principal.require_admin()
    start, end = _money_range(query.since, query.until)
    context, now = _Context(principal), utcnow()
    currency, totals, rows, others = _org_currency(context.org), Margin(), defaultdict(Margin), set()
    for invoice in _issued(principal.org_id, start, end):
        if invoice.currency != currency:
            others.add(invoice.currency)  # cost rates are in the org's currency; nothing is converted
            continue
        for key, cents in _revenue_shares(invoice, query.group_by):
            rows[key].revenue += cents
            totals.revenue += cents
    fields = ("id", "user_id", "project_id", "start", "stop", "created_at")
    for entry in time_entries.entries_between(principal=principal, since=start, until=end, fields=fields):
        seconds = _seconds(entry, now)
        cost, costed = context.rates.cost(entry, now=now), context.rates.cost_rate(entry.user_id, entry) is not None
        for tally in (totals, rows[_keys(entry, query.group_by, context)[0]]):
            tally.add_time(seconds, cost, costed)
    labels = _labels(query.group_by, rows, context)
    return {
        "from": to_rfc3339(start),
        "to": to_rfc3339(end),
        "group_by": query.group_by,
        "currency": currency,
        "totals": totals.dump(),
        "rows": [{"key": key, "label": labels.get(key, key), **row.dump()} for key, row in sorted(rows.items())],
        "other_currencies": sorted(others),
    }
