"""Logs and metrics: one structured line per request, EMF metrics per request and per background batch, and
no secret in any log line."""

import io
import json
import logging

import pytest
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.core import observability
from chalicelib.core.config import get_settings
from chalicelib.core.logs import REDACTED, logger, redact
from chalicelib.core.metrics import count_dynamodb_calls
from devstack.worker import drain_once, run_schedule
from tests.support import factories
from tests.support.faults import THROTTLING, dynamodb_faults


@pytest.fixture
def owner(api):
    return factories.register(api, name="Olive Owner")


@pytest.fixture
def log_lines():
    """Every line the app logs during the test, as JSON, through the app's own formatter."""
    stint = logging.getLogger("stint")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(stint.handlers[0].formatter)
    stint.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    stint.removeHandler(handler)


@pytest.fixture
def emf(capsys):
    """The EMF blobs printed so far (each read drains them)."""

    def read() -> list[dict]:
        lines = capsys.readouterr().out.splitlines()
        return [json.loads(line) for line in lines if line.startswith('{"_aws"')]

    return read


def metric_names(blob: dict) -> set[str]:
    return {metric["Name"] for directive in blob["_aws"]["CloudWatchMetrics"] for metric in directive["Metrics"]}


# --- request logs --------------------------------------------------------------------------------------------


def test_every_request_logs_its_request_id_org_route_status_and_latency(owner, log_lines):
    # GIVEN a project
    project = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"}).json_body
    # WHEN the owner reads it
    response = owner.api.get(f"/api/v1/projects/{project['id']}")
    # THEN one line describes the request: who (org), what (route template and path), how it went and how fast
    [line] = [line for line in log_lines() if line["message"] == "request" and line["method"] == "GET"]
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["org_id"] == owner.org_id
    assert line["route"] == "/api/v1/projects/{project_id}"
    assert line["path"] == f"/api/v1/projects/{project['id']}"
    assert line["status"] == 200 and line["latency_ms"] >= 0 and line["dynamodb_calls"] >= 1
    assert line["level"] == "INFO" and line["service"] == "stint"
    assert line["timestamp"].endswith("+00:00")  # RFC 3339, UTC


def test_lines_of_one_request_do_not_carry_the_previous_requests_org(api, owner, log_lines):
    # WHEN an authenticated request is followed by an anonymous one
    owner.api.get("/api/v1/projects")
    api.get("/api/v1/health")
    # THEN the anonymous request's line has no org
    [health] = [line for line in log_lines() if line.get("route") == "/api/v1/health"]
    assert "org_id" not in health


def test_no_password_or_token_ever_reaches_a_log_line(api, log_lines):
    # GIVEN a user who registered, signed in, created a personal API token and used every credential
    password = "a very secret passphrase 42"
    address = factories.unique_email("secret")
    account = factories.register(api, email_address=address, password=password)
    signed_in = factories.login(api, address, password=password)
    token = factories.api_token(signed_in)
    token.api.get("/api/v1/projects")
    signed_in.api.get(f"/api/v1/projects?token={signed_in.access_token}")
    api.post("/api/v1/auth/refresh", json={"refresh_token": signed_in.refresh_token})
    account.api.put(
        "/api/v1/users/me/password", json={"current_password": "wrong" + password, "new_password": password}
    )
    # AND a request that failed with a logged exception while carrying the Authorization header
    with dynamodb_faults(THROTTLING):
        assert signed_in.api.get("/api/v1/projects").status_code == 503
    # THEN none of those secrets appears anywhere in what was logged
    logged = "\n".join(json.dumps(line) for line in log_lines())
    assert "request failed" in logged  # the exception line was there to be checked
    for secret in (password, account.access_token, signed_in.access_token, signed_in.refresh_token, token.secret):
        assert secret not in logged


def test_redaction_masks_secret_fields_and_secrets_inside_text():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJlLXZhbHVl"
    logged = redact(
        {
            "headers": {"Authorization": f"Bearer {jwt}", "user-agent": "curl"},
            "body": {"password": "hunter2", "name": "Ada"},
            "refresh_token": "stint_rt_abc",
            "message": f"failed for {jwt} with stint_pat_XYZ123 at /f?a=1&X-Amz-Signature=deadbeef"
            + ' body {"new_password": "p4ss"}',
            "count": 3,
        }
    )
    assert logged["headers"] == {"Authorization": REDACTED, "user-agent": "curl"}
    assert logged["body"] == {"password": REDACTED, "name": "Ada"}
    assert logged["refresh_token"] == REDACTED and logged["count"] == 3
    text = logged["message"]
    for secret in (jwt, "XYZ123", "deadbeef", "p4ss"):
        assert secret not in text
    assert "stint_pat_" in text and "X-Amz-Signature=" in text  # what it was stays readable


def test_the_app_logger_writes_lines_through_the_redaction(log_lines):
    # WHEN code logs a secret by mistake, as a field and inside a message
    logger.warning("retrying with Bearer abc.def.ghi", extra={"api_key": "k-123", "attempt": 2})
    # THEN the line keeps what it says but not the secrets
    [line] = log_lines()
    assert line["message"] == f"retrying with Bearer {REDACTED}"
    assert line["api_key"] == REDACTED and line["attempt"] == 2


# --- metrics -------------------------------------------------------------------------------------------------


def test_each_request_emits_request_latency_and_dynamodb_call_metrics(owner, emf):
    emf()
    # WHEN the owner lists projects
    with count_dynamodb_calls() as calls:
        response = owner.api.get("/api/v1/projects")
    assert response.status_code == 200
    # THEN one EMF blob in the Stint namespace counts it, with the DynamoDB calls it made, and no error
    [blob] = emf()
    [directive] = blob["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Stint" and directive["Dimensions"] == [["service"]]
    assert metric_names(blob) == {"Requests", "Latency", "DynamoDBCalls"}
    assert blob["Requests"] == [1.0] and blob["DynamoDBCalls"] == [float(calls.total)] and calls.total >= 1
    assert blob["route"] == "/api/v1/projects" and blob["status"] == 200


def test_the_request_blob_is_exactly_what_powertools_metrics_would_print():
    values = {"Requests": (1, MetricUnit.Count), "Latency": (12.5, MetricUnit.Milliseconds)}
    reference = Metrics(namespace=observability.NAMESPACE, service=observability.SERVICE)
    for name, (value, unit) in values.items():
        reference.add_metric(name=name, unit=unit, value=value)
    reference.add_metadata(key="route", value="/api/v1/projects")
    expected = reference.serialize_metric_set()
    reference.clear_metrics()
    built = observability.request_blob(values, route="/api/v1/projects")
    for blob in (expected, built):
        blob["_aws"].pop("Timestamp")
    assert built == expected


def test_client_and_server_errors_are_counted_apart(owner, emf):
    emf()
    assert owner.api.get("/api/v1/projects/prj_missing").status_code == 404
    [not_found] = emf()
    assert "ClientErrors" in metric_names(not_found) and "ServerErrors" not in metric_names(not_found)
    with dynamodb_faults(THROTTLING):
        assert owner.api.get("/api/v1/projects").status_code == 503
    [unavailable] = emf()
    assert {"ServerErrors", "Unavailable"} <= metric_names(unavailable)


def test_a_consumer_batch_reports_its_messages_failures_and_queue_lag(app, api, emf):
    # GIVEN a queued job (a registration's verification email)
    factories.register(api)
    emf()
    # WHEN the jobs consumer handles its queue's batch
    [source] = [s for s in app.event_sources if getattr(s, "queue", None) == get_settings().jobs_queue]
    assert drain_once(app, source) == 1
    # THEN the batch is counted for that queue, with no failure and the age of its oldest message
    [blob] = [b for b in emf() if "Messages" in b]
    assert blob["queue"] == get_settings().jobs_queue
    assert blob["Messages"] == [1.0] and blob["FailedMessages"] == [0.0] and blob["QueueLag"][0] >= 0
    [dimensions] = blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    assert set(dimensions) == {"service", "queue"}


def test_a_failed_consumer_batch_counts_the_failed_messages(app, api, emf):
    factories.register(api)
    [source] = [s for s in app.event_sources if getattr(s, "queue", None) == get_settings().jobs_queue]
    emf()
    with dynamodb_faults(THROTTLING):
        assert drain_once(app, source) == 0
    [blob] = [b for b in emf() if "Messages" in b]
    assert blob["FailedMessages"] == [1.0]


def test_a_scheduled_run_reports_itself_and_its_duration(app, resources, emf):
    [source] = [s for s in app.event_sources if s.name == "sweep_outbox"]
    emf()
    run_schedule(app, source)
    [blob] = [b for b in emf() if "ScheduledRuns" in b]
    assert blob["ScheduledRuns"] == [1.0] and blob["ScheduledRunFailures"] == [0.0] and blob["Duration"][0] >= 0
