"""Rate history (docs/rates.md): dated member, project and client rates, as reports and invoices price time."""

from datetime import UTC, datetime

import pytest

from tests.api.invoices.helpers import create_client, create_invoice, field_error, invoice, project, track

MAY = "from=2026-05-01&to=2026-06-01"


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _amount(account, query: str = MAY) -> int:
    response = account.api.get(f"/api/v1/reports/summary?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["totals"]["billable_amount"]


def _set(account, path: str, **body):
    return account.api.post(f"/api/v1/{path}/rates", json=body)


def _set_ok(account, path: str, **body) -> dict:
    response = _set(account, path, **body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def _hours(account, project_id, day: str, hours: int, **fields) -> str:
    return track(account, project_id, f"{day}T08:00:00Z", f"{day}T{8 + hours:02d}:00:00Z", **fields)["id"]


def test_a_mid_month_member_rate_change_prices_each_day_at_the_rate_then_in_force(owner, member):
    # GIVEN a member billed at 100.00/h who tracked 2 h on 4 May and 3 h on 20 May
    owner.api.put(f"/api/v1/members/{member.member_id}", json={"hourly_rate": 10000})
    _hours(member, None, "2026-05-04", 2)
    _hours(member, None, "2026-05-20", 3)
    # WHEN the rate becomes 120.00/h from 16 May, for the unbilled time already tracked too
    _set_ok(
        owner, f"members/{member.member_id}", hourly_rate=12000, effective_from="2026-05-16", apply_to="unbilled_past"
    )
    # THEN May bills 2 h × 100.00 + 3 h × 120.00 = 560.00
    assert _amount(owner) == 56000
    assert _amount(member) == 56000
    # AND the member's rate field shows the rate in force now
    members = owner.api.get("/api/v1/members").json_body["data"]
    assert next(m for m in members if m["id"] == member.member_id)["hourly_rate"] == 12000


def test_by_default_a_new_rate_prices_only_entries_tracked_after_the_change(owner):
    # GIVEN a project at 100.00/h with 2 h tracked on 20 May
    website = project(owner, None, hourly_rate=10000)
    _hours(owner, website, "2026-05-20", 2)
    # WHEN the rate becomes 150.00/h from 16 May for new entries (the default)
    change = _set_ok(owner, f"projects/{website}", hourly_rate=15000, effective_from="2026-05-16")
    assert change["apply_to"] == "new_entries"
    # AND then 1 h is tracked on 21 May and 1 h on 10 May (before the new rate's date)
    _hours(owner, website, "2026-05-21", 1)
    _hours(owner, website, "2026-05-10", 1)
    # THEN 2 h × 100.00 (tracked before the change) + 1 h × 150.00 + 1 h × 100.00 (dated before it) = 450.00
    assert _amount(owner) == 45000


def test_repricing_unbilled_time_leaves_billed_time_at_its_invoiced_rate(owner):
    # GIVEN a client at 90.00/h with 1 h on 4 May and 1 h on 6 May, and the first hour invoiced
    client = create_client(owner, name="Globex", currency="USD", hourly_rate=9000)["id"]
    website = project(owner, client)
    _hours(owner, website, "2026-05-04", 1)
    _hours(owner, website, "2026-05-06", 1)
    draft = create_invoice(owner, client, due_date="2026-06-30", issue_date="2026-06-01")
    generated = owner.api.post(
        f"/api/v1/invoices/{draft['id']}/generate", json={"from": "2026-05-01", "to": "2026-05-05"}
    )
    assert generated.status_code == 200, generated.json_body
    assert generated.json_body["subtotal"] == 9000
    # WHEN the client's rate becomes 120.00/h from 1 May for unbilled time
    _set_ok(owner, f"clients/{client}", hourly_rate=12000, effective_from="2026-05-01", apply_to="unbilled_past")
    # THEN the unbilled hour is re-priced and the billed one keeps its 90.00, in the report and on the invoice
    assert _amount(owner) == 9000 + 12000
    assert invoice(owner, draft["id"])["subtotal"] == 9000
    # AND invoicing the rest bills it at the new rate
    rest = owner.api.post(f"/api/v1/invoices/{draft['id']}/generate", json={"from": "2026-05-06", "to": "2026-05-31"})
    assert rest.json_body["subtotal"] == 9000 + 12000
    assert _amount(owner) == 9000 + 12000


def test_history_lists_the_opening_rate_and_each_change_oldest_first(owner):
    # GIVEN a project at 100.00/h
    website = project(owner, None, hourly_rate=10000)
    # WHEN it gets 120.00/h from 1 March and 130.00/h from 1 January 2100
    _set_ok(owner, f"projects/{website}", hourly_rate=12000, effective_from="2026-03-01")
    _set_ok(owner, f"projects/{website}", hourly_rate=13000, effective_from="2100-01-01")
    # THEN the history starts with the rate it had until then, and today's rate is 120.00
    response = owner.api.get(f"/api/v1/projects/{website}/rates")
    assert response.status_code == 200, response.json_body
    body = response.json_body
    rows = [(row["rate"], row["effective_from"], row["opening"]) for row in body["data"]]
    assert rows == [(10000, None, True), (12000, "2026-03-01", False), (13000, "2100-01-01", False)]
    assert body["current"] == {"hourly_rate": 12000}
    assert (body["has_more"], body["next_cursor"]) == (False, None)
    # AND the project's own field shows the rate in force, not the future one
    assert owner.api.get(f"/api/v1/projects/{website}").json_body["hourly_rate"] == 12000


def test_time_before_the_first_change_keeps_the_rate_it_had(owner):
    website = project(owner, None, hourly_rate=10000)
    _hours(owner, website, "2026-04-10", 1)
    _set_ok(owner, f"projects/{website}", hourly_rate=20000, effective_from="2026-05-01", apply_to="unbilled_past")
    assert _amount(owner, "from=2026-04-01&to=2026-05-01") == 10000


def test_a_members_cost_rate_history_prices_profitability(owner, member):
    owner.api.put(f"/api/v1/members/{member.member_id}", json={"cost_rate": 4000})
    _hours(member, None, "2026-05-04", 1)
    _hours(member, None, "2026-05-20", 1)
    _set_ok(owner, f"members/{member.member_id}", cost_rate=6000, effective_from="2026-05-16", apply_to="unbilled_past")
    response = owner.api.get(f"/api/v1/reports/profitability?{MAY}")
    assert response.json_body["totals"]["cost"] == 4000 + 6000
    history = owner.api.get(f"/api/v1/members/{member.member_id}/rates?field=cost_rate").json_body
    assert [row["rate"] for row in history["data"]] == [4000, 6000]


def test_a_rate_change_is_audited(owner):
    website = project(owner, None, hourly_rate=10000)
    _set_ok(owner, f"projects/{website}", hourly_rate=12000, effective_from="2026-05-01")
    logs = owner.api.get(f"/api/v1/audit-logs?entity_id={website}").json_body["data"]
    change = next(log for log in logs if log["action"] == "rate_changed")
    assert change["changes"]["hourly_rate"] == {"from": 10000, "to": 12000}
    assert change["changes"]["effective_from"] == {"from": None, "to": "2026-05-01"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hourly_rate": 12000}, "effective_from"),
        ({"hourly_rate": 12000, "effective_from": "2026-13-01"}, "effective_from"),
        ({"hourly_rate": 120.5, "effective_from": "2026-05-01"}, "hourly_rate"),
        ({"hourly_rate": "12000", "effective_from": "2026-05-01"}, "hourly_rate"),
        ({"hourly_rate": -1, "effective_from": "2026-05-01"}, "hourly_rate"),
        ({"hourly_rate": 12000, "effective_from": "2026-05-01", "apply_to": "everything"}, "apply_to"),
        ({"hourly_rate": 12000, "effective_from": "2026-05-01", "project_id": "x"}, "project_id"),
        ({"cost_rate": 5000, "effective_from": "2026-05-01"}, "cost_rate"),
    ],
)
def test_a_bad_rate_change_is_400_naming_the_field_and_writes_nothing(owner, body, field):
    website = project(owner, None, hourly_rate=10000)
    field_error(_set(owner, f"projects/{website}", **body), field)
    assert owner.api.get(f"/api/v1/projects/{website}/rates").json_body["data"] == []
    assert owner.api.get(f"/api/v1/projects/{website}").json_body["hourly_rate"] == 10000


def test_a_change_needs_exactly_one_rate(owner, member):
    response = _set(owner, f"members/{member.member_id}", hourly_rate=1, cost_rate=1, effective_from="2026-05-01")
    assert response.status_code == 400
    assert _set(owner, f"members/{member.member_id}", effective_from="2026-05-01").status_code == 400


def test_members_may_not_read_or_set_rates(owner, member):
    website = project(owner, None, hourly_rate=10000)
    assert member.api.get(f"/api/v1/projects/{website}/rates").status_code == 403
    assert _set(member, f"projects/{website}", hourly_rate=1, effective_from="2026-05-01").status_code == 403
    assert member.api.get(f"/api/v1/members/{member.member_id}/rates").status_code == 403


def test_another_orgs_holders_are_404(owner, outsider):
    client = create_client(outsider, name="Theirs")["id"]
    theirs = {
        "projects": project(outsider, None),
        "clients": client,
        "members": outsider.api.get("/api/v1/members").json_body["data"][0]["id"],
    }
    for kind, holder_id in theirs.items():
        assert owner.api.get(f"/api/v1/{kind}/{holder_id}/rates").status_code == 404, kind
        response = _set(owner, f"{kind}/{holder_id}", hourly_rate=1, effective_from="2026-05-01")
        assert response.status_code == 404, kind
    assert owner.api.get("/api/v1/projects/prj_nonsense/rates").status_code == 404


def test_a_plain_put_after_a_history_is_a_change_from_today_for_unbilled_time(owner, member):
    # GIVEN a project whose May hour is priced by a dated change to 120.00
    website = project(owner, None, hourly_rate=10000)
    _hours(owner, website, "2026-05-04", 1)
    _set_ok(owner, f"projects/{website}", hourly_rate=12000, effective_from="2026-05-01", apply_to="unbilled_past")
    # WHEN its rate is set with a plain PUT, as before histories existed
    response = owner.api.put(f"/api/v1/projects/{website}", json={"hourly_rate": 15000})
    assert response.status_code == 200, response.json_body
    # THEN the history gains a change from today for unbilled time, and the field shows it
    history = owner.api.get(f"/api/v1/projects/{website}/rates").json_body
    last = history["data"][-1]
    assert (last["rate"], last["effective_from"], last["apply_to"]) == (15000, _today(), "unbilled_past")
    assert history["current"] == {"hourly_rate": 15000}
    assert owner.api.get(f"/api/v1/projects/{website}").json_body["hourly_rate"] == 15000
    # AND May keeps the rate dated for it
    assert _amount(owner) == 12000
    # AND the same holds for members' rates
    _set_ok(owner, f"members/{member.member_id}", cost_rate=4000, effective_from="2026-05-01")
    owner.api.put(f"/api/v1/members/{member.member_id}", json={"cost_rate": 5000})
    rows = owner.api.get(f"/api/v1/members/{member.member_id}/rates?field=cost_rate").json_body["data"]
    assert [(row["rate"], row["effective_from"]) for row in rows][-1] == (5000, _today())


def test_a_plain_put_without_a_history_still_only_sets_the_field(owner):
    website = project(owner, None, hourly_rate=10000)
    _hours(owner, website, "2026-05-04", 1)
    owner.api.put(f"/api/v1/projects/{website}", json={"hourly_rate": 11000})
    assert owner.api.get(f"/api/v1/projects/{website}/rates").json_body["data"] == []
    assert _amount(owner) == 11000
