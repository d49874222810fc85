"""Each function's role allows every AWS call the function makes, and no more than its kind needs.

The calls are recorded (core.metrics.record_aws_calls) while each function's own handler runs under moto —
the API over a day of typical requests, the consumers on the jobs and events they get, the publisher, the
schedules and the thumbnails function — and each is checked against the role infra/ renders for it: the
action, and the table, index, bucket prefix or queue it touches.
"""

import boto3
import pytest

from chalicelib.core import events
from chalicelib.core.config import get_settings
from chalicelib.core.jobs import queue_url
from chalicelib.core.metrics import record_aws_calls
from devstack.worker import sqs_event
from infra.functions import functions
from infra.iam import TABLE_READ, TABLE_WRITE
from infra.template import template
from tests.api.files.helpers import confirm, post_to_s3, started, upload
from tests.api.files.samples import png
from tests.support import factories


class _Context:
    function_name = "test"
    aws_request_id = "test"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


@pytest.fixture(scope="module")
def rendered():
    return template("prod")


# --- what a role grants, resolved from the template ----------------------------------------------------------


def _resource(resource, rendered: dict) -> tuple[str, str | None]:
    """(kind, name) of a policy resource: table, index, stream, object prefix, bucket, queue, mail, logs."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        logical, attribute = resource["Fn::GetAtt"]
        if logical == "Table":
            return ("stream", None) if attribute == "StreamArn" else ("table", None)
        return "queue", rendered["Resources"][logical]["Properties"]["QueueName"]
    text = resource["Fn::Sub"] if isinstance(resource, dict) else resource
    text = text[0] if isinstance(text, list) else text
    if "/index/" in text:
        return "index", text.rsplit("/", 1)[1]
    if "/stream/" in text:
        return "stream", None
    if ":s3:::" in text:
        prefix = text.split("${Name}", 1)[1].lstrip("/").rstrip("*")
        return ("object", prefix) if prefix else ("bucket", None)
    if ":ses:" in text:
        return "mail", None
    return "logs", None


def grants(rendered: dict, resource_name: str) -> list[tuple[set[str], tuple[str, str | None], dict]]:
    role = rendered["Resources"][f"{resource_name}Role"]["Properties"]
    found = []
    for statement in role["Policies"][0]["PolicyDocument"]["Statement"]:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            found.append((set(statement["Action"]), _resource(resource, rendered), statement.get("Condition", {})))
    return found


def allowed(granted, action: str, kind: str, name: str | None) -> bool:
    for actions, (granted_kind, granted_name), condition in granted:
        if action not in actions or kind != granted_kind:
            continue
        if kind == "object" and not (name or "").startswith(granted_name):
            continue
        if kind in ("index", "queue") and name != granted_name:
            continue
        if kind == "bucket":
            prefixes = condition.get("StringLike", {}).get("s3:prefix", [])
            if not any((name or "").startswith(p.rstrip("*")) for p in prefixes):
                continue
        return True
    return False


# --- what a call needs ---------------------------------------------------------------------------------------

_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
_S3 = {"HeadObject": "GetObject", "GetObject": "GetObject", "PutObject": "PutObject", "DeleteObject": "DeleteObject"}


def needs(service: str, operation: str, params: dict) -> list[tuple[str, str, str | None]]:
    """(IAM action, resource kind, resource name) a recorded call requires."""
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{_TRANSACT[next(iter(item))]}", "table", None) for item in params["TransactItems"]]
        if params.get("IndexName"):
            return [(f"dynamodb:{operation}", "index", params["IndexName"])]
        return [(f"dynamodb:{operation}", "table", None)]
    if service == "s3":
        if operation == "DeleteObjects":
            return [("s3:DeleteObject", "object", item["Key"]) for item in params["Delete"]["Objects"]]
        if operation == "CreateBucket":
            # generate_presigned_post builds on CreateBucket's model: the browser's POST is a PutObject, signed
            # with the function's credentials, of a file original (storage.original_key: org/<org>/files/…).
            return [("s3:PutObject", "object", "org/")]
        if operation in ("ListObjectsV2", "ListObjects"):
            return [("s3:ListBucket", "bucket", params.get("Prefix", ""))]
        return [(f"s3:{_S3.get(operation, operation)}", "object", params["Key"])]
    if service == "sqs":
        queue = params.get("QueueName") or params["QueueUrl"].rsplit("/", 1)[1]
        action = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage"}.get(operation, operation)
        return [(f"sqs:{action}", "queue", queue)]
    if service == "ses":
        return [(f"ses:{operation}", "mail", None)]
    return [(f"{service}:{operation}", service, None)]


def assert_granted(rendered: dict, function: str, calls: list) -> set[str]:
    """Every call is allowed by the function's role; returns the actions used."""
    resource = next(f.resource for f in functions() if f.name == function)
    granted, used, refused = grants(rendered, resource), set(), []
    for service, operation, params in calls:
        for action, kind, name in needs(service, operation, params):
            used.add(action)
            if not allowed(granted, action, kind, name):
                refused.append(f"{action} on {kind} {name or ''}".strip())
    assert not refused, f"{function}'s role does not allow: {sorted(set(refused))}"
    assert calls, f"{function} made no AWS call: the scenario did not exercise it"
    return used


# --- running the functions' own handlers ---------------------------------------------------------------------


def run_consumer(app, name: str, queue: str) -> list:
    """Hand everything on `queue` to the consumer `name`, as Lambda's poller would; the calls it made."""
    sqs, url = boto3.client("sqs"), queue_url(queue)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    recorded = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        with record_aws_calls() as calls:
            result = app.handler_map[name](sqs_event(messages, arn), _Context())
        assert result == {"batchItemFailures": []}
        recorded += calls
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return recorded


def scheduled_event(at: str) -> dict:
    return {
        "version": "0",
        "id": "test",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": at,
        "region": "us-east-1",
        "detail": {},
        "resources": [],
    }


@pytest.fixture
def day_of_work(app, api):
    """An org where people register, invite, plan, attach files, chat about tasks and delete things."""
    owner = factories.register(api, name="Olive Owner")
    member = factories.join(api, owner, role="member", name="Sam Member")  # runs the queued jobs itself
    with record_aws_calls() as calls:
        factories.register(api, name="Nell Newcomer")  # a verification email to send
        invited = owner.api.post("/api/v1/members/invite", json={"email": factories.unique_email("invitee")})
        assert invited.status_code == 201, invited.json_body
        project = owner.api.post("/api/v1/projects", json={"name": "Website Redesign"}).json_body
        task = owner.api.post(
            "/api/v1/tasks", json={"title": "Hero image", "project_id": project["id"], "assignee_id": member.user_id}
        ).json_body
        owner.api.put(f"/api/v1/tasks/{task['id']}/status", json={"status": "in_progress"})
        owner.api.get(f"/api/v1/tasks?project_id={project['id']}")
        attached = upload(owner, png(), task_id=task["id"])
        assert attached.status_code == 201, attached.json_body
        owner.api.get(f"/api/v1/files/{attached.json_body['id']}/url")
        presigned = started(owner, filename="brief.png", content_type="image/png", size=len(png()))
        post_to_s3(presigned["upload"], png())
        assert confirm(owner, presigned["file"]["id"]).status_code == 200
        owner.api.delete(f"/api/v1/files/{attached.json_body['id']}")
        owner.api.get("/api/v1/search?q=hero")
        owner.api.get("/api/v1/health")
        owner.api.delete(f"/api/v1/tasks/{task['id']}")
        owner.api.delete(f"/api/v1/projects/{project['id']}")
    return {"api": calls, "owner": owner, "member": member}


def test_the_api_handler_is_allowed_every_call_a_day_of_requests_makes(rendered, day_of_work):
    used = assert_granted(rendered, "api_handler", day_of_work["api"])
    assert "dynamodb:Scan" not in used and not any(a.startswith("ses:") for a in used)


def test_the_jobs_consumer_is_allowed_every_call_its_jobs_make(app, rendered, day_of_work):
    calls = run_consumer(app, "run_jobs", get_settings().jobs_queue)
    used = assert_granted(rendered, "run_jobs", calls)
    assert "ses:SendRawEmail" in used  # the invitation and the verification emails went out


def test_the_outbox_publisher_and_the_events_consumer_are_allowed_what_they_do(app, rendered, day_of_work):
    pending = events.pending()
    assert pending, "the day produced no events"
    with record_aws_calls() as published:
        result = app.handler_map["publish_outbox"]({"Records": events.stream_records(pending)}, _Context())
    assert result == {"batchItemFailures": []}
    assert_granted(rendered, "publish_outbox", published)
    delivered = run_consumer(app, "deliver_events", get_settings().events_queue)
    assert_granted(rendered, "deliver_events", delivered)


def test_the_sweep_is_allowed_to_publish_stragglers(app, rendered, day_of_work):
    with record_aws_calls() as calls:
        app.handler_map["sweep_outbox"](scheduled_event("2999-01-01T00:00:00Z"), _Context())
    used = assert_granted(rendered, "sweep_outbox", calls)
    assert "sqs:SendMessage" in used


@pytest.mark.parametrize(
    "name",
    [
        "send_due_reminders",
        "send_daily_digests",
        "materialise_recurrences",
        "clean_abandoned_uploads",
        "mark_overdue_invoices",
    ],
)
def test_each_schedule_is_allowed_what_its_run_does(app, rendered, day_of_work, name):
    with record_aws_calls() as calls:
        app.handler_map[name](scheduled_event("2999-01-01T08:00:00Z"), _Context())
    assert_granted(rendered, name, calls)


def test_the_thumbnails_function_is_allowed_to_read_originals_and_write_thumbnails(app, rendered, api):
    owner = factories.register(api)
    stored = upload(owner, png()).json_body
    key = f"org/{owner.org_id}/files/{stored['id']}/original"
    event = {"Records": [{"s3": {"bucket": {"name": get_settings().files_bucket}, "object": {"key": key}}}]}
    with record_aws_calls() as calls:
        app.handler_map["thumbnails"](event, _Context())
    used = assert_granted(rendered, "thumbnails", calls)
    assert {"s3:GetObject", "s3:PutObject"} <= used


# --- what each kind may not do -------------------------------------------------------------------------------


def test_no_role_can_scan_and_only_the_publisher_reads_the_stream(rendered):
    for function in functions():
        actions = set().union(*(actions for actions, _, _ in grants(rendered, function.resource)))
        assert "dynamodb:Scan" not in actions
        assert ("dynamodb:GetRecords" in actions) == (function.kind == "stream")
        assert ("sqs:ReceiveMessage" in actions) == (function.kind == "sqs")


def test_only_consumers_send_mail_and_only_the_publisher_and_sweep_write_to_the_events_queue(rendered):
    events_queue = get_settings().events_queue
    for function in functions():
        granted = grants(rendered, function.resource)
        mails = any(kind == "mail" for _, (kind, _), _ in granted)
        assert mails == (function.kind == "sqs"), function.name
        sends_events = allowed(granted, "sqs:SendMessage", "queue", events_queue)
        assert sends_events == (function.name in ("publish_outbox", "sweep_outbox")), function.name


def test_the_publisher_and_the_sweep_cannot_write_items_beyond_marking_events_published(rendered):
    for name in ("PublishOutbox", "SweepOutbox"):
        table = [actions for actions, (kind, _), _ in grants(rendered, name) if kind == "table"]
        assert set().union(*table) & set(TABLE_WRITE) == {"dynamodb:UpdateItem"}
        assert set().union(*table) <= set(TABLE_READ) | {"dynamodb:UpdateItem"}
