"""Which rate bills an hour: entry → project → client → member → org default (time_entries.rates)."""

import pytest

from chalicelib.time_entries import rates
from tests.api.tasks.helpers import project
from tests.support import factories

RANGE = "from=2026-05-01&to=2026-06-01"
HOUR = {"start": "2026-05-04T09:00:00Z", "stop": "2026-05-04T10:00:00Z"}


@pytest.fixture
def owner(api):
    return factories.register(api)


@pytest.fixture
def member(api, owner):
    return factories.join(api, owner)


def _client(account, **fields) -> str:
    response = account.api.post("/api/v1/clients", json={"name": "Acme", **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _member_rate(owner, account, **rates_) -> None:
    response = owner.api.put(f"/api/v1/members/{account.member_id}", json=rates_)
    assert response.status_code == 200, response.json_body


def _default_rate(owner, cents: int | None) -> None:
    body = {"settings": {"default_hourly_rate": cents}}
    assert owner.api.put(f"/api/v1/organizations/{owner.org_id}", json=body).status_code == 200


def _billed_hour(account, **fields) -> int:
    """Track one billable hour with `fields` and read what the summary bills for it."""
    response = account.api.post("/api/v1/entries", json={**HOUR, **fields})
    assert response.status_code == 201, response.json_body
    return account.api.get(f"/api/v1/reports/summary?{RANGE}").json_body["totals"]["billable_amount"]


def test_the_entrys_own_rate_wins_over_every_other_level(owner, member):
    # GIVEN rates at every level below the entry
    client = _client(owner, hourly_rate=20000)
    prj = project(owner, hourly_rate=15000, client_id=client)
    _member_rate(owner, member, hourly_rate=12000)
    _default_rate(owner, 9000)
    # WHEN the member tracks an hour with its own rate
    # THEN that rate bills it
    assert _billed_hour(member, project_id=prj, hourly_rate=7000) == 7000


def test_the_project_rate_wins_over_client_member_and_default(owner, member):
    client = _client(owner, hourly_rate=20000)
    prj = project(owner, hourly_rate=15000, client_id=client)
    _member_rate(owner, member, hourly_rate=12000)
    _default_rate(owner, 9000)
    assert _billed_hour(member, project_id=prj) == 15000


def test_the_client_rate_applies_when_the_project_has_none(owner, member):
    client = _client(owner, hourly_rate=20000)
    prj = project(owner, client_id=client)
    _member_rate(owner, member, hourly_rate=12000)
    _default_rate(owner, 9000)
    assert _billed_hour(member, project_id=prj) == 20000


def test_the_member_rate_applies_when_project_and_client_have_none(owner, member):
    prj = project(owner, client_id=_client(owner))
    _member_rate(owner, member, hourly_rate=12000)
    _default_rate(owner, 9000)
    assert _billed_hour(member, project_id=prj) == 12000


def test_the_member_rate_applies_to_time_without_a_project(owner, member):
    _member_rate(owner, member, hourly_rate=12000)
    assert _billed_hour(member) == 12000


def test_the_org_default_applies_when_nothing_else_sets_a_rate(owner, member):
    _default_rate(owner, 9000)
    assert _billed_hour(member, project_id=project(owner)) == 9000


def test_without_any_rate_billable_time_bills_nothing(owner):
    assert _billed_hour(owner) == 0


def test_a_zero_project_rate_is_a_rate_and_stops_the_fallback(owner, member):
    # GIVEN pro-bono work on a project billed at 0 and a member rate
    _member_rate(owner, member, hourly_rate=12000)
    # THEN the hour bills 0, not the member's rate
    assert _billed_hour(member, project_id=project(owner, hourly_rate=0)) == 0


def test_a_changed_member_rate_reprices_unbilled_time_in_reports(owner, member):
    # GIVEN an hour tracked at the member's rate
    _member_rate(owner, member, hourly_rate=10000)
    assert _billed_hour(member) == 10000
    # WHEN the member's rate changes
    _member_rate(owner, member, hourly_rate=11000)
    # THEN the report uses the new one (rates are resolved when read; invoices freeze them on their lines)
    assert member.api.get(f"/api/v1/reports/summary?{RANGE}").json_body["totals"]["billable_amount"] == 11000


def test_the_rate_card_gives_a_members_cost_rate_and_amounts(owner, member):
    # GIVEN a member billed at $120/h who costs $50/h
    _member_rate(owner, member, hourly_rate=12000, cost_rate=5000)
    entry = member.api.post("/api/v1/entries", json={**HOUR, "stop": "2026-05-04T09:30:00Z"}).json_body
    # WHEN another domain (invoices, profitability) asks the rate card
    card = rates.rate_card(org_id=owner.org_id)
    stored = _stored_entry(owner, entry["id"])
    # THEN it answers the billing rate, the cost rate and half an hour of each
    assert (card.rate(stored), card.cost_rate(member.user_id)) == (12000, 5000)
    assert (card.amount(stored), card.cost(stored)) == (6000, 2500)
    assert card.cost_rate(owner.user_id) is None


def _stored_entry(owner, entry_id: str):
    from chalicelib.core.auth import Principal
    from chalicelib.time_entries import service as time_entries

    return time_entries.get(
        principal=Principal(user_id=owner.user_id, org_id=owner.org_id, role="owner"), entry_id=entry_id
    )
