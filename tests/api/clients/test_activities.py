"""Client activities: the log of meetings, calls, emails and notes (TRCR "Client Activities")."""

from tests.api.clients.helpers import audit_entries, create_client, error, field_error, ids, log_activity


def _activities(account, client_id: str, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/clients/{client_id}/activities{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


# --- list ----------------------------------------------------------------------------------------------------


def test_list_is_newest_first_by_activity_date(owner):
    # GIVEN activities logged out of date order
    client = create_client(owner)
    march = log_activity(owner, client["id"], title="March", date="2026-03-01T10:00:00Z")
    may = log_activity(owner, client["id"], title="May", date="2026-05-01T10:00:00Z")
    april = log_activity(owner, client["id"], title="April", date="2026-04-01T10:00:00Z")
    # WHEN the owner lists the client's activities
    activities = _activities(owner, client["id"])
    # THEN the most recent activity date comes first
    assert ids(activities) == [may["id"], april["id"], march["id"]]


def test_list_filtered_by_type_shows_only_that_type(owner):
    # GIVEN a meeting, a call and a note
    client = create_client(owner)
    meeting = log_activity(owner, client["id"], type="meeting")
    log_activity(owner, client["id"], type="call")
    log_activity(owner, client["id"], type="note")
    # WHEN the owner lists only meetings
    activities = _activities(owner, client["id"], "?type=meeting")
    # THEN only the meeting is there
    assert ids(activities) == [meeting["id"]]


def test_list_with_an_unknown_type_is_400(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner filters by a type that does not exist
    response = owner.api.get(f"/api/v1/clients/{client['id']}/activities?type=lunch")
    # THEN it is refused naming `type`
    field_error(response, "type")


def test_list_shows_only_that_clients_activities(owner):
    # GIVEN two clients, each with an activity
    acme, globex = create_client(owner, name="Acme"), create_client(owner, name="Globex")
    log_activity(owner, acme["id"])
    at_globex = log_activity(owner, globex["id"])
    # WHEN the owner lists the second client's activities
    activities = _activities(owner, globex["id"])
    # THEN only its own activity is there
    assert ids(activities) == [at_globex["id"]]


def test_activities_page_with_a_cursor(owner):
    # GIVEN three activities on consecutive days
    client = create_client(owner)
    logged = [log_activity(owner, client["id"], date=f"2026-03-0{day}")["id"] for day in (1, 2, 3)]
    # WHEN the owner reads two, then follows the cursor
    first = owner.api.get(f"/api/v1/clients/{client['id']}/activities?per_page=2").json_body
    rest = owner.api.get(f"/api/v1/clients/{client['id']}/activities?per_page=2&cursor={first['next_cursor']}")
    # THEN the pages hold every activity once, newest first
    assert ids(first["data"]) + ids(rest.json_body["data"]) == logged[::-1]


def test_a_cursor_from_one_type_filter_is_refused_for_another(owner):
    # GIVEN a cursor obtained while listing meetings
    client = create_client(owner)
    for _ in range(2):
        log_activity(owner, client["id"], type="meeting")
    cursor = owner.api.get(f"/api/v1/clients/{client['id']}/activities?type=meeting&per_page=1").json_body[
        "next_cursor"
    ]
    # WHEN the owner uses it while listing calls
    response = owner.api.get(f"/api/v1/clients/{client['id']}/activities?type=call&cursor={cursor}")
    # THEN it is refused naming `cursor`
    field_error(response, "cursor")


# --- log -----------------------------------------------------------------------------------------------------


def test_log_returns_201_with_the_activity_and_its_author(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner logs the documented example activity
    body = {"type": "meeting", "title": "Quarterly review", "description": "Discussed Q1 progress"}
    response = owner.api.post(f"/api/v1/clients/{client['id']}/activities", json=body)
    # THEN it is created for the client, authored by the owner
    assert response.status_code == 201
    activity = response.json_body
    assert activity["id"].startswith("act_")
    assert {key: activity[key] for key in body} == body
    assert (activity["client_id"], activity["created_by"]) == (client["id"], owner.user_id)


def test_log_without_a_date_dates_the_activity_now(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner logs an activity without a date
    activity = log_activity(owner, client["id"])
    # THEN it is dated when it was logged
    assert activity["date"] == activity["created_at"]


def test_log_with_a_plain_date_means_the_start_of_that_day_in_utc(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner logs an activity dated 2026-03-28
    activity = log_activity(owner, client["id"], date="2026-03-28")
    # THEN it is dated at midnight UTC that day
    assert activity["date"] == "2026-03-28T00:00:00Z"


def test_members_can_log_an_activity(owner, member):
    # GIVEN a client
    client = create_client(owner)
    # WHEN a member logs a call
    response = member.api.post(f"/api/v1/clients/{client['id']}/activities", json={"type": "call", "title": "Intro"})
    # THEN it is logged with the member as author
    assert response.status_code == 201
    assert response.json_body["created_by"] == member.user_id


def test_log_records_an_audit_entry(owner):
    # WHEN the owner logs an activity
    client = create_client(owner)
    activity = log_activity(owner, client["id"], type="call", title="Intro")
    # THEN the audit log records it
    [entry] = audit_entries(owner, activity["id"])
    assert (entry["action"], entry["entity_type"]) == ("created", "client_activity")
    assert entry["changes"]["type"] == {"from": None, "to": "call"}


def test_log_with_an_unknown_type_is_400_and_writes_nothing(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner logs an activity of an undocumented type
    response = owner.api.post(f"/api/v1/clients/{client['id']}/activities", json={"type": "lunch", "title": "x"})
    # THEN it is refused naming `type` and nothing was logged
    field_error(response, "type")
    assert _activities(owner, client["id"]) == []


def test_log_without_a_title_is_400(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner logs an activity without a title
    response = owner.api.post(f"/api/v1/clients/{client['id']}/activities", json={"type": "note"})
    # THEN it is refused naming `title`
    field_error(response, "title")


def test_log_with_a_timestamp_without_timezone_is_400(owner):
    # GIVEN a client
    client = create_client(owner)
    # WHEN the owner sends a date-time with no offset
    body = {"type": "note", "title": "x", "date": "2026-03-28T09:00:00"}
    response = owner.api.post(f"/api/v1/clients/{client['id']}/activities", json=body)
    # THEN it is refused naming `date`
    field_error(response, "date")


def test_log_for_a_missing_client_is_404(owner):
    # WHEN the owner logs an activity for a client that does not exist
    response = owner.api.post(
        "/api/v1/clients/cli_01JD0000000000000000000000/activities", json={"type": "note", "title": "x"}
    )
    # THEN the client is not found
    error(response, 404, "not_found")


# --- delete --------------------------------------------------------------------------------------------------


def test_delete_removes_the_activity(owner):
    # GIVEN an activity
    client = create_client(owner)
    activity = log_activity(owner, client["id"])
    # WHEN the owner deletes it
    response = owner.api.delete(f"/api/v1/clients/{client['id']}/activities/{activity['id']}")
    # THEN it is gone from the log
    assert response.status_code == 204
    assert _activities(owner, client["id"]) == []


def test_delete_records_an_audit_entry(owner):
    # GIVEN an activity
    client = create_client(owner)
    activity = log_activity(owner, client["id"])
    # WHEN the owner deletes it
    owner.api.delete(f"/api/v1/clients/{client['id']}/activities/{activity['id']}")
    # THEN the newest audit entry about it is the deletion
    assert audit_entries(owner, activity["id"])[0]["action"] == "deleted"


def test_the_author_can_delete_their_own_activity(owner, member):
    # GIVEN an activity a member logged
    client = create_client(owner)
    activity = log_activity(member, client["id"])
    # WHEN the member deletes it
    response = member.api.delete(f"/api/v1/clients/{client['id']}/activities/{activity['id']}")
    # THEN it is deleted
    assert response.status_code == 204


def test_a_member_cannot_delete_someone_elses_activity(owner, member):
    # GIVEN an activity the owner logged
    client = create_client(owner)
    activity = log_activity(owner, client["id"])
    # WHEN a member deletes it
    response = member.api.delete(f"/api/v1/clients/{client['id']}/activities/{activity['id']}")
    # THEN it is forbidden and the activity remains
    error(response, 403, "forbidden")
    assert ids(_activities(owner, client["id"])) == [activity["id"]]


def test_an_admin_can_delete_a_members_activity(owner, admin, member):
    # GIVEN an activity a member logged
    client = create_client(owner)
    activity = log_activity(member, client["id"])
    # WHEN an admin deletes it
    response = admin.api.delete(f"/api/v1/clients/{client['id']}/activities/{activity['id']}")
    # THEN it is deleted
    assert response.status_code == 204


def test_an_activity_is_not_found_under_another_client(owner):
    # GIVEN an activity of one client and a second client of the same org
    acme, globex = create_client(owner, name="Acme"), create_client(owner, name="Globex")
    activity = log_activity(owner, acme["id"])
    # WHEN the owner deletes it through the other client's path
    response = owner.api.delete(f"/api/v1/clients/{globex['id']}/activities/{activity['id']}")
    # THEN it is not found there, and still in its own client's log
    error(response, 404, "not_found")
    assert ids(_activities(owner, acme["id"])) == [activity["id"]]
