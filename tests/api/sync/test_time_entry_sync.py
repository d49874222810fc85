"""Time entries sync through both list families, and members only learn of their own entries' deletions."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from chalicelib.core.timeutil import to_rfc3339


def _entry(account, hours_ago: int = 2) -> str:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    body = {"started_at": to_rfc3339(start), "stopped_at": to_rfc3339(start + timedelta(minutes=30))}
    response = account.api.post("/api/v1/time-entries", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _ids(account, path: str, **params) -> list[str]:
    response = account.api.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 200, response.json_body
    return [item["id"] for item in response.json_body["data"]]


def _deleted(account, since: str) -> list[str]:
    return _ids(account, "/api/v1/sync/deletions", since=since, type="time_entry")


def test_both_entry_lists_return_only_entries_changed_since_the_sync_point(owner):
    # GIVEN an entry the client holds, then a new one and an edited one after the sync point
    old, edited = _entry(owner, 5), _entry(owner, 4)
    since = to_rfc3339(datetime.now(UTC))
    new = _entry(owner, 3)
    assert owner.api.put(f"/api/v1/time-entries/{edited}", json={"description": "x"}).status_code == 200
    # WHEN the client syncs through either family
    # THEN only the new and the edited entries come back
    assert set(_ids(owner, "/api/v1/time-entries", updated_since=since)) == {new, edited}
    assert set(_ids(owner, "/api/v1/entries", updated_since=since)) == {new, edited}
    assert old in _ids(owner, "/api/v1/time-entries")


def test_a_member_learns_only_of_deletions_of_their_own_entries_and_an_admin_of_all(owner, member):
    # GIVEN an entry of the member and one of the owner, both deleted after the sync point
    mine, theirs = _entry(member), _entry(owner)
    since = to_rfc3339(datetime.now(UTC))
    assert member.api.delete(f"/api/v1/time-entries/{mine}").status_code == 204
    assert owner.api.delete(f"/api/v1/time-entries/{theirs}").status_code == 204
    # WHEN each syncs the deletions
    # THEN the member sees only their own; the owner (an admin) sees both
    assert _deleted(member, since) == [mine]
    assert set(_deleted(owner, since)) == {mine, theirs}


def test_a_member_sees_no_invoice_or_payment_deletions(member):
    since = to_rfc3339(datetime.now(UTC) - timedelta(hours=1))
    for entity_type in ("invoice", "payment"):
        assert _ids(member, "/api/v1/sync/deletions", since=since, type=entity_type) == []
