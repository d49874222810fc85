"""Rounding rules (docs/rounding.md): per org, overridden per project, applied when reports and invoices read time.

Figures are checked by hand: the project is billed at 60.00/h, so every rounded minute bills 100 cents.
"""

import pytest

from tests.api.invoices.helpers import create_client, create_invoice, entry, field_error, project, track

MAY = "from=2026-05-01&to=2026-06-01"
RATE = 6000  # 60.00 an hour: every minute bills 100 cents


def _minutes(seconds: int) -> float:
    return seconds / 60


def _org_rule(owner, **rule) -> None:
    body = {"settings": {"rounding": rule or None}}
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json=body)
    assert response.status_code == 200, response.json_body


def _summary(account, query: str = "") -> dict:
    response = account.api.get(f"/api/v1/reports/summary?{MAY}{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def _track_minutes(account, project_id, day: str, start: str, minutes: int, **fields) -> dict:
    hour, minute = (int(part) for part in start.split(":"))
    stop_total = hour * 60 + minute + minutes
    stop = f"{day}T{stop_total // 60:02d}:{stop_total % 60:02d}:00Z"
    return track(account, project_id, f"{day}T{start}:00Z", stop, **fields)


@pytest.fixture
def three_entries(owner):
    """7 and 22 minutes on 4 May, 38 minutes on 5 May: 67 minutes of one person on one project at 60.00/h."""
    website = project(owner, None, name="Website", hourly_rate=RATE)
    _track_minutes(owner, website, "2026-05-04", "09:00", 7)
    _track_minutes(owner, website, "2026-05-04", "13:00", 22)
    _track_minutes(owner, website, "2026-05-05", "09:00", 38)
    return website


@pytest.mark.parametrize(
    ("level", "mode", "minutes", "expected"),
    [
        # each entry: 7 / 22 / 38 minutes
        ("entry", "up", 15, 15 + 30 + 45),
        ("entry", "down", 15, 0 + 15 + 30),
        ("entry", "nearest", 15, 0 + 15 + 45),  # nearest quarter of 7 minutes is nothing
        ("entry", "up", 6, 12 + 24 + 42),
        ("entry", "nearest", 30, 0 + 30 + 30),
        # each day: 29 minutes on the 4th, 38 on the 5th
        ("day", "up", 15, 30 + 45),
        ("day", "down", 15, 15 + 30),
        ("day", "nearest", 15, 30 + 45),
        # the project's whole month: 67 minutes
        ("project", "up", 15, 75),
        ("project", "down", 15, 60),
        ("project", "nearest", 15, 60),
        ("project", "up", 10, 70),
        ("project", "none", 15, 67),
    ],
)
def test_reports_round_time_by_the_orgs_rule_at_its_level(owner, three_entries, level, mode, minutes, expected):
    # GIVEN an org rule
    _org_rule(owner, mode=mode, minutes=minutes, level=level)
    # WHEN the month is summarized
    totals = _summary(owner)["totals"]
    # THEN raw time is as tracked, rounded time follows the rule, and the amount bills the rounded time
    assert _minutes(totals["seconds"]) == 67
    assert _minutes(totals["rounded_seconds"]) == expected
    assert totals["billable_amount"] == expected * 100
    assert totals["unrounded_billable_amount"] == 6700


def test_without_a_rule_rounded_time_is_the_raw_time(owner, three_entries):
    totals = _summary(owner)["totals"]
    assert totals["rounded_seconds"] == totals["seconds"] == 67 * 60
    assert totals["billable_amount"] == totals["unrounded_billable_amount"] == 6700
    assert _summary(owner)["rounding"] == {"mode": "none", "minutes": 1, "level": "entry", "projects": {}}


def test_groups_of_a_day_rounded_report_add_up_to_its_rounded_total(owner, three_entries):
    # GIVEN the project's month rounded up to the half hour: 67 minutes → 90
    _org_rule(owner, mode="up", minutes=30, level="project")
    # WHEN the month is grouped by day
    report = _summary(owner, "&group_by=day")
    # THEN the 90 rounded minutes are shared over the days by their raw time (29 : 38) and add up
    days = {group["key"]: _minutes(group["rounded_seconds"]) for group in report["groups"]}
    assert sum(days.values()) == _minutes(report["totals"]["rounded_seconds"]) == 90
    assert days["2026-05-04"] == pytest.approx(90 * 29 / 67, abs=1 / 60)
    assert sum(group["billable_amount"] for group in report["groups"]) == report["totals"]["billable_amount"] == 9000


def test_a_projects_own_rule_overrides_the_orgs(owner):
    # GIVEN the org rounds every entry up to the quarter hour, and one project opts out
    _org_rule(owner, mode="up", minutes=15, level="entry")
    inherits = project(owner, None, name="Inherits", hourly_rate=RATE)
    exact = project(owner, None, name="Exact", hourly_rate=RATE, rounding={"mode": "none"})
    _track_minutes(owner, inherits, "2026-05-04", "09:00", 7)
    _track_minutes(owner, exact, "2026-05-04", "10:00", 7)
    # WHEN the month is grouped by project
    report = _summary(owner, "&group_by=project")
    # THEN the project with its own rule keeps its 7 minutes; the other is rounded to 15
    rounded = {group["label"]: _minutes(group["rounded_seconds"]) for group in report["groups"]}
    assert rounded == {"Inherits": 15, "Exact": 7}
    assert report["rounding"]["projects"] == {exact: {"mode": "none", "minutes": 15, "level": "entry"}}


def test_a_project_rule_set_later_replaces_the_orgs_and_null_restores_it(owner):
    _org_rule(owner, mode="down", minutes=15, level="entry")
    website = project(owner, None, name="Website", hourly_rate=RATE)
    _track_minutes(owner, website, "2026-05-04", "09:00", 20)
    assert _minutes(_summary(owner)["totals"]["rounded_seconds"]) == 15
    # WHEN the project gets its own rule (up to 30 minutes), then clears it
    response = owner.api.put(f"/api/v1/projects/{website}", json={"rounding": {"mode": "up", "minutes": 30}})
    assert response.status_code == 200, response.json_body
    assert response.json_body["rounding"] == {"mode": "up", "minutes": 30, "level": "entry"}
    assert _minutes(_summary(owner)["totals"]["rounded_seconds"]) == 30
    owner.api.put(f"/api/v1/projects/{website}", json={"rounding": None})
    # THEN the org's rule applies again
    assert _minutes(_summary(owner)["totals"]["rounded_seconds"]) == 15


def test_the_timesheet_shows_raw_and_rounded_hours(owner, three_entries):
    _org_rule(owner, mode="up", minutes=15, level="day")
    response = owner.api.get("/api/v1/reports/timesheet?from=2026-05-01&to=2026-05-31&group_by=day")
    rows = {row["group"]: (row["hours"], row["rounded_hours"]) for row in response.json_body["rows"]}
    assert rows == {"2026-05-04": (0.48, 0.5), "2026-05-05": (0.63, 0.75)}


def test_invoicing_rounded_time_bills_what_the_report_showed_and_reporting_again_adds_nothing(owner):
    # GIVEN a month of time rounded to the nearest quarter per project: 67 minutes → 60 = 60.00
    _org_rule(owner, mode="nearest", minutes=15, level="project")
    client = create_client(owner, name="Globex", currency="USD")["id"]
    website = project(owner, client, name="Website", hourly_rate=RATE)
    ids = [
        _track_minutes(owner, website, "2026-05-04", "09:00", 7)["id"],
        _track_minutes(owner, website, "2026-05-04", "13:00", 22)["id"],
        _track_minutes(owner, website, "2026-05-05", "09:00", 38)["id"],
    ]
    before = _summary(owner)["totals"]
    assert (before["rounded_seconds"], before["billable_amount"]) == (3600, 6000)
    # WHEN the month is invoiced
    draft = create_invoice(owner, client, due_date="2026-06-30", issue_date="2026-06-01")
    response = owner.api.post(
        f"/api/v1/invoices/{draft['id']}/generate", json={"from": "2026-05-01", "to": "2026-05-31"}
    )
    assert response.status_code == 200, response.json_body
    [line] = response.json_body["line_items"]
    # THEN the line bills the rounded hour, exactly what the report showed
    assert (line["quantity"], line["unit_price"], line["amount"]) == (1, RATE, 6000)
    # AND the report of the now billed month shows the same figures, not rounded again
    assert _summary(owner)["totals"] == before
    # AND even a coarser rule set afterwards leaves billed time as it was billed
    _org_rule(owner, mode="up", minutes=30, level="entry")
    assert _summary(owner)["totals"]["billable_amount"] == 6000
    assert _summary(owner)["totals"]["rounded_seconds"] == 3600
    # AND each entry still holds its raw minutes
    durations = [entry(owner, entry_id)["duration_seconds"] for entry_id in ids]
    assert durations == [7 * 60, 22 * 60, 38 * 60]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"mode": "sideways"}, "settings.rounding.mode"),
        ({"mode": "up", "minutes": 7}, "settings.rounding.minutes"),
        ({"mode": "up", "minutes": "15"}, "settings.rounding.minutes"),
        ({"mode": "up", "minutes": 15.0}, "settings.rounding.minutes"),
        ({"mode": "up", "level": "week"}, "settings.rounding.level"),
        ({"mode": "up", "every": 15}, "settings.rounding.every"),
        ({"minutes": 15}, "settings.rounding.mode"),
    ],
)
def test_a_bad_org_rule_is_400_naming_the_field_and_changes_nothing(owner, rule, field):
    response = owner.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"rounding": rule}})
    field_error(response, field)
    settings = owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["settings"]
    assert settings["rounding"] is None


def test_a_bad_project_rule_is_400_naming_the_field(owner):
    response = owner.api.post("/api/v1/projects", json={"name": "Website", "rounding": {"mode": "up", "minutes": 20}})
    field_error(response, "rounding.minutes")
    assert owner.api.get("/api/v1/projects").json_body["data"] == []


def test_members_cannot_change_the_orgs_rule(owner, member):
    response = member.api.put(f"/api/v1/organizations/{owner.org_id}", json={"settings": {"rounding": {"mode": "up"}}})
    assert response.status_code == 403
