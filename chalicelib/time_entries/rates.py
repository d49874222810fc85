"""What an hour of tracked time is billed at and what it costs: the one place the rate levels are resolved.

Billable rate of an entry (integer cents per hour), the first level that has one wins:
entry `hourly_rate` → project `hourly_rate` → the project's client `hourly_rate` → the member's `hourly_rate`
→ the organization's `settings.default_hourly_rate`; none at all → no amount (0).
Cost rate of a user: the member's `cost_rate`, else none.
Amount of an entry: its seconds × rate / 3600, rounded half-up to the cent, per entry; non-billable → 0.

Rate history (docs/rates.md): a member, project or client with dated rate changes (chalicelib/rates) is priced
by the change in force on the entry's start date (UTC) — a `new_entries` change only for entries created after
it was made, an `unbilled_past` change for every entry from its date. A holder without changes is priced by its
`hourly_rate` field, as before. Billed entries are priced by what their invoice froze on them (billing.py).

Rounding (docs/rounding.md): `price(entries)` gives each entry its raw and rounded seconds and the amount of
the rounded time, by the project's rule or else the org's (time_entries.rounding).

Build one `RateCard` per request or job (`rate_card(org_id=…)`) and ask it per entry: each project, client,
member and the org are read at most once, and only when a level above them is empty; the org's rate history
is one Query, read the first time a rate is resolved.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.clients import service as clients
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects
from chalicelib.rates import service as rate_history
from chalicelib.time_entries import rounding

DEFAULT_RATE_SETTING = "default_hourly_rate"


def amount(seconds: int, rate_cents: int | None) -> int:
    """Cents for `seconds` at `rate_cents` per hour, rounded half-up."""
    if not rate_cents:
        return 0
    return int((Decimal(seconds) * Decimal(int(rate_cents)) / Decimal(3600)).quantize(Decimal(1), ROUND_HALF_UP))


def seconds(entry, *, now: datetime | None = None) -> int:
    """Whole seconds an entry covers; a running one counts up to `now`."""
    end = entry.stop or now or utcnow()
    return max(0, int((end - entry.start).total_seconds()))


def _cents(value) -> int | None:
    return int(value) if value is not None else None


@dataclass
class Priced:
    """What an entry counts for: raw and rounded seconds, and the billable amount of each (cents)."""

    rate: int | None
    seconds: int
    rounded_seconds: int
    amount: int  # the rounded time's amount: what an invoice bills (0 when not billable)
    raw_amount: int  # the raw time's amount, half-up per entry


def _is_frozen(entry) -> bool:
    """Billed with its figures frozen on it (billing.mark_billed): nothing re-prices or re-rounds it."""
    return bool(getattr(entry, "invoice_id", None)) and getattr(entry, "billed_seconds", None) is not None


def _day(entry) -> str:
    return entry.start.astimezone(UTC).date().isoformat()


class RateCard:
    """One organization's rate levels, each read at most once. Entries must belong to this org."""

    def __init__(self, *, org_id: str, org=None, projects_by_id: dict | None = None) -> None:
        self.org_id = org_id
        self._org = org
        self._projects: dict = dict(projects_by_id or {})
        self._clients: dict = {}
        self._members: dict = {}
        self._all_members_loaded = False
        self._history: dict | None = None

    # --- levels, read lazily ---

    def project(self, project_id: str | None):
        """The entry's project (or None), whoever may see it."""
        if not project_id:
            return None
        if project_id not in self._projects:
            self._projects[project_id] = projects.find(org_id=self.org_id, project_id=project_id)
        return self._projects[project_id]

    def client(self, client_id: str | None):
        """The org's client with this id (or None)."""
        if not client_id:
            return None
        if client_id not in self._clients:
            self._clients[client_id] = clients.find(org_id=self.org_id, client_id=client_id)
        return self._clients[client_id]

    def client_of(self, project_id: str | None):
        """The client of a project (or None)."""
        project = self.project(project_id)
        return self.client(project.client_id) if project is not None else None

    def member(self, user_id: str):
        """The user's active membership of the org (or None once they left)."""
        if user_id not in self._members and not self._all_members_loaded:
            self._members[user_id] = orgs.membership(org_id=self.org_id, user_id=user_id)
        return self._members.get(user_id)

    def load_members(self) -> None:
        """Read every active member at once (one Query), for cards that will meet many people."""
        self._members.update({member.user_id: member for member in orgs.active_members(org_id=self.org_id)})
        self._all_members_loaded = True

    @property
    def org(self):
        if self._org is None:
            self._org = orgs.get_active(org_id=self.org_id)
        return self._org

    @property
    def history(self) -> dict:
        """The org's dated rate changes by (holder_type, holder_id, field), each oldest first (one Query)."""
        if self._history is None:
            self._history = rate_history.changes_by_holder(org_id=self.org_id)
        return self._history

    def _level(self, holder_type: str, holder_id: str, field: str, current, entry) -> int | None:
        """A holder's rate for this entry: the dated change in force on its start date, else the current field."""
        changes = self.history.get((holder_type, holder_id, field)) if holder_id else None
        if not changes:
            return _cents(current)
        if entry is None:  # no entry to date: the rate in force today
            return _cents(rate_history.in_force(changes, day=utcnow().date().isoformat(), created_at=None))
        created = getattr(entry, "created_at", None)
        return _cents(rate_history.in_force(changes, day=_day(entry), created_at=created))

    # --- the answers ---

    def rate(self, entry) -> int | None:
        """The billable rate of an entry in cents per hour, or None when no level sets one."""
        if _is_frozen(entry):
            return _cents(getattr(entry, "billed_rate", None))
        if entry.hourly_rate is not None:
            return int(entry.hourly_rate)
        project = self.project(entry.project_id)
        if project is not None:
            found = self._level("project", project.id, "hourly_rate", project.hourly_rate, entry)
            if found is not None:
                return found
        client = self.client_of(entry.project_id)
        if client is not None:
            found = self._level("client", client.id, "hourly_rate", client.hourly_rate, entry)
            if found is not None:
                return found
        member = self.member(entry.user_id)
        current = getattr(member, "hourly_rate", None) if member is not None else None
        found = self._level("member", entry.user_id, "hourly_rate", current, entry)
        if found is not None:
            return found
        return _cents((self.org.settings or {}).get(DEFAULT_RATE_SETTING))

    def cost_rate(self, user_id: str, entry=None) -> int | None:
        """What an hour of this user's time costs the org (on the entry's date when given), or None when not set."""
        member = self.member(user_id)
        current = getattr(member, "cost_rate", None) if member is not None else None
        return self._level("member", user_id, "cost_rate", current, entry)

    def amount(self, entry, *, now: datetime | None = None) -> int:
        """The billable amount of an entry in cents, unrounded (0 when not billable or without a rate)."""
        if not entry.billable:
            return 0
        return amount(seconds(entry, now=now), self.rate(entry))

    def cost(self, entry, *, now: datetime | None = None) -> int:
        """What the entry's time cost the org in cents (0 without a cost rate); time is costed unrounded."""
        return amount(seconds(entry, now=now), self.cost_rate(entry.user_id, entry))

    def rounding(self, project_id: str | None) -> rounding.Rule:
        """The rounding rule of a project's time: the project's own, else the org's, else none."""
        project = self.project(project_id)
        return rounding.effective(
            project_rule=getattr(project, "rounding", None) if project is not None else None,
            org_rule=(self.org.settings or {}).get("rounding"),
        )

    def price(self, entries: Iterable, *, now: datetime | None = None) -> dict[str, Priced]:
        """Each entry's raw and rounded seconds and amounts, by id (rounding units are formed over `entries`).

        Units: each entry (level `entry`, or no rounding); a user's time on a project in one UTC day at one rate
        (level `day`); a project's time at one rate (level `project`). A unit's rounded seconds and the amount of
        its rounded time are shared back over its entries in proportion to their raw seconds.
        """
        now = now or utcnow()
        priced: dict[str, Priced] = {}
        units: dict[tuple, list] = defaultdict(list)
        for entry in entries:
            raw = seconds(entry, now=now)
            if _is_frozen(entry):
                rate = _cents(getattr(entry, "billed_rate", None))
                frozen = int(entry.billed_seconds), int(getattr(entry, "billed_amount", 0) or 0)
                priced[entry.id] = Priced(rate, raw, frozen[0], frozen[1], amount(raw, rate))
                continue
            rate = self.rate(entry)
            rule = self.rounding(entry.project_id)
            billable = bool(entry.billable)
            if not rule.rounds or rule.level == "entry":
                key = ("entry", entry.id)
            elif rule.level == "day":
                key = ("day", entry.user_id, entry.project_id, _day(entry), rate, billable)
            else:
                key = ("project", entry.project_id, rate, billable)
            if key[0] == "entry":  # priced at once: nothing is held for the common case
                rounded = rule.apply(raw)
                cents = amount(rounded, rate) if billable else 0
                priced[entry.id] = Priced(rate, raw, rounded, cents, amount(raw, rate) if billable else 0)
                continue
            units[key].append((entry.id, raw, rate, rule, billable))
        for members in units.values():
            _, _, rate, rule, billable = members[0]
            raws = [raw for _, raw, _, _, _ in members]
            rounded_total = rule.apply(sum(raws))
            amount_total = amount(rounded_total, rate) if billable else 0
            second_shares = rounding.shares(rounded_total, raws)
            amount_shares = rounding.shares(amount_total, raws)
            for (entry_id, raw, _, _, _), share, cents in zip(members, second_shares, amount_shares, strict=True):
                priced[entry_id] = Priced(rate, raw, share, cents, amount(raw, rate) if billable else 0)
        return priced


def rate_card(*, org_id: str, org=None, known_projects: Iterable = ()) -> RateCard:
    """A RateCard for the org; pass what the caller already read (the org, projects) to skip reading it again."""
    return RateCard(org_id=org_id, org=org, projects_by_id={project.id: project for project in known_projects})
