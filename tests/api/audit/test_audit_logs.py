"""`GET /api/v1/audit-logs` (TRCR "Audit Logs"): admins read their org's trail, filtered and paged."""

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from chalicelib.audit import service as audit_service
from tests.support import factories

ENTRY_FIELDS = {
    "id",
    "user_id",
    "user_name",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "ip_address",
    "created_at",
}


@pytest.fixture
def owner(api):
    return factories.register(api, name="Ada Admin")


def audit_log(account: factories.Account, **params) -> dict:
    """The audit-log page `account` gets for these query parameters (asserting it is a 200)."""
    query = f"?{urlencode(params)}" if params else ""
    response = account.api.get(f"/api/v1/audit-logs{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def entries(account: factories.Account, **params) -> list[dict]:
    return audit_log(account, **params)["data"]


def at(text: str):
    """A fixed clock for audit entries written while it is installed."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return lambda: instant


# --- who may read it -----------------------------------------------------------------------------------------


def test_a_member_may_not_read_the_audit_log(api, owner):
    # GIVEN a plain member of the org
    member = factories.join(api, owner)
    # WHEN they ask for the audit log
    response = member.api.get("/api/v1/audit-logs")
    # THEN it is a 403
    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "forbidden"


def test_an_admin_may_read_the_audit_log(api, owner):
    # GIVEN an admin (not the owner) of the org
    admin = factories.join(api, owner, role="admin")
    # WHEN they ask for the audit log
    response = admin.api.get("/api/v1/audit-logs")
    # THEN they see the org's entries
    assert response.status_code == 200
    assert any(entry["entity_id"] == owner.org_id for entry in response.json_body["data"])


def test_the_audit_log_needs_authentication(api):
    # GIVEN no credentials
    # WHEN the audit log is requested
    response = api.get("/api/v1/audit-logs")
    # THEN it is a 401
    assert response.status_code == 401


def test_an_admin_sees_only_their_own_orgs_entries(api, owner):
    # GIVEN another org with its own activity
    stranger = factories.register(api, name="Stranger")
    factories.api_token(stranger)
    # WHEN the first org's owner reads the audit log, even filtering by the stranger or their org
    everything = entries(owner)
    by_user = entries(owner, user_id=stranger.user_id)
    by_entity = entries(owner, entity_id=stranger.org_id)
    # THEN nothing of the other org shows
    assert stranger.user_id not in {entry["user_id"] for entry in everything}
    assert by_user == [] and by_entity == []


# --- what it records -----------------------------------------------------------------------------------------


def test_creating_the_org_at_registration_is_recorded(owner):
    # GIVEN a user who just registered (which created their first org)
    # WHEN they read the audit log
    [created] = entries(owner, entity_type="organization")
    # THEN the org's creation is there, by them, with what was set
    assert created["action"] == "created"
    assert created["entity_id"] == owner.org_id
    assert created["user_id"] == owner.user_id
    assert created["user_name"] == "Ada Admin"
    assert created["changes"]["name"] == {"from": None, "to": "Ada Admin's workspace"}
    assert set(created["changes"]) == {"name", "slug"}


def test_a_login_is_recorded_with_the_session_and_ip(api, owner):
    # GIVEN the owner signs in again
    factories.login(api, owner.email)
    # WHEN the audit log is filtered to logins
    [login] = entries(owner, action="login")
    # THEN the login is there: who, which session, from where
    assert login["user_id"] == owner.user_id
    assert login["entity_type"] == "session"
    assert login["entity_id"].startswith("ses_")
    assert login["ip_address"] == "127.0.0.1"


def test_a_failed_login_is_recorded(api, owner):
    # GIVEN a wrong password for the owner
    response = api.post("/api/v1/auth/login", json={"email": owner.email, "password": "not the password"})
    assert response.status_code == 401
    # WHEN the audit log is filtered to failed logins
    [failed] = entries(owner, action="login_failed")
    # THEN the attempt is there, against the user
    assert failed["entity_type"] == "user" and failed["entity_id"] == owner.user_id


def test_every_entry_has_the_documented_shape(api, owner):
    # GIVEN some activity: a login, a member joining, a token created
    factories.login(api, owner.email)
    factories.join(api, owner)
    factories.api_token(owner)
    # WHEN the audit log is read
    data = entries(owner)
    # THEN each entry has exactly the documented fields, a log_ id and an RFC 3339 UTC time, newest first
    assert len(data) >= 4
    for entry in data:
        assert set(entry) == ENTRY_FIELDS
        assert entry["id"].startswith("log_")
        assert entry["created_at"].endswith("Z")
        assert isinstance(entry["changes"], dict)
    times = [entry["created_at"] for entry in data]
    assert times == sorted(times, reverse=True)


def test_the_user_name_is_the_actors_current_name(owner):
    # GIVEN the owner renamed themselves after creating their org
    owner.api.put("/api/v1/users/me", json={"name": "Ada Lovelace"})
    # WHEN the audit log is read
    [created] = entries(owner, entity_type="organization")
    # THEN the entry shows the current name
    assert created["user_name"] == "Ada Lovelace"


# --- filters -------------------------------------------------------------------------------------------------


def test_filter_by_acting_user(api, owner):
    # GIVEN a member who joined and created a token, and the owner's own activity
    member = factories.join(api, owner)
    factories.api_token(member)
    factories.api_token(owner)
    # WHEN the log is filtered to the member
    data = entries(owner, user_id=member.user_id)
    # THEN only the member's actions show: joining and the token
    assert {entry["user_id"] for entry in data} == {member.user_id}
    assert sorted((entry["action"], entry["entity_type"]) for entry in data) == [
        ("created", "api_token"),
        ("joined", "member"),
    ]


def test_filter_by_action(api, owner):
    # GIVEN a login, a token creation and the org creation
    factories.login(api, owner.email)
    factories.api_token(owner)
    # WHEN the log is filtered to "created"
    data = entries(owner, action="created")
    # THEN only creations show, of the org and of the token
    assert {entry["action"] for entry in data} == {"created"}
    assert sorted(entry["entity_type"] for entry in data) == ["api_token", "organization"]


def test_filter_by_entity_type(owner):
    # GIVEN two tokens and the org creation
    first, second = factories.api_token(owner), factories.api_token(owner)
    # WHEN the log is filtered to api tokens
    data = entries(owner, entity_type="api_token")
    # THEN exactly the two tokens show
    assert {entry["entity_id"] for entry in data} == {first.id, second.id}


def test_filter_by_entity_id(owner):
    # GIVEN a token created and revoked, and another token
    issued, other = factories.api_token(owner), factories.api_token(owner)
    owner.api.delete(f"/api/v1/api-tokens/{issued.id}")
    # WHEN the log is filtered to the first token
    data = entries(owner, entity_id=issued.id)
    # THEN its history shows, newest first, and nothing about the other token
    assert [entry["action"] for entry in data] == ["revoked", "created"]
    assert other.id not in {entry["entity_id"] for entry in data}


def test_filters_combine(api, owner):
    # GIVEN the owner and a member each created a token
    member = factories.join(api, owner)
    factories.api_token(member)
    mine = factories.api_token(owner)
    # WHEN the log is filtered by user, action and entity type together
    data = entries(owner, user_id=owner.user_id, action="created", entity_type="api_token")
    # THEN only the owner's token creation shows
    assert [entry["entity_id"] for entry in data] == [mine.id]


def test_entity_and_user_filters_combine(api, owner):
    # GIVEN a member whose membership was created by the owner's invitation and then joined by the member
    member = factories.join(api, owner)
    # WHEN the log is filtered to that membership and the member as actor
    data = entries(owner, entity_id=member.member_id, user_id=member.user_id)
    # THEN only the member's own action on it shows
    assert [entry["action"] for entry in data] == ["joined"]


@pytest.fixture
def dated_tokens(owner, monkeypatch):
    """Three tokens whose audit entries were written on 1, 15 and 31 March 2026 (end of day for the last)."""
    made = {}
    for label, instant in [
        ("march-1", "2026-03-01T10:00:00Z"),
        ("march-15", "2026-03-15T09:30:00Z"),
        ("march-31", "2026-03-31T23:59:59.999Z"),
    ]:
        monkeypatch.setattr(audit_service, "utcnow", at(instant))
        made[label] = factories.api_token(owner, name=label).id
    monkeypatch.undo()
    return made


def _labels(account, dated_tokens, **params) -> list[str]:
    by_id = {token_id: label for label, token_id in dated_tokens.items()}
    return [by_id[e["entity_id"]] for e in entries(account, entity_type="api_token", **params)]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["march-31", "march-15", "march-1"]),
        ({"from": "2026-03-10"}, ["march-31", "march-15"]),
        ({"to": "2026-03-10"}, ["march-1"]),
        ({"from": "2026-03-01", "to": "2026-03-01"}, ["march-1"]),
        ({"from": "2026-03-15", "to": "2026-03-15"}, ["march-15"]),
        ({"to": "2026-03-31"}, ["march-31", "march-15", "march-1"]),
        ({"from": "2026-04-01"}, []),
        ({"to": "2026-02-28"}, []),
        ({"from": "2026-03-15T09:30:00Z", "to": "2026-03-15T09:30:00Z"}, ["march-15"]),
        ({"from": "2026-03-15T09:30:00.001Z"}, ["march-31"]),
        ({"to": "2026-03-15T11:30:00+02:00"}, ["march-15", "march-1"]),
    ],
)
def test_filter_by_date_range_includes_both_ends(owner, dated_tokens, params, expected):
    # GIVEN token creations on 1, 15 and 31 March (the last in the final millisecond of the day)
    # WHEN the log is filtered by a date or timestamp range
    # THEN exactly the entries within it show; a `to` date covers that whole day
    assert _labels(owner, dated_tokens, **params) == expected


def test_date_range_works_with_the_entity_and_user_filters(owner, dated_tokens):
    # GIVEN dated token creations
    # WHEN a user filter and an entity filter are combined with dates
    by_user = _labels(owner, dated_tokens, user_id=owner.user_id, **{"from": "2026-03-15", "to": "2026-03-15"})
    by_entity = _labels(owner, dated_tokens, entity_id=dated_tokens["march-31"], to="2026-03-31")
    # THEN the ranges apply on those indexes too
    assert by_user == ["march-15"]
    assert by_entity == ["march-31"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2026-03-20", "to": "2026-03-10"}, "from"),
        ({"from": "March 1st"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-01T10:00:00"}, "from"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(owner, params, field):
    # GIVEN an admin
    # WHEN they send an invalid date, a reversed range, a naive timestamp or an out-of-range page size
    response = owner.api.get(f"/api/v1/audit-logs?{urlencode(params)}")
    # THEN it is a 400 naming the parameter
    assert response.status_code == 400
    assert field in {detail["field"] for detail in response.json_body["error"]["details"]}


# --- paging --------------------------------------------------------------------------------------------------


def test_pages_follow_next_cursor_until_the_end(owner):
    # GIVEN the org creation plus five token creations
    tokens = {factories.api_token(owner).id for _ in range(5)}
    everything = [entry["id"] for entry in entries(owner)]
    # WHEN the log is read two at a time, following next_cursor
    seen, cursor, pages = [], None, 0
    while True:
        params = {"per_page": 2} if cursor is None else {"per_page": 2, "cursor": cursor}
        page = audit_log(owner, **params)
        pages += 1
        assert len(page["data"]) <= 2 and page["per_page"] == 2
        seen += [entry["id"] for entry in page["data"]]
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None)
        if cursor is None:
            break
    # THEN every entry is seen once, in the same newest-first order, over three pages
    assert seen == everything
    assert len(seen) == 6 and pages == 3
    assert tokens <= {entry["entity_id"] for entry in entries(owner)}


def test_a_filtered_list_pages_too(owner):
    # GIVEN three token creations among other entries
    for _ in range(3):
        factories.api_token(owner)
    # WHEN api-token entries are read one at a time
    first = audit_log(owner, entity_type="api_token", per_page=1)
    second = audit_log(owner, entity_type="api_token", per_page=1, cursor=first["next_cursor"])
    # THEN each page holds one different token entry and says there is more
    assert first["has_more"] and second["has_more"]
    assert first["data"][0]["entity_type"] == second["data"][0]["entity_type"] == "api_token"
    assert first["data"][0]["id"] != second["data"][0]["id"]


def test_page_number_paging_is_accepted(owner):
    # GIVEN the org creation plus three token creations
    for _ in range(3):
        factories.api_token(owner)
    everything = [entry["id"] for entry in entries(owner)]
    # WHEN the second page of two is asked for by number
    page = audit_log(owner, page=2, per_page=2)
    # THEN it holds the third and fourth entries
    assert [entry["id"] for entry in page["data"]] == everything[2:4]
    assert page["page"] == 2


def _forged(cursor: str) -> str:
    """The same position with one signature character changed."""
    body, signature = cursor.split(".")
    return f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("cursor", ["garbage", "eyJQSyI6IngifQ.AAAAAAAAAAAAAAAAAAAAAA", "a.b.c", "e30"])
def test_a_cursor_the_server_did_not_issue_is_400(owner, cursor):
    # GIVEN an admin
    # WHEN they send a cursor the server did not issue
    response = owner.api.get(f"/api/v1/audit-logs?{urlencode({'per_page': 1, 'cursor': cursor})}")
    # THEN it is a 400 naming the cursor
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "cursor"


def test_a_tampered_cursor_is_400(owner):
    # GIVEN a real cursor into the audit log
    for _ in range(2):
        factories.api_token(owner)
    cursor = audit_log(owner, per_page=1)["next_cursor"]
    # WHEN its signature is altered
    response = owner.api.get(f"/api/v1/audit-logs?{urlencode({'per_page': 1, 'cursor': _forged(cursor)})}")
    # THEN it is a 400 naming the cursor
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "cursor"


def test_a_cursor_cannot_be_replayed_against_another_list(api, owner):
    # GIVEN a cursor from the owner's unfiltered audit log
    for _ in range(2):
        factories.api_token(owner)
    cursor = audit_log(owner, per_page=1)["next_cursor"]
    stranger = factories.register(api, name="Stranger")
    # WHEN it is used with a date filter, with a user filter, and by another org's owner
    with_dates = owner.api.get(f"/api/v1/audit-logs?{urlencode({'cursor': cursor, 'from': '2020-01-01'})}")
    with_user = owner.api.get(f"/api/v1/audit-logs?{urlencode({'cursor': cursor, 'user_id': owner.user_id})}")
    other_org = stranger.api.get(f"/api/v1/audit-logs?{urlencode({'cursor': cursor})}")
    # THEN each is a 400
    assert with_dates.status_code == with_user.status_code == other_org.status_code == 400
