"""GET /search?type=time_entry: TRCR's unified search finds time entries by their description."""

from tests.support import factories


def _hits(account, query: str) -> list[tuple[str, str]]:
    response = account.api.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.json_body
    return [(hit["type"], hit["id"]) for hit in response.json_body["data"]]


def _entry(account, description: str) -> str:
    body = {"description": description, "started_at": "2026-03-28T09:00:00Z", "stopped_at": "2026-03-28T10:00:00Z"}
    response = account.api.post("/api/v1/time-entries", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def test_a_time_entry_is_found_by_its_description(api):
    # GIVEN a finished entry and a running timer
    owner = factories.register(api)
    meeting = _entry(owner, "Quarterly client meeting")
    running = owner.api.post("/api/v1/time-entries/start", json={"description": "Client onboarding call"})
    factories.drain_jobs()
    # WHEN searching time entries by a word of their descriptions
    hits = _hits(owner, "q=client&type=time_entry")
    # THEN both are found, and the unified search (no type) finds them too
    assert sorted(hits) == sorted([("time_entry", meeting), ("time_entry", running.json_body["id"])])
    assert ("time_entry", meeting) in _hits(owner, "q=quarterly")


def test_a_changed_or_deleted_entry_is_found_by_its_new_words_only(api):
    owner = factories.register(api)
    entry_id = _entry(owner, "Quarterly review")
    factories.drain_jobs()
    assert owner.api.put(f"/api/v1/time-entries/{entry_id}", json={"description": "Budget planning"}).status_code == 200
    factories.drain_jobs()
    assert _hits(owner, "q=quarterly&type=time_entry") == []
    assert _hits(owner, "q=budget&type=time_entry") == [("time_entry", entry_id)]
    assert owner.api.delete(f"/api/v1/time-entries/{entry_id}").status_code == 204
    factories.drain_jobs()
    assert _hits(owner, "q=budget&type=time_entry") == []


def test_members_find_only_their_own_time_entries_and_admins_find_all(api):
    # GIVEN an entry of the owner and one of a member, both about the same thing
    owner = factories.register(api)
    member = factories.join(api, owner)
    owners = _entry(owner, "Invoice reconciliation")
    members = _entry(member, "Invoice reconciliation")
    factories.drain_jobs()
    # THEN the member finds only theirs, the owner (an admin) both, and another org nothing
    assert _hits(member, "q=reconciliation&type=time_entry") == [("time_entry", members)]
    assert sorted(_hits(owner, "q=reconciliation&type=time_entry")) == sorted(
        [("time_entry", owners), ("time_entry", members)]
    )
    assert _hits(factories.register(api), "q=reconciliation&type=time_entry") == []
