"""Submitting a period of one's own time, and admins approving or rejecting it."""

import pytest

from tests.api.timesheets.helpers import MONDAY, SUNDAY, TUESDAY, WEEK, approve, entry, error, submit
from tests.support.factories import last_email_to
from tests.support.outbox import deliver_events


def _notifications(account) -> list[dict]:
    return account.api.get("/api/v1/notifications").json_body["data"]


def test_a_member_submits_a_week_with_its_entries_and_totals(member):
    # GIVEN two entries in the week (one billable hour, one non-billable half hour) and one the week after
    first = entry(member, MONDAY, "09:00", "10:00")
    second = entry(member, SUNDAY, "23:00", "23:30", billable=False)
    entry(member, "2026-05-18")
    # WHEN the member submits the week
    response = member.api.post("/api/v1/timesheets", json={"week": WEEK})
    # THEN it is submitted with exactly the week's entries and their totals
    assert response.status_code == 201, response.json_body
    timesheet = response.json_body
    assert timesheet["id"].startswith("tsh_")
    assert timesheet["status"] == "submitted"
    assert (timesheet["week"], timesheet["period_from"], timesheet["period_to"]) == (WEEK, MONDAY, SUNDAY)
    assert timesheet["time_entry_ids"] == sorted([first["id"], second["id"]])
    assert (timesheet["entry_count"], timesheet["total_seconds"], timesheet["billable_seconds"]) == (2, 5400, 3600)


def test_a_submission_notifies_the_admins_in_the_app_and_by_email(member, admin, owner):
    entry(member)
    timesheet = submit(member)
    deliver_events()
    for reviewer in (admin, owner):
        titles = [n["title"] for n in _notifications(reviewer)]
        assert f"Sam Member submitted a timesheet for {WEEK}" in titles
        assert WEEK in last_email_to(reviewer.email)["Subject"]
    assert not [n for n in _notifications(member) if n["type"].startswith("timesheet_")]
    assert timesheet["status"] == "submitted"


def test_approving_locks_the_entries_against_edits_and_deletes_in_both_route_families(member, admin):
    # GIVEN a submitted week, approved by an admin
    tracked = entry(member)
    timesheet = approve(admin, submit(member)["id"])
    assert timesheet["status"] == "approved" and timesheet["decided_by"] == admin.user_id
    # WHEN the member (or the admin) tries to change or delete the entry
    attempts = [
        member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"description": "later"}),
        member.api.put(f"/api/v1/time-entries/{tracked['id']}", json={"description": "later"}),
        member.api.delete(f"/api/v1/entries/{tracked['id']}"),
        admin.api.delete(f"/api/v1/time-entries/{tracked['id']}"),
    ]
    # THEN each is a 409 naming the approved timesheet, and the entry is unchanged
    for response in attempts:
        assert response.status_code == 409, response.json_body
        assert "is in an approved timesheet" in error(response)["message"]
    assert member.api.get(f"/api/v1/entries/{tracked['id']}").json_body["description"] is None


def test_the_member_is_notified_of_the_approval(member, admin):
    entry(member)
    approve(admin, submit(member)["id"])
    deliver_events()
    assert f"Ada Admin approved your timesheet for {WEEK}" in [n["title"] for n in _notifications(member)]
    assert "approved your timesheet" in last_email_to(member.email)["Subject"]


def test_rejecting_needs_a_comment(member, admin):
    timesheet = submit(member)
    response = admin.api.post(f"/api/v1/timesheets/{timesheet['id']}/reject", json={})
    assert response.status_code == 400
    assert error(response)["details"][0]["field"] == "comment"
    assert admin.api.get(f"/api/v1/timesheets/{timesheet['id']}").json_body["status"] == "submitted"


def test_a_rejected_timesheet_tells_the_member_why_and_can_be_resubmitted(member, admin):
    # GIVEN a submitted week rejected with a comment
    entry(member)
    timesheet = submit(member)
    rejected = admin.api.post(f"/api/v1/timesheets/{timesheet['id']}/reject", json={"comment": "Tuesday is missing"})
    assert rejected.status_code == 200 and rejected.json_body["status"] == "rejected"
    deliver_events()
    assert "Tuesday is missing" in [n["message"] for n in _notifications(member)]
    # WHEN the member adds the missing time and submits the week again
    entry(member, TUESDAY)
    again = submit(member)
    # THEN the same timesheet is submitted again with the new totals and no comment
    assert (again["id"], again["status"], again["entry_count"], again["comment"]) == (
        timesheet["id"],
        "submitted",
        2,
        None,
    )
    assert approve(admin, again["id"])["status"] == "approved"


def test_an_approved_period_cannot_be_submitted_again(member, admin):
    approve(admin, submit(member)["id"])
    response = member.api.post("/api/v1/timesheets", json={"from": MONDAY, "to": SUNDAY})
    assert response.status_code == 409
    assert "already approved" in error(response)["message"]


def test_time_changed_after_submission_must_be_resubmitted_before_approval(member, admin):
    # GIVEN a submitted week whose entry the member edits afterwards
    tracked = entry(member)
    timesheet = submit(member)
    member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"stop": f"{MONDAY}T12:00:00Z"})
    # WHEN an admin approves it
    response = admin.api.post(f"/api/v1/timesheets/{timesheet['id']}/approve", json={})
    # THEN 409: what would be approved is not what was submitted; nothing is locked
    assert response.status_code == 409
    assert "must resubmit" in error(response)["message"]
    assert member.api.patch(f"/api/v1/entries/{tracked['id']}", json={"description": "ok"}).status_code == 200


def test_a_running_timer_in_the_period_must_be_stopped_before_submitting(member):
    running = member.api.post("/api/v1/entries", json={"start": f"{MONDAY}T09:00:00Z"})
    assert running.status_code == 201
    response = member.api.post("/api/v1/timesheets", json={"week": WEEK})
    assert response.status_code == 409
    assert "timer is running" in error(response)["message"]
    assert member.api.get("/api/v1/timesheets").json_body["data"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"week": "2026-W54"}, "week"),
        ({"week": "2026-20"}, "week"),
        ({"week": WEEK, "from": MONDAY}, "week"),
        ({"from": MONDAY}, "to"),
        ({"from": SUNDAY, "to": MONDAY}, "to"),
        ({"from": "2026-05-01", "to": "2026-06-30"}, "to"),
        ({"from": "2026-02-30", "to": "2026-03-02"}, "from"),
        ({"week": WEEK, "user_id": "usr_x"}, "user_id"),
    ],
)
def test_a_malformed_period_is_a_400_naming_the_field_and_submits_nothing(member, body, field):
    response = member.api.post("/api/v1/timesheets", json=body)
    assert response.status_code == 400, response.json_body
    assert error(response)["details"][0]["field"] == field
    assert member.api.get("/api/v1/timesheets").json_body["data"] == []


def test_members_cannot_approve_or_reject(member, admin):
    other = submit(admin)
    for action, body in (("approve", {}), ("reject", {"comment": "no"})):
        response = member.api.post(f"/api/v1/timesheets/{other['id']}/{action}", json=body)
        assert response.status_code == 403
    assert admin.api.get(f"/api/v1/timesheets/{other['id']}").json_body["status"] == "submitted"


def test_a_reviewed_timesheet_cannot_be_reviewed_again(member, admin):
    timesheet = approve(admin, submit(member)["id"])
    response = admin.api.post(f"/api/v1/timesheets/{timesheet['id']}/reject", json={"comment": "changed my mind"})
    assert response.status_code == 409
    assert admin.api.get(f"/api/v1/timesheets/{timesheet['id']}").json_body["status"] == "approved"


def test_admins_list_submitted_timesheets_and_members_only_their_own(member, admin, owner):
    # GIVEN the member's submitted week, the admin's approved one and the owner's submitted one
    mine = submit(member)
    approve(owner, submit(admin)["id"])
    owners = submit(owner)
    # WHEN an admin lists the submitted ones, and the member lists everything
    submitted = admin.api.get("/api/v1/timesheets?status=submitted").json_body
    of_member = admin.api.get(f"/api/v1/timesheets?user_id={member.user_id}").json_body["data"]
    members_view = member.api.get("/api/v1/timesheets").json_body["data"]
    # THEN the admin sees both submitted ones; the member only their own
    assert sorted(t["id"] for t in submitted["data"]) == sorted([mine["id"], owners["id"]])
    assert submitted["has_more"] is False and submitted["per_page"] == 25
    assert [t["id"] for t in of_member] == [mine["id"]]
    assert [t["id"] for t in members_view] == [mine["id"]]


def test_the_list_pages_by_cursor_newest_period_first(member):
    weeks = ["2026-W18", "2026-W19", "2026-W20"]
    for week in weeks:
        submit(member, week=week)
    first = member.api.get("/api/v1/timesheets?per_page=2").json_body
    second = member.api.get(f"/api/v1/timesheets?per_page=2&cursor={first['next_cursor']}").json_body
    assert [t["week"] for t in first["data"] + second["data"]] == list(reversed(weeks))
    assert second["has_more"] is False


def test_a_colleagues_timesheet_is_not_found_for_a_member_and_another_orgs_for_anyone(member, admin, outsider):
    colleagues = submit(admin)
    assert member.api.get(f"/api/v1/timesheets/{colleagues['id']}").status_code == 404
    for method, path, body in (
        ("GET", f"/api/v1/timesheets/{colleagues['id']}", None),
        ("POST", f"/api/v1/timesheets/{colleagues['id']}/approve", {}),
        ("POST", f"/api/v1/timesheets/{colleagues['id']}/reject", {"comment": "x"}),
        ("GET", "/api/v1/timesheets/tsh_not-an-id", None),
    ):
        response = outsider.api.request(method, path, json=body)
        assert response.status_code == 404, (method, path)
    assert admin.api.get(f"/api/v1/timesheets/{colleagues['id']}").json_body["status"] == "submitted"


def test_timesheet_routes_need_credentials(api):
    assert api.get("/api/v1/timesheets").status_code == 401
    assert api.post("/api/v1/timesheets", json={"week": WEEK}).status_code == 401


def test_submitting_and_reviewing_are_audited(member, admin):
    timesheet = approve(admin, submit(member)["id"])
    logged = admin.api.get(f"/api/v1/audit-logs?entity_type=timesheet&entity_id={timesheet['id']}").json_body["data"]
    assert sorted(item["action"] for item in logged) == ["approved", "submitted"]


def test_a_period_holds_at_most_95_entries_and_95_are_approved_in_one_go(member, admin):
    # GIVEN 96 ten-minute entries on one day
    ids = []
    for slot in range(96):
        start = f"{slot // 6:02d}:{slot % 6 * 10:02d}"
        stop = f"{slot // 6:02d}:{slot % 6 * 10 + 9:02d}"
        ids.append(entry(member, MONDAY, start, stop)["id"])
    # WHEN the week is submitted
    response = member.api.post("/api/v1/timesheets", json={"week": WEEK})
    # THEN 400 naming the period and saying why; nothing is submitted
    assert response.status_code == 400
    assert error(response)["details"][0] == {
        "field": "week",
        "message": "a timesheet holds at most 95 time entries; this period has 96",
    }
    assert member.api.get("/api/v1/timesheets").json_body["data"] == []
    # AND with one entry less the week is submitted and approved, every entry locked
    assert member.api.delete(f"/api/v1/entries/{ids.pop()}").status_code == 204
    approved = approve(admin, submit(member)["id"])
    assert approved["entry_count"] == 95
    assert member.api.delete(f"/api/v1/entries/{ids[0]}").status_code == 409
    assert member.api.delete(f"/api/v1/entries/{ids[-1]}").status_code == 409


def test_a_period_overlapping_approved_time_cannot_be_submitted(member, admin):
    entry(member, MONDAY)
    approved = approve(admin, submit(member, **{"from": MONDAY, "to": MONDAY})["id"])
    response = member.api.post("/api/v1/timesheets", json={"week": WEEK})
    assert response.status_code == 409
    assert approved["id"] in error(response)["message"]


def test_the_list_filters_by_the_periods_first_day(member):
    submit(member, week="2026-W18")
    in_may = submit(member, week=WEEK)
    listed = member.api.get(f"/api/v1/timesheets?from={MONDAY}&to={SUNDAY}").json_body["data"]
    assert [t["id"] for t in listed] == [in_may["id"]]
    response = member.api.get(f"/api/v1/timesheets?from={SUNDAY}&to={MONDAY}")
    assert response.status_code == 400 and error(response)["details"][0]["field"] == "to"
