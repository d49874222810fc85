"""DynamoDB throttling and timeouts, injected under the real client (tests/support/faults.py).

What a client sees: retries within the budget are invisible; past it, a 503 in the envelope with Retry-After,
never a 500 or a stack trace, and nothing half-written. Background consumers report the message as failed,
so SQS delivers it again, and it is handled once the table answers.
"""

import boto3
import pytest

from chalicelib.core import events, jobs
from chalicelib.core.config import get_settings
from chalicelib.core.errors import ServiceUnavailable
from tests.support import factories, task_setup
from tests.support.faults import (
    CONNECT_TIMEOUT,
    PROVISIONED_THROUGHPUT_EXCEEDED,
    READ_TIMEOUT,
    THROTTLING,
    TRANSACTION_THROTTLED,
    dynamodb_faults,
)
from tests.support.outbox import deliver_events, publish_outbox

ATTEMPTS = 1 + get_settings().dynamodb_max_retry_attempts  # the first try and botocore's retries
READS = {"GetItem", "BatchGetItem", "Query"}


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.json_body
    error = response.json_body["error"]
    assert error["code"] == "internal_error"
    assert error["request_id"] == response.headers["X-Request-Id"]
    assert int(response.headers["Retry-After"]) >= 1
    assert "Traceback" not in response.body.decode() and "Exception" not in error["message"]


def project_names(owner) -> list[str]:
    response = owner.api.get("/api/v1/projects")
    assert response.status_code == 200, response.json_body
    return [project["name"] for project in response.json_body["data"]]


# --- the API -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [PROVISIONED_THROUGHPUT_EXCEEDED, THROTTLING])
def test_reads_throttled_past_the_retries_answer_503_with_retry_after(owner, fault):
    # GIVEN DynamoDB throttles every read
    with dynamodb_faults(fault, operations=READS) as faults:
        # WHEN the owner lists projects
        response = owner.api.get("/api/v1/projects")
    # THEN the first read was tried as often as the budget allows, and the answer is a 503 to retry
    assert faults.injected == ATTEMPTS
    assert_unavailable(response)


def test_a_throttle_that_clears_within_the_retries_is_invisible(owner):
    # GIVEN DynamoDB throttles the next reads, one fewer than the client's attempts
    with dynamodb_faults(PROVISIONED_THROUGHPUT_EXCEEDED, operations=READS, times=ATTEMPTS - 1) as faults:
        # WHEN the owner lists projects
        response = owner.api.get("/api/v1/projects")
    # THEN the retries absorbed it
    assert faults.injected == ATTEMPTS - 1
    assert response.status_code == 200, response.json_body


@pytest.mark.parametrize("fault", [READ_TIMEOUT, CONNECT_TIMEOUT])
def test_a_table_that_does_not_answer_is_a_503_not_a_500(owner, fault):
    # GIVEN DynamoDB times out on every request
    with dynamodb_faults(fault) as faults:
        # WHEN the owner reads their projects
        response = owner.api.get("/api/v1/projects")
    # THEN after the retries the API answers 503
    assert faults.injected == ATTEMPTS
    assert_unavailable(response)


@pytest.mark.parametrize("fault", [THROTTLING, TRANSACTION_THROTTLED, READ_TIMEOUT])
def test_a_create_whose_transaction_fails_leaves_nothing_behind(owner, fault):
    # GIVEN DynamoDB refuses every transaction (throttled as a whole, throttled per item, or timing out)
    with dynamodb_faults(fault, operations={"TransactWriteItems"}) as faults:
        # WHEN the owner creates a project
        response = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"})
    # THEN the answer is a 503, and once the table answers again there is no trace of the project
    assert faults.injected >= 1
    assert_unavailable(response)
    assert project_names(owner) == []
    audit = owner.api.get("/api/v1/audit-logs")
    assert audit.status_code == 200, audit.json_body
    assert not [entry for entry in audit.json_body["data"] if entry.get("entity_type") == "project"]


def test_the_same_create_succeeds_when_retried_after_the_503(owner):
    # GIVEN a create that got a 503 because its transaction was throttled
    with dynamodb_faults(PROVISIONED_THROUGHPUT_EXCEEDED, operations={"TransactWriteItems"}):
        first = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"}, headers={"Idempotency-Key": "k1"})
    assert first.status_code == 503
    # WHEN the client retries it with the same Idempotency-Key once DynamoDB recovered
    retried = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"}, headers={"Idempotency-Key": "k1"})
    # THEN it is created, once
    assert retried.status_code == 201, retried.json_body
    assert project_names(owner) == ["Website Redesign"]


def test_health_says_the_table_is_unreachable_when_it_times_out(api):
    with dynamodb_faults(READ_TIMEOUT):
        response = api.get("/api/v1/health")
    assert_unavailable(response)


# --- background consumers ------------------------------------------------------------------------------------


def queued_jobs() -> list[dict]:
    sqs = boto3.client("sqs")
    url = jobs.queue_url(get_settings().jobs_queue)
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])


def run_jobs_batch(messages: list[dict]) -> dict:
    return jobs.run_batch([(m["MessageId"], m["Body"]) for m in messages])


@pytest.mark.parametrize("operations", [{"PutItem"}, READS], ids=["claim", "handler"])
def test_a_job_that_meets_throttling_is_reported_failed_and_runs_on_redelivery(api, operations):
    # GIVEN a registration, whose verification email is a queued job
    address = factories.unique_email("verify")
    response = api.post(
        "/api/v1/auth/register", json={"email": address, "password": factories.PASSWORD, "name": "Vera Verify"}
    )
    assert response.status_code == 201, response.json_body
    [message] = queued_jobs()
    # WHEN the jobs consumer runs it while DynamoDB throttles its claim or its handler's reads
    with dynamodb_faults(THROTTLING, operations=operations):
        result = run_jobs_batch([message])
    # THEN the message is reported failed (SQS keeps it) and no email went out
    assert result == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert not [m for m in factories.sent_emails() if address in m["To"]]
    # AND when SQS delivers it again after DynamoDB recovered, the email is sent, once
    assert run_jobs_batch([message]) == {"batchItemFailures": []}
    assert run_jobs_batch([message]) == {"batchItemFailures": []}
    assert len([m for m in factories.sent_emails() if address in m["To"]]) == 1


def assigned_task_event(api, owner) -> factories.Account:
    """A member, welcomed, who has just been assigned a task: a task_assigned event waits in the outbox."""
    member = factories.join(api, owner, role="member", name="Sam Member")
    deliver_events()
    project = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"}).json_body
    task_setup.task(owner, project["id"], title="Signup page", assignee_id=member.user_id)
    return member


def assigned_notifications(member) -> list[dict]:
    response = member.api.get("/api/v1/notifications")
    assert response.status_code == 200, response.json_body
    return [n for n in response.json_body["data"] if n["type"] == "task_assigned"]


def test_events_the_publisher_cannot_read_stay_pending_for_the_streams_retry(api, owner):
    # GIVEN an event waiting in the outbox
    assigned_task_event(api, owner)
    waiting = events.pending()
    assert waiting
    # WHEN the publisher's reads are throttled past the retries
    with dynamodb_faults(THROTTLING, operations={"BatchGetItem"}), pytest.raises(ServiceUnavailable):
        events.publish_stream_records(events.stream_records(waiting))
    # THEN the batch fails (Lambda retries it) and the events are still pending, to be published next time
    assert {e.id for e in events.pending()} == {e.id for e in waiting}
    assert publish_outbox() == len(waiting)
    assert events.pending() == []


def test_an_event_whose_delivery_is_throttled_is_retried_by_sqs_and_notifies_once(api, owner):
    # GIVEN a published task_assigned event on the events queue
    member = assigned_task_event(api, owner)
    publish_outbox()
    sqs, url = boto3.client("sqs"), events.queue_url()
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    batch = [(m["MessageId"], m["Body"]) for m in messages]
    # WHEN the events consumer runs while DynamoDB throttles its writes
    with dynamodb_faults(THROTTLING, operations={"PutItem", "TransactWriteItems"}):
        result = events.run_batch(batch)
    # THEN every message is reported failed, so SQS keeps them, and nobody was notified
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {m["MessageId"] for m in messages}
    assert assigned_notifications(member) == []
    # AND redelivered (even twice) once DynamoDB recovered, the member is notified exactly once
    assert events.run_batch(batch) == {"batchItemFailures": []}
    assert events.run_batch(batch) == {"batchItemFailures": []}
    assert len(assigned_notifications(member)) == 1
