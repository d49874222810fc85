"""Time reports: hand-computed totals, grouping, member scope, CSV."""

import csv
import io

import pytest

from tests.api.tasks.helpers import project
from tests.support import factories

RANGE = "from=2026-05-01&to=2026-06-01"


@pytest.fixture
def owner(api):
    return factories.register(api)


def _entry(account, start: str, stop: str, **fields) -> dict:
    response = account.api.post("/api/v1/entries", json={"start": start, "stop": stop, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_summary_totals_and_amounts_by_project(owner):
    # GIVEN 90 min at the project's $150.00/h and 20 min with a $99.99/h override, plus 1 h non-billable
    website = project(owner, name="Website", hourly_rate=15000)
    _entry(owner, "2026-05-04T09:00:00Z", "2026-05-04T10:30:00Z", project_id=website)
    _entry(owner, "2026-05-04T11:00:00Z", "2026-05-04T11:20:00Z", project_id=website, hourly_rate=9999)
    _entry(owner, "2026-05-05T09:00:00Z", "2026-05-05T10:00:00Z", billable=False)
    # WHEN the summary for May is read
    report = owner.api.get(f"/api/v1/reports/summary?{RANGE}").json_body
    # THEN 22500 + round_half_up(1200 * 9999 / 3600 = 3333.0) cents, 2 h 50 min in all, 1 h 50 min billable
    assert report["totals"] == {
        "seconds": 10200,
        "hours": 2.83,
        "billable_seconds": 6600,
        "billable_amount": 22500 + 3333,
        # without a rounding rule the rounded figures are the raw ones (docs/rounding.md)
        "rounded_seconds": 10200,
        "rounded_hours": 2.83,
        "billable_rounded_seconds": 6600,
        "unrounded_billable_amount": 22500 + 3333,
    }
    by_key = {group["key"]: group for group in report["groups"]}
    assert by_key[website]["label"] == "Website" and by_key[website]["seconds"] == 6600
    assert by_key["none"]["billable_amount"] == 0


def test_half_cents_round_up_per_entry(owner):
    # GIVEN 1 second at 1800 cents/h = 0.5 cent
    _entry(owner, "2026-05-04T09:00:00Z", "2026-05-04T09:00:01Z", hourly_rate=1800)
    report = owner.api.get(f"/api/v1/reports/summary?{RANGE}").json_body
    assert report["totals"]["billable_amount"] == 1


def test_summary_groups_by_tag_and_day(owner):
    _entry(owner, "2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z", tags=["writing", "client"])
    _entry(owner, "2026-05-05T09:00:00Z", "2026-05-05T09:30:00Z", tags=["writing"])
    tags = {
        g["key"]: g["seconds"]
        for g in owner.api.get(f"/api/v1/reports/summary?{RANGE}&group_by=tag").json_body["groups"]
    }
    assert tags == {"writing": 5400, "client": 3600}
    days = {
        g["key"]: g["seconds"]
        for g in owner.api.get(f"/api/v1/reports/summary?{RANGE}&group_by=day").json_body["groups"]
    }
    assert days == {"2026-05-04": 3600, "2026-05-05": 1800}


def test_from_and_to_are_required(owner):
    response = owner.api.get("/api/v1/reports/summary?from=2026-05-01")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "to"


def test_members_reports_cover_only_their_own_time(api, owner):
    member = factories.join(api, owner)
    _entry(owner, "2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z")
    _entry(member, "2026-05-04T09:00:00Z", "2026-05-04T09:15:00Z")
    assert member.api.get(f"/api/v1/reports/summary?{RANGE}").json_body["totals"]["seconds"] == 900
    assert owner.api.get(f"/api/v1/reports/summary?{RANGE}").json_body["totals"]["seconds"] == 4500


def test_timesheet_by_week_and_as_csv(owner):
    _entry(owner, "2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z")  # Monday
    _entry(owner, "2026-05-10T09:00:00Z", "2026-05-10T09:30:00Z")  # Sunday, same ISO week
    _entry(owner, "2026-05-11T09:00:00Z", "2026-05-11T11:00:00Z")  # next Monday
    rows = owner.api.get(f"/api/v1/reports/timesheet?{RANGE}&group_by=week").json_body["rows"]
    assert [(row["group"], row["seconds"]) for row in rows] == [("2026-05-04", 5400), ("2026-05-11", 7200)]
    response = owner.api.get(f"/api/v1/reports/timesheet?{RANGE}&group_by=week", headers={"accept": "text/csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert [row["seconds"] for row in parsed] == ["5400", "7200"]


def test_utilization_against_working_days(owner):
    # GIVEN 16 h tracked in the week of 2026-05-04 (5 working days × 8 h = 40 h available)
    _entry(owner, "2026-05-04T08:00:00Z", "2026-05-04T16:00:00Z")
    _entry(owner, "2026-05-05T08:00:00Z", "2026-05-05T16:00:00Z")
    report = owner.api.get("/api/v1/reports/utilization?from=2026-05-04&to=2026-05-09").json_body
    [row] = report["rows"]
    assert (row["tracked_hours"], row["available_hours"], row["utilization_percent"]) == (16.0, 40.0, 40.0)
