"""`Idempotency-Key` on every authenticated POST: a retry gets the original answer, once (DESIGN.md §2)."""

import threading
from datetime import timedelta

import pytest

from chalicelib.core import idempotency
from chalicelib.projects import service as projects_service
from tests.support import factories

KEY = {"Idempotency-Key": "retry-7f3a"}


@pytest.fixture
def owner(api):
    return factories.register(api)


def _project(owner) -> str:
    return owner.api.post("/api/v1/projects", json={"name": "Website"}).json_body["id"]


# Each case: a POST route, a body, and how to list what it created.
ROUTES = {
    "projects": (lambda owner: "/api/v1/projects", {"name": "Launch"}, lambda owner: "/api/v1/projects"),
    "clients": (lambda owner: "/api/v1/clients", {"name": "Acme"}, lambda owner: "/api/v1/clients"),
    "tasks": (
        lambda owner: "/api/v1/tasks",
        None,  # needs a project id, filled in by the test
        lambda owner: "/api/v1/tasks",
    ),
    "labels": (lambda owner: "/api/v1/labels", {"name": "bug", "color": "#ff0000"}, lambda owner: "/api/v1/labels"),
}


def _case(owner, name: str) -> tuple[str, dict, str]:
    path, body, listing = ROUTES[name]
    if body is None:
        body = {"title": "Write tests", "project_id": _project(owner)}
    return path(owner), body, listing(owner)


def _count(owner, listing: str) -> int:
    response = owner.api.get(listing)
    assert response.status_code == 200, response.json_body
    return len(response.json_body["data"])


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_retried_post_gets_the_original_answer_and_creates_nothing_more(owner, route):
    # GIVEN a POST that succeeded with an Idempotency-Key
    path, body, listing = _case(owner, route)
    first = owner.api.post(path, json=body, headers=KEY)
    assert first.status_code == 201, first.json_body
    before = _count(owner, listing)
    # WHEN the client retries it with the same key and body
    retry = owner.api.post(path, json=body, headers=KEY)
    # THEN it gets the same status and body, marked as a replay, and nothing new exists
    assert (retry.status_code, retry.json_body) == (201, first.json_body)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _count(owner, listing) == before


@pytest.mark.parametrize("route", ["projects", "clients", "tasks"])
def test_the_same_key_with_a_different_body_is_409_and_creates_nothing(owner, route):
    path, body, listing = _case(owner, route)
    assert owner.api.post(path, json=body, headers=KEY).status_code == 201
    before = _count(owner, listing)
    # WHEN the key is reused for another body
    other = {**body, **({"title": "Other"} if route == "tasks" else {"name": "Other"})}
    response = owner.api.post(path, json=other, headers=KEY)
    # THEN it is a conflict naming the key, and nothing was created
    assert response.status_code == 409, response.json_body
    assert response.json_body["error"]["code"] == "conflict"
    assert "Idempotency-Key" in response.json_body["error"]["message"]
    assert _count(owner, listing) == before


def test_the_same_key_on_another_route_is_409(owner):
    assert owner.api.post("/api/v1/projects", json={"name": "Acme"}, headers=KEY).status_code == 201
    response = owner.api.post("/api/v1/clients", json={"name": "Acme"}, headers=KEY)
    assert response.status_code == 409
    assert _count(owner, "/api/v1/clients") == 0


def test_json_formatting_and_key_order_do_not_make_a_different_request(owner):
    # GIVEN a project created with a key
    first = owner.api.post("/api/v1/projects", body=b'{"name": "Launch", "billable": true}', headers=KEY)
    assert first.status_code == 201
    # WHEN the same body is retried with other spacing and key order
    retry = owner.api.post("/api/v1/projects", body=b'{"billable":true,"name":"Launch"}', headers=KEY)
    # THEN it is the same request: replayed
    assert retry.json_body == first.json_body


def test_a_failed_request_does_not_use_up_its_key(owner):
    # GIVEN a POST refused as invalid (nothing was done)
    assert owner.api.post("/api/v1/projects", json={"name": ""}, headers=KEY).status_code == 400
    # WHEN it is corrected and sent again with the same key
    response = owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    # THEN it runs
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers


def test_keys_are_scoped_per_user(api, owner):
    admin = factories.join(api, owner, role="admin")
    first = owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    # WHEN another user of the org happens to send the same key and body
    second = admin.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    # THEN theirs is a request of its own
    assert (first.status_code, second.status_code) == (201, 201)


def test_keys_are_scoped_per_organization(api, owner):
    elsewhere = factories.in_new_org(owner)
    first = owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    second = elsewhere.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json_body["id"] != second.json_body["id"]


def test_a_duplicate_arriving_while_the_first_is_running_is_409_still_processing(owner, monkeypatch):
    # GIVEN a project create that, while it runs, sees the same request arrive from another thread
    answers = []
    real_create = projects_service.create

    def create_while_retried(**kwargs):
        retry = threading.Thread(
            target=lambda: answers.append(owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY))
        )
        retry.start()
        retry.join()
        return real_create(**kwargs)

    monkeypatch.setattr(projects_service, "create", create_while_retried)
    first = owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY)
    # THEN the duplicate was told the first is still being processed, and only the first created a project
    [duplicate] = answers
    assert duplicate.status_code == 409 and "still being processed" in duplicate.json_body["error"]["message"]
    assert duplicate.headers["Retry-After"] == "1"
    assert first.status_code == 201
    assert _count(owner, "/api/v1/projects") == 1
    # AND once the first has finished, the retry gets its answer
    monkeypatch.setattr(projects_service, "create", real_create)
    assert owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY).json_body == first.json_body


def test_a_key_can_be_used_again_after_24_hours(owner, monkeypatch):
    assert owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers=KEY).status_code == 201
    later = idempotency.utcnow() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(idempotency, "utcnow", lambda: later)
    response = owner.api.post("/api/v1/projects", json={"name": "Other"}, headers=KEY)
    assert response.status_code == 201


def test_responses_carrying_credentials_are_never_stored_for_replay(owner):
    # WHEN an API token is created twice with the same key
    first = owner.api.post("/api/v1/api-tokens", json={"name": "CI"}, headers=KEY)
    second = owner.api.post("/api/v1/api-tokens", json={"name": "CI"}, headers=KEY)
    # THEN each answer is a fresh token (the secret was not kept to be replayed), marked no-store
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json_body["id"] != second.json_body["id"]
    assert first.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_400_naming_the_header(owner, key):
    response = owner.api.post("/api/v1/projects", json={"name": "Launch"}, headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "Idempotency-Key"
    assert _count(owner, "/api/v1/projects") == 0


def test_stopping_a_timer_is_idempotent_too(owner):
    # GIVEN a running timer stopped with a key
    assert owner.api.post("/api/v1/entries/start", json={}).status_code == 201
    stopped = owner.api.post("/api/v1/entries/stop", headers=KEY)
    assert stopped.status_code == 200
    # WHEN the stop is retried (nothing runs any more)
    retry = owner.api.post("/api/v1/entries/stop", headers=KEY)
    # THEN the retry gets the stopped entry, not "no timer is running"
    assert (retry.status_code, retry.json_body) == (200, stopped.json_body)


def test_time_entry_creates_keep_their_own_idempotency(owner):
    body = {"start": "2026-05-04T09:00:00Z", "stop": "2026-05-04T10:00:00Z"}
    first = owner.api.post("/api/v1/entries", json=body, headers=KEY)
    retry = owner.api.post("/api/v1/entries", json=body, headers=KEY)
    assert retry.json_body["id"] == first.json_body["id"]
    assert "Idempotent-Replayed" not in retry.headers  # answered by the entry's own record
    other = owner.api.post("/api/v1/entries", json={**body, "stop": "2026-05-04T11:00:00Z"}, headers=KEY)
    assert other.status_code == 409
