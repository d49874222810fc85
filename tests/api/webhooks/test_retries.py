"""Failed deliveries are retried with exponential backoff and logged; a webhook that keeps failing is disabled and
the org's admins are told."""

from dataclasses import replace

from chalicelib.core.config import get_settings
from chalicelib.webhooks import service
from tests.api.webhooks.helpers import create_webhook, pump
from tests.support import factories
from tests.support.task_setup import project


def _deliveries(account, hook: dict, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/webhooks/{hook['id']}/deliveries{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def test_a_failing_receiver_gets_the_same_event_again_until_it_answers(owner, receiver):
    # GIVEN a receiver that fails twice (500, then 503) before answering 200
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [500, 503, 200]
    # WHEN a project is created
    project(owner)
    pump()
    # THEN the same event was sent three times, the attempt number counting up
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1
    assert [r.headers["stint-delivery-attempt"] for r in receiver.requests] == ["1", "2", "3"]
    # AND each attempt is in the log, newest first, with its status and error
    logged = _deliveries(owner, hook)
    assert [(a["attempt"], a["status_code"], a["succeeded"]) for a in logged] == [
        (3, 200, True),
        (2, 503, False),
        (1, 500, False),
    ]
    assert logged[1]["error"] == "HTTP 503" and logged[1]["next_attempt_at"] is not None
    assert logged[0]["error"] is None and logged[0]["next_attempt_at"] is None
    # AND the webhook counts no failures any more
    assert owner.api.get(f"/api/v1/webhooks/{hook['id']}").json_body["consecutive_failures"] == 0


def test_retries_back_off_exponentially(monkeypatch):
    monkeypatch.setattr(service, "BASE_DELAY_SECONDS", 30)  # as deployed (the tests' fixture does not wait)
    assert [service.retry_delay(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 960, 1920]
    assert service.retry_delay(20) == service.MAX_DELAY_SECONDS


def test_a_retry_longer_than_sqs_can_delay_waits_again_before_it_is_sent(owner, receiver, monkeypatch):
    # GIVEN retries that wait an hour (SQS delays a message by 15 minutes at most), and a receiver failing once
    monkeypatch.setattr(service, "BASE_DELAY_SECONDS", 3600)
    queued: list[int] = []
    monkeypatch.setattr(service.jobs, "enqueue", lambda name, payload, delay_seconds=0: queued.append(delay_seconds))
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [500]
    event = {"id": "evt_1", "type": "project.created", "created_at": "2026-05-01T00:00:00Z", "org_id": owner.org_id}
    payload = {"org_id": owner.org_id, "webhook_id": hook["id"], "event": {**event, "data": {}}, "attempt": 1}
    # WHEN the first attempt fails
    service._deliver(payload)
    # THEN the retry is queued for SQS's longest delay, and the attempt says when it is really due
    assert queued == [900]
    [logged] = _deliveries(owner, hook)
    assert logged["next_attempt_at"] > logged["attempted_at"]


def test_a_receiver_that_refuses_the_event_is_not_retried(owner, receiver):
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [410]
    project(owner)
    pump()
    assert len(receiver.requests) == 1
    [logged] = _deliveries(owner, hook)
    assert logged["status_code"] == 410 and logged["next_attempt_at"] is None


def test_an_event_is_given_up_after_the_last_attempt(owner, receiver):
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [500] * 20
    project(owner)
    pump()
    assert len(receiver.requests) == service.MAX_ATTEMPTS == 8
    assert _deliveries(owner, hook)[0]["next_attempt_at"] is None


def test_an_unreachable_receiver_is_logged_with_its_error(owner, receiver):
    hook = create_webhook(owner, "http://127.0.0.1:9/nothing-listens-here", ["project.created"])
    project(owner)
    pump()
    logged = _deliveries(owner, hook)
    assert len(logged) == service.MAX_ATTEMPTS
    assert all(a["status_code"] is None and a["error"] and not a["succeeded"] for a in logged)


def test_a_private_address_is_never_called_where_private_targets_are_not_allowed(owner, receiver, monkeypatch):
    # GIVEN a webhook pointing at 127.0.0.1, created while private targets were allowed
    hook = create_webhook(owner, receiver.url, ["project.created"])
    # WHEN private targets are not allowed (as in AWS) and a project is created
    production = replace(get_settings(), webhooks_allow_private_targets=0)
    monkeypatch.setattr(service, "get_settings", lambda: production)
    project(owner)
    pump()
    # THEN nothing was sent, once logged as refused, and not retried
    assert receiver.requests == []
    [logged] = _deliveries(owner, hook)
    assert "non-public" in logged["error"] or "private" in logged["error"]
    assert logged["next_attempt_at"] is None


def test_consecutive_failures_disable_the_webhook_and_tell_the_admins(api, owner, admin, member, receiver):
    # GIVEN a webhook whose receiver always fails
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [500] * 100
    # WHEN two projects are created (8 attempts each; the 15th consecutive failure disables it)
    project(owner, name="One")
    project(owner, name="Two")
    pump()
    # THEN it stopped after the 15th failed attempt, and is disabled with the reason
    assert len(receiver.requests) == service.DISABLE_AFTER == 15
    fetched = owner.api.get(f"/api/v1/webhooks/{hook['id']}").json_body
    assert fetched["enabled"] is False and fetched["consecutive_failures"] == 15
    assert "15 consecutive failed deliveries" in fetched["disabled_reason"]
    # AND the owner and the admin were told in the app and by email; the member was not
    for account in (owner, admin):
        titles = [n["title"] for n in account.api.get("/api/v1/notifications").json_body["data"]]
        assert "A webhook was disabled" in titles
        assert receiver.url in factories.last_email_to(account.email).get_body(("plain",)).get_content()
    assert "A webhook was disabled" not in [
        n["title"] for n in member.api.get("/api/v1/notifications").json_body["data"]
    ]
    # AND later events are not sent to it
    project(owner, name="Three")
    pump()
    assert len(receiver.requests) == 15


def test_re_enabling_a_disabled_webhook_forgets_its_failures(owner, receiver, monkeypatch):
    monkeypatch.setattr(service, "DISABLE_AFTER", 2)
    hook = create_webhook(owner, receiver.url, ["project.created"])
    receiver.statuses[:] = [500, 500]
    project(owner)
    pump()
    assert owner.api.get(f"/api/v1/webhooks/{hook['id']}").json_body["enabled"] is False
    response = owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"enabled": True})
    assert response.json_body["enabled"] is True and response.json_body["consecutive_failures"] == 0
    assert response.json_body["disabled_reason"] is None


def test_the_attempt_log_keeps_the_last_hundred_newest_first(owner, receiver):
    # GIVEN 105 pings delivered to a webhook
    hook = create_webhook(owner, receiver.url, ["project.created"])
    pings = []
    for _ in range(105):
        response = owner.api.post(f"/api/v1/webhooks/{hook['id']}/ping")
        assert response.status_code == 202
        pings.append(response.json_body["id"])
    pump()
    assert len(receiver.requests) == 105
    # WHEN the log is read page by page
    first = owner.api.get(f"/api/v1/webhooks/{hook['id']}/deliveries?per_page=60").json_body
    second = owner.api.get(f"/api/v1/webhooks/{hook['id']}/deliveries?per_page=60&cursor={first['next_cursor']}")
    # THEN it holds the last 100 attempts, the newest first, and no more
    logged = first["data"] + second.json_body["data"]
    assert second.json_body["has_more"] is False
    assert len(logged) == 100
    assert {a["event_id"] for a in logged} == set(pings[5:])
    assert [a["attempted_at"] for a in logged] == sorted((a["attempted_at"] for a in logged), reverse=True)


def test_a_malformed_cursor_is_a_400_naming_it(owner):
    hook = create_webhook(owner, "https://hooks.example.com/x")
    response = owner.api.get(f"/api/v1/webhooks/{hook['id']}/deliveries?cursor=abc")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "cursor"
