"""Entries in a fixed past week, and short ways to submit and review timesheets."""

WEEK = "2026-W20"  # Monday 2026-05-11 .. Sunday 2026-05-17
MONDAY, TUESDAY, SUNDAY = "2026-05-11", "2026-05-12", "2026-05-17"


def entry(account, day: str = MONDAY, start: str = "09:00", stop: str = "10:00", **fields) -> dict:
    body = {"start": f"{day}T{start}:00Z", "stop": f"{day}T{stop}:00Z", **fields}
    response = account.api.post("/api/v1/entries", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def submit(account, **period) -> dict:
    response = account.api.post("/api/v1/timesheets", json=period or {"week": WEEK})
    assert response.status_code == 201, response.json_body
    return response.json_body


def approve(account, timesheet_id: str) -> dict:
    response = account.api.post(f"/api/v1/timesheets/{timesheet_id}/approve", json={})
    assert response.status_code == 200, response.json_body
    return response.json_body


def error(response) -> dict:
    return response.json_body["error"]
