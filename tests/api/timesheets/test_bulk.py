"""PATCH and DELETE /time-entries/bulk: many entries in one request, each answered like its single request."""

from tests.api.timesheets.helpers import MONDAY, TUESDAY, approve, entry, error, submit

MISSING = "te_01JD0000000000000000000000"


def _outcomes(response) -> dict[str, int]:
    return {item["id"]: item["status"] for item in response.json_body["data"]}


def test_a_member_changes_several_of_their_entries_at_once(member):
    # GIVEN three entries of the member's
    ids = [entry(member, MONDAY, f"0{hour}:00", f"0{hour}:30")["id"] for hour in (6, 7, 8)]
    # WHEN they mark them all non-billable with one description
    response = member.api.patch(
        "/api/v1/time-entries/bulk", json={"ids": ids, "changes": {"billable": False, "description": "Support"}}
    )
    # THEN every id answers 200 with the changed entry, and the entries are changed
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert (body["succeeded"], body["failed"]) == (3, 0)
    assert [item["id"] for item in body["data"]] == ids
    assert all(item["time_entry"]["billable"] is False for item in body["data"])
    for entry_id in ids:
        assert member.api.get(f"/api/v1/time-entries/{entry_id}").json_body["description"] == "Support"


def test_each_id_follows_the_single_entry_rules_and_the_others_still_change(member, admin, outsider):
    # GIVEN the member's entry, a colleague's, an approved one, another org's and one that does not exist
    own = entry(member, TUESDAY)["id"]
    approved = entry(member, MONDAY)["id"]
    approve(admin, submit(member, **{"from": MONDAY, "to": MONDAY})["id"])
    colleagues = entry(admin, TUESDAY)["id"]
    foreign = entry(outsider, TUESDAY)["id"]
    # WHEN the member patches them all
    response = member.api.patch(
        "/api/v1/time-entries/bulk",
        json={"ids": [own, colleagues, approved, foreign, MISSING], "changes": {"description": "x"}},
    )
    # THEN each answers as its own request would; only the member's unlocked entry changed
    assert response.status_code == 200
    assert _outcomes(response) == {own: 200, colleagues: 403, approved: 409, foreign: 404, MISSING: 404}
    locked = next(item for item in response.json_body["data"] if item["id"] == approved)
    assert locked["error"]["code"] == "conflict" and "approved timesheet" in locked["error"]["message"]
    assert response.json_body["failed"] == 4
    assert admin.api.get(f"/api/v1/time-entries/{colleagues}").json_body["description"] is None
    assert outsider.api.get(f"/api/v1/time-entries/{foreign}").json_body["description"] is None


def test_an_admin_deletes_entries_across_the_team_except_locked_ones(admin, member):
    kept = entry(member, MONDAY)["id"]
    approve(admin, submit(member, **{"from": MONDAY, "to": MONDAY})["id"])
    gone = [entry(member, TUESDAY)["id"], entry(admin, TUESDAY, "11:00", "12:00")["id"]]
    response = admin.api.delete("/api/v1/time-entries/bulk", json={"ids": [*gone, kept]})
    assert response.status_code == 200
    assert _outcomes(response) == {gone[0]: 204, gone[1]: 204, kept: 409}
    assert [admin.api.get(f"/api/v1/time-entries/{entry_id}").status_code for entry_id in gone] == [404, 404]
    assert admin.api.get(f"/api/v1/time-entries/{kept}").status_code == 200


def test_more_than_100_ids_is_a_400_and_changes_nothing(member):
    own = entry(member, MONDAY)["id"]
    ids = [own] + [MISSING] * 100
    for response in (
        member.api.patch("/api/v1/time-entries/bulk", json={"ids": ids, "changes": {"description": "x"}}),
        member.api.delete("/api/v1/time-entries/bulk", json={"ids": ids}),
    ):
        assert response.status_code == 400
        assert error(response)["details"][0]["field"] == "ids"
        assert "at most 100" in error(response)["message"]
    assert member.api.get(f"/api/v1/time-entries/{own}").json_body["description"] is None


def test_a_bad_change_is_a_400_naming_the_field_and_changes_nothing(member):
    own = entry(member, MONDAY)["id"]
    for changes, field in (
        ({"hourly_rate": 12.5}, "changes.hourly_rate"),
        ({"user_id": "usr_x"}, "changes.user_id"),
        ({}, "changes"),
    ):
        response = member.api.patch("/api/v1/time-entries/bulk", json={"ids": [own], "changes": changes})
        assert response.status_code == 400, changes
        assert error(response)["details"][0]["field"] == field
    for body, field in (({"ids": []}, "ids"), ({"ids": "te_x"}, "ids"), ({}, "ids")):
        response = member.api.delete("/api/v1/time-entries/bulk", json=body)
        assert response.status_code == 400 and error(response)["details"][0]["field"] == field
    assert member.api.get(f"/api/v1/time-entries/{own}").json_body["hourly_rate"] is None


def test_a_repeated_id_is_handled_once(member):
    own = entry(member, MONDAY)["id"]
    response = member.api.delete("/api/v1/time-entries/bulk", json={"ids": [own, own]})
    assert [item["status"] for item in response.json_body["data"]] == [204]


def test_bulk_changes_are_audited_per_entry(admin):
    ids = [entry(admin, MONDAY)["id"], entry(admin, TUESDAY)["id"]]
    admin.api.patch("/api/v1/time-entries/bulk", json={"ids": ids, "changes": {"description": "Audit"}})
    logged = admin.api.get("/api/v1/audit-logs?entity_type=time_entry&action=updated").json_body["data"]
    assert sorted(item["entity_id"] for item in logged) == sorted(ids)


def test_bulk_routes_need_credentials(api):
    assert api.patch("/api/v1/time-entries/bulk", json={"ids": [MISSING], "changes": {}}).status_code == 401
    assert api.delete("/api/v1/time-entries/bulk", json={"ids": [MISSING]}).status_code == 401
