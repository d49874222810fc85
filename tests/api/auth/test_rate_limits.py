"""Per-credential request limits on every authenticated route, and the per-IP limit on registration."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.audit.service import Actor
from chalicelib.auth import service as auth_service
from chalicelib.core import ratelimit
from chalicelib.core.config import get_settings
from chalicelib.core.metrics import count_dynamodb_calls
from tests.api.auth.helpers import ME, assert_error, login
from tests.support import factories

# A fixed instant early in a minute, so a test never straddles two windows.
NOW = datetime(2030, 1, 7, 9, 30, 5, tzinfo=UTC)
WINDOW_END = int(NOW.timestamp()) - 5 + 60


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch):
    monkeypatch.setattr(ratelimit, "utcnow", lambda: NOW)
    ratelimit.requests_per_credential.reset()


def _limits(monkeypatch, **values) -> None:
    """Run with other limits than the test environment's (it raises the per-token one for the other suites)."""
    settings = dataclasses.replace(get_settings(), **values)
    monkeypatch.setattr(auth_service, "get_settings", lambda: settings)


def _spend(account, times: int) -> None:
    for _ in range(times):
        assert account.api.get(ME).status_code == 200


def test_a_token_over_its_limit_gets_429_with_retry_after_and_rate_headers(api, monkeypatch):
    # GIVEN a limit of 5 requests a minute and a token that made 5
    _limits(monkeypatch, api_rate_limit_per_minute=5)
    account = factories.register(api)
    _spend(account, 5)
    # WHEN it makes a sixth in the same minute
    response = account.api.get(ME)
    # THEN it is refused as rate_limited, told when to come back and where it stands
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"] == "55"
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == str(WINDOW_END)


def test_every_authenticated_response_says_how_many_requests_remain(api, monkeypatch):
    _limits(monkeypatch, api_rate_limit_per_minute=5)
    account = factories.register(api)
    # WHEN the token makes requests, successful or not
    answers = [account.api.get(ME), account.api.get("/api/v1/projects/prj_01J00000000000000000000000")]
    # THEN each says the limit and what remains, counting down
    assert [r.headers["X-RateLimit-Remaining"] for r in answers] == ["4", "3"]
    assert answers[1].status_code == 404
    assert {r.headers["X-RateLimit-Limit"] for r in answers} == {"5"}


def test_a_refused_write_changes_nothing(api, monkeypatch):
    # GIVEN a token that used up its minute creating projects
    _limits(monkeypatch, api_rate_limit_per_minute=3)
    account = factories.register(api)
    for name in ("One", "Two", "Three"):
        assert account.api.post("/api/v1/projects", json={"name": name}).status_code == 201
    # WHEN it tries to create one more
    response = account.api.post("/api/v1/projects", json={"name": "Four"})
    assert_error(response, 429, "rate_limited")
    # THEN, in the next minute, only the first three exist
    monkeypatch.setattr(ratelimit, "utcnow", lambda: NOW + timedelta(minutes=1))
    names = [p["name"] for p in account.api.get("/api/v1/projects").json_body["data"]]
    assert sorted(names) == ["One", "Three", "Two"]


def test_the_budget_comes_back_in_the_next_minute(api, monkeypatch):
    _limits(monkeypatch, api_rate_limit_per_minute=2)
    account = factories.register(api)
    _spend(account, 2)
    assert account.api.get(ME).status_code == 429
    # WHEN the next window starts
    monkeypatch.setattr(ratelimit, "utcnow", lambda: NOW + timedelta(seconds=55))
    # THEN the token is served again, with a full budget
    response = account.api.get(ME)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "1"


def test_each_session_and_each_api_token_has_its_own_budget(api, monkeypatch):
    # GIVEN a session that used up its minute
    _limits(monkeypatch, api_rate_limit_per_minute=3)
    account = factories.register(api)
    pat = factories.api_token(account).secret  # one request of the session's three
    _spend(account, 2)
    assert account.api.get(ME).status_code == 429
    # WHEN the same user calls with an API token, or from a second sign-in
    second_session = factories.login(api, account.email)
    # THEN both are served: the limit is per credential, not per user
    assert api.as_token(pat).get(ME).status_code == 200
    assert second_session.api.get(ME).status_code == 200


def test_api_tokens_are_limited_like_sessions(api, monkeypatch):
    _limits(monkeypatch, api_rate_limit_per_minute=2)
    account = factories.register(api)
    client = api.as_token(factories.api_token(account).secret)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]


def test_the_count_is_shared_between_instances(api, monkeypatch):
    # GIVEN a token close to its limit (every request near the limit is written to the shared counter)
    _limits(monkeypatch, api_rate_limit_per_minute=4)
    account = factories.register(api)
    _spend(account, 4)
    # WHEN its next request lands on a fresh instance that served none of them
    ratelimit.requests_per_credential.reset()
    # THEN that instance refuses it too
    assert account.api.get(ME).status_code == 429


def test_far_from_the_limit_an_instance_writes_its_count_once_per_ten_requests(api, monkeypatch):
    _limits(monkeypatch, api_rate_limit_per_minute=1000)
    account = factories.register(api)
    # WHEN the token makes 25 requests
    with count_dynamodb_calls() as calls:
        _spend(account, 25)
    # THEN the counter was written twice (after the 10th and the 20th), and a fresh instance sees those 20
    assert calls["UpdateItem"] == 2, dict(calls)
    ratelimit.requests_per_credential.reset()
    assert account.api.get(ME).headers["X-RateLimit-Remaining"] == str(1000 - 21)


def test_authentication_with_the_rate_check_is_one_batch_get(api, monkeypatch):
    # GIVEN a signed-in account
    _limits(monkeypatch, api_rate_limit_per_minute=100)
    account = factories.register(api)
    # WHEN a request is authenticated (and counted)
    with count_dynamodb_calls() as calls:
        auth_service.authenticate(authorization=f"Bearer {account.access_token}", actor=Actor(None, "127.0.0.1"))
    # THEN the session, membership, user and rate counter came in one BatchGetItem, and nothing else
    assert dict(calls) == {"BatchGetItem": 1}


def test_requests_without_valid_credentials_are_401_and_not_metered(api, monkeypatch):
    _limits(monkeypatch, api_rate_limit_per_minute=1)
    response = api.as_token("not-a-token").get(ME)
    assert_error(response, 401, "unauthorized")
    assert "X-RateLimit-Limit" not in response.headers


# --- registration per IP ---------------------------------------------------------------------------------------


def test_registrations_from_one_ip_beyond_the_hourly_limit_are_429_and_create_nothing(api, monkeypatch):
    # GIVEN three registrations from this IP in the hour, the limit
    _limits(monkeypatch, register_limit_per_ip_per_hour=3)
    for _ in range(3):
        factories.register(api)
    # WHEN a fourth person registers from the same IP
    address = factories.unique_email("fourth")
    body = {"email": address, "password": factories.PASSWORD, "name": "Fourth"}
    response = api.post("/api/v1/auth/register", json=body)
    # THEN it is refused with Retry-After, and no account exists for that address
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert_error(login(api, address), 401, "unauthorized")


def test_a_failed_counter_write_does_not_fail_requests_and_is_carried_over(api, monkeypatch):
    from pynamodb.exceptions import UpdateError

    _limits(monkeypatch, api_rate_limit_per_minute=1000)
    account = factories.register(api)
    real_add = ratelimit._add

    def unavailable(*args, **kwargs):
        raise UpdateError("throttled")

    # GIVEN the counter cannot be written while the token makes its first 10 requests
    monkeypatch.setattr(ratelimit, "_add", unavailable)
    _spend(account, 10)
    # WHEN it can be written again and one more request is made
    monkeypatch.setattr(ratelimit, "_add", real_add)
    _spend(account, 1)
    # THEN that write carried all 11: a fresh instance counts them
    ratelimit.requests_per_credential.reset()
    assert account.api.get(ME).headers["X-RateLimit-Remaining"] == str(1000 - 12)
