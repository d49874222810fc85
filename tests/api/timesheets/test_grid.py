"""The weekly grid: seconds per user × project × day of an ISO week."""

import pytest

from tests.api.timesheets.helpers import MONDAY, SUNDAY, TUESDAY, WEEK, entry, error

DAYS = ["2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14", "2026-05-15", "2026-05-16", "2026-05-17"]


@pytest.fixture
def project_id(owner) -> str:
    response = owner.api.post("/api/v1/projects", json={"name": "Website"})
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _grid(account, query: str = f"week={WEEK}"):
    response = account.api.get(f"/api/v1/timesheets/grid?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def test_the_grid_adds_up_a_members_week_by_project_and_day(member, project_id):
    # GIVEN a member's hour and half hour on the project Monday, an hour without project Tuesday,
    # and time outside the week (the Sunday before and the Monday after)
    entry(member, MONDAY, "09:00", "10:00", project_id=project_id)
    entry(member, MONDAY, "14:00", "14:30", project_id=project_id)
    entry(member, TUESDAY, "09:00", "10:00")
    entry(member, SUNDAY, "22:00", "23:00", project_id=project_id)
    entry(member, "2026-05-10")
    entry(member, "2026-05-18")
    # WHEN the member asks for the week's grid
    grid = _grid(member)
    # THEN one row per project (no project last), seconds per day, and totals
    assert grid["week"] == WEEK and grid["days"] == DAYS
    assert grid["rows"] == [
        {
            "user_id": member.user_id,
            "project_id": project_id,
            "seconds": [5400, 0, 0, 0, 0, 0, 3600],
            "total_seconds": 9000,
        },
        {"user_id": member.user_id, "project_id": None, "seconds": [0, 3600, 0, 0, 0, 0, 0], "total_seconds": 3600},
    ]
    assert grid["totals"] == {"seconds": [5400, 3600, 0, 0, 0, 0, 3600], "total_seconds": 12600}


def test_admins_see_every_users_rows_or_one_user(admin, member):
    entry(member, MONDAY)
    entry(admin, TUESDAY)
    everyone = _grid(admin)
    assert sorted(row["user_id"] for row in everyone["rows"]) == sorted([member.user_id, admin.user_id])
    assert everyone["totals"]["total_seconds"] == 7200
    one = _grid(admin, f"week={WEEK}&user_id={member.user_id}")
    assert [row["user_id"] for row in one["rows"]] == [member.user_id]


def test_members_see_only_their_own_rows(member, admin):
    entry(admin, MONDAY)
    assert _grid(member)["rows"] == []
    response = member.api.get(f"/api/v1/timesheets/grid?week={WEEK}&user_id={admin.user_id}")
    assert response.status_code == 403


def test_the_grid_defaults_to_the_current_week(member):
    grid = _grid(member, "")
    assert grid["week"].count("-W") == 1 and len(grid["days"]) == 7


@pytest.mark.parametrize("week", ["2026-W00", "2025-W53", "20-W01", "2026-05-11"])
def test_a_malformed_week_is_a_400_naming_it(member, week):
    response = member.api.get(f"/api/v1/timesheets/grid?week={week}")
    assert response.status_code == 400
    assert error(response)["details"][0]["field"] == "week"


def test_another_orgs_time_is_never_in_the_grid(member, outsider):
    entry(outsider, MONDAY)
    assert _grid(member)["rows"] == []
    assert _grid(outsider, f"week={WEEK}&user_id={member.user_id}")["rows"] == []
