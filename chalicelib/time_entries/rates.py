"""What an hour of tracked time is billed at and what it costs: the one place the rate levels are resolved.

Billable rate of an entry (integer cents per hour), the first level that has one wins:
entry `hourly_rate` → project `hourly_rate` → the project's client `hourly_rate` → the member's `hourly_rate`
→ the organization's `settings.default_hourly_rate`; none at all → no amount (0).
Cost rate of a user: the member's `cost_rate`, else none.
Amount of an entry: its seconds × rate / 3600, rounded half-up to the cent, per entry; non-billable → 0.

Build one `RateCard` per request or job (`rate_card(org_id=…)`) and ask it per entry: each project, client,
member and the org are read at most once, and only when a level above them is empty.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.clients import service as clients
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects

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


class RateCard:
    """One organization's rate levels, each read at most once. Entries must belong to this org."""

    def __init__(self, *, org_id: str, org=None, projects_by_id: dict | None = None) -> None:
        self.org_id = org_id
        self._org = org
        self._projects: dict = dict(projects_by_id or {})
        self._clients: dict = {}
        self._members: dict = {}
        self._all_members_loaded = False

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

    # --- the answers ---

    def rate(self, entry) -> int | None:
        """The billable rate of an entry in cents per hour, or None when no level sets one."""
        if entry.hourly_rate is not None:
            return int(entry.hourly_rate)
        project = self.project(entry.project_id)
        if project is not None and project.hourly_rate is not None:
            return int(project.hourly_rate)
        client = self.client_of(entry.project_id)
        if client is not None and client.hourly_rate is not None:
            return int(client.hourly_rate)
        member = self.member(entry.user_id)
        if member is not None and getattr(member, "hourly_rate", None) is not None:
            return int(member.hourly_rate)
        return _cents((self.org.settings or {}).get(DEFAULT_RATE_SETTING))

    def cost_rate(self, user_id: str) -> int | None:
        """What an hour of this user's time costs the org, in cents, or None when not set."""
        member = self.member(user_id)
        return _cents(getattr(member, "cost_rate", None)) if member is not None else None

    def amount(self, entry, *, now: datetime | None = None) -> int:
        """The billable amount of an entry in cents (0 when not billable or without a rate)."""
        if not entry.billable:
            return 0
        return amount(seconds(entry, now=now), self.rate(entry))

    def cost(self, entry, *, now: datetime | None = None) -> int:
        """What the entry's time cost the org in cents (0 without a cost rate)."""
        return amount(seconds(entry, now=now), self.cost_rate(entry.user_id))


def rate_card(*, org_id: str, org=None, known_projects: Iterable = ()) -> RateCard:
    """A RateCard for the org; pass what the caller already read (the org, projects) to skip reading it again."""
    return RateCard(org_id=org_id, org=org, projects_by_id={project.id: project for project in known_projects})
