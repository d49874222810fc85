"""In-app notifications and their emails: made from outbox events, once per event, as preferences say."""

import json

import boto3
import pytest

from chalicelib.core import events, mail
from chalicelib.core.metrics import count_dynamodb_calls
from chalicelib.notifications.models import Delivery
from tests.api.invoices.helpers import create_client, pay, sent_invoice
from tests.api.notifications.helpers import (
    assigned_task,
    change_status,
    emails_to,
    notifications,
    set_preference,
)
from tests.support import factories, task_setup
from tests.support.outbox import deliver_events, publish_outbox
from tests.support.task_setup import field_error, ids


def _queued_messages(event_type: str = "task_status_changed") -> list[str]:
    """The queued events of one type (a change also queues its webhook events, e.g. task.status_changed)."""
    sqs = boto3.client("sqs")
    bodies = []
    while found := sqs.receive_message(QueueUrl=events.queue_url(), MaxNumberOfMessages=10).get("Messages", []):
        bodies += [m["Body"] for m in found]
    return [body for body in bodies if json.loads(body)["type"] == event_type]


# --- what a status change produces ---------------------------------------------------------------------------


def test_a_status_change_notifies_the_assignee_in_the_app_with_a_link_to_the_task(owner, member, project_id):
    # GIVEN a task the owner reports and the member works on
    task = assigned_task(owner, project_id, member, title="Login page")
    # WHEN the owner moves it to done and the events are delivered
    change_status(owner, task["id"])
    deliver_events()
    # THEN the member has a task_status_changed notification linking to the task
    [latest, *_] = notifications(member)
    assert latest["type"] == "task_status_changed"
    assert latest["data"]["link"] == f"/tasks?task={task['id']}"
    assert latest["data"]["task_id"] == task["id"]
    assert latest["title"] == "Login page moved to done"
    assert latest["is_read"] is False and latest["read_at"] is None
    assert latest["id"].startswith("ntf_") and latest["created_at"].endswith("Z")
    assert latest["actor_id"] == owner.user_id


def test_a_status_change_emails_the_assignee_with_text_and_html(owner, member, project_id):
    # GIVEN a task the member works on
    task = assigned_task(owner, project_id, member, title="Login page")
    # WHEN the owner changes its status
    change_status(owner, task["id"])
    deliver_events()
    # THEN the member gets an email with a plain-text and an HTML part, both linking to the task
    message = factories.last_email_to(member.email)
    assert message["Subject"] == "Login page moved to done"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/tasks?task={task['id']}" in text and f"/tasks?task={task['id']}" in html
    assert "Olive Owner changed the status from open to done." in text


def test_whoever_changes_the_status_is_not_notified(owner, member, project_id):
    # GIVEN a task the owner reports and the member works on
    task = assigned_task(owner, project_id, member)
    # WHEN the owner changes its status
    change_status(owner, task["id"])
    deliver_events()
    # THEN the owner, who made the change, has no notification about it
    assert [n for n in notifications(owner) if n["type"] == "task_status_changed"] == []


def test_assigning_a_task_notifies_the_new_assignee(owner, member, project_id):
    # WHEN the owner creates a task assigned to the member
    task = assigned_task(owner, project_id, member, title="Signup page")
    # THEN the member is told, with a link to the task
    [notification] = notifications(member, "?unread=true")
    assert notification["type"] == "task_assigned"
    assert notification["title"] == "Olive Owner assigned you a task"
    assert notification["message"] == "Signup page"
    assert notification["data"]["link"] == f"/tasks?task={task['id']}"


def test_a_comment_notifies_the_reporter(owner, member, project_id):
    # GIVEN a task the owner reports
    task = task_setup.task(owner, project_id, title="Login page")
    # WHEN the member comments on it
    response = member.api.post(f"/api/v1/tasks/{task['id']}/comments", json={"body": "Done on my side"})
    assert response.status_code == 201
    deliver_events()
    # THEN the owner is told who commented on what
    [notification] = notifications(owner)
    assert notification["type"] == "task_commented"
    assert notification["title"] == "Sam Member commented on Login page"
    assert notification["data"]["link"] == f"/tasks?task={task['id']}"


# --- once per event ------------------------------------------------------------------------------------------


def test_a_duplicate_delivery_creates_one_notification_and_sends_one_email(owner, member, project_id):
    # GIVEN a status change published to the events queue
    task = assigned_task(owner, project_id, member)
    change_status(owner, task["id"])
    publish_outbox()
    [body] = _queued_messages()
    emails_before = len(emails_to(member))
    # WHEN SQS delivers the same message three times, twice in one batch
    assert events.run_batch([("a", body), ("b", body)]) == {"batchItemFailures": []}
    assert events.run_batch([("c", body)]) == {"batchItemFailures": []}
    # THEN the member has one notification about it and got one email
    assert len([n for n in notifications(member) if n["type"] == "task_status_changed"]) == 1
    assert len(emails_to(member)) == emails_before + 1


def test_a_delivery_that_failed_to_email_is_retried_without_duplicating_anything(
    owner, member, project_id, monkeypatch
):
    # GIVEN SES fails once while the status change is delivered
    task = assigned_task(owner, project_id, member)
    change_status(owner, task["id"])
    publish_outbox()
    [body] = _queued_messages()
    real_send, calls = mail.send_email, []

    def flaky_send(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ConnectionError("SES is unreachable")
        return real_send(**kwargs)

    monkeypatch.setattr(mail, "send_email", flaky_send)
    emails_before = len(emails_to(member))
    # WHEN the message fails, then SQS redelivers it
    assert events.run_batch([("m", body)]) == {"batchItemFailures": [{"itemIdentifier": "m"}]}
    assert events.run_batch([("m", body)]) == {"batchItemFailures": []}
    # THEN the member has one notification and one email
    assert len([n for n in notifications(member) if n["type"] == "task_status_changed"]) == 1
    assert len(emails_to(member)) == emails_before + 1


# --- preferences decide the channels -------------------------------------------------------------------------


def test_with_email_off_the_notification_is_only_in_the_app(owner, member, project_id):
    # GIVEN the member turned email off for status changes
    set_preference(member, "task_status_changed", email_enabled=False)
    task = assigned_task(owner, project_id, member)
    emails_before = len(emails_to(member))
    # WHEN the task's status changes
    change_status(owner, task["id"])
    deliver_events()
    # THEN there is an in-app notification but no email
    assert [n["type"] for n in notifications(member)][0] == "task_status_changed"
    assert len(emails_to(member)) == emails_before


def test_with_every_channel_off_nothing_is_delivered(owner, member, project_id):
    # GIVEN the member turned every channel off for status changes
    set_preference(member, "task_status_changed", email_enabled=False, in_app_enabled=False, push_enabled=False)
    task = assigned_task(owner, project_id, member)
    emails_before = len(emails_to(member))
    # WHEN the task's status changes
    change_status(owner, task["id"])
    deliver_events()
    # THEN the member has neither a notification nor an email about it
    assert [n["type"] for n in notifications(member, "?unread=true")] == ["task_assigned"]
    assert len(emails_to(member)) == emails_before


def test_push_is_stored_as_a_pending_delivery_only_when_turned_on(owner, member, admin, project_id):
    # GIVEN the member turned push on for assignments; the admin kept the default (off)
    set_preference(member, "task_assigned", push_enabled=True)
    # WHEN each is assigned a task
    task_setup.task(owner, project_id, assignee_id=member.user_id)
    task_setup.task(owner, project_id, assignee_id=admin.user_id)
    deliver_events()
    # THEN one pending push delivery exists, for the member
    pushes = list(Delivery.query(f"ORG#{owner.org_id}", Delivery.SK.startswith(Delivery.SK_PREFIX)))
    pushes = [d for d in pushes if d.channel == "push"]
    assert [(d.user_id, d.status, d.type) for d in pushes] == [(member.user_id, "pending", "task_assigned")]
    assert pushes[0].data["link"].startswith("/tasks?task=")


def test_a_member_removed_before_delivery_is_not_notified(api, owner, member, project_id):
    # GIVEN a status change on the member's task, not yet delivered
    task = assigned_task(owner, project_id, member)
    change_status(owner, task["id"])
    emails_before = len(emails_to(member))
    # WHEN the member is removed from the org before the event is delivered
    factories.remove_member(owner, member)
    deliver_events()
    # THEN no email went out to them
    assert len(emails_to(member)) == emails_before


def test_an_invitation_leaves_a_welcome_in_the_app_for_the_invitee(api, owner):
    # WHEN the owner invites someone who joins, and the events are delivered
    joined = factories.join(api, owner, name="Nina New")
    emails_before = len(emails_to(joined))
    deliver_events()
    # THEN they find a welcome from the owner in their notifications, and no second email
    [welcome] = notifications(joined)
    assert welcome["type"] == "member_invited"
    assert welcome["title"].startswith("Olive Owner invited you to ")
    assert len(emails_to(joined)) == emails_before


# --- listing and reading -------------------------------------------------------------------------------------


def _three_notifications(owner, member, project_id) -> list[str]:
    """Three assignments to the member, delivered; their notification ids, oldest first."""
    for title in ("one", "two", "three"):
        task_setup.task(owner, project_id, title=title, assignee_id=member.user_id)
        deliver_events()
    return list(reversed(ids(notifications(member, "?unread=true"))))


def test_notifications_are_listed_newest_first_and_paged(owner, member, project_id):
    # GIVEN three notifications
    made = _three_notifications(owner, member, project_id)
    # WHEN they are read two per page, by cursor and by page number
    first = member.api.get("/api/v1/notifications?unread=true&per_page=2").json_body
    by_cursor = member.api.get(f"/api/v1/notifications?unread=true&per_page=2&cursor={first['next_cursor']}")
    by_page = member.api.get("/api/v1/notifications?unread=true&per_page=2&page=2").json_body
    everything = notifications(member)
    # THEN the newest come first and the pages continue each other
    assert ids(first["data"]) == [made[2], made[1]] and first["has_more"] is True
    assert ids(by_cursor.json_body["data"]) == [made[0]] and by_cursor.json_body["has_more"] is False
    assert ids(by_page["data"]) == [made[0]] and (by_page["page"], by_page["per_page"]) == (2, 2)
    # AND without the filter the read welcome comes last, after them
    assert ids(everything)[:3] == [made[2], made[1], made[0]] and everything[3]["type"] == "member_invited"


def test_marking_some_read_leaves_the_others_unread(owner, member, project_id):
    # GIVEN three unread notifications
    made = _three_notifications(owner, member, project_id)
    # WHEN the member marks the oldest two read
    response = member.api.post("/api/v1/notifications/mark-read", json={"ids": made[:2]})
    # THEN two were updated, and only the newest is listed as unread
    assert response.status_code == 200 and response.json_body == {"updated": 2}
    assert ids(notifications(member, "?unread=true")) == [made[2]]
    listed = {n["id"]: n for n in notifications(member)}
    assert listed[made[0]]["is_read"] is True and listed[made[0]]["read_at"].endswith("Z")


def test_marking_without_ids_reads_everything(owner, member, project_id):
    # GIVEN three unread notifications
    _three_notifications(owner, member, project_id)
    # WHEN the member marks all read, twice
    first = member.api.post("/api/v1/notifications/mark-read", json={})
    again = member.api.post("/api/v1/notifications/mark-read")
    # THEN all three were marked the first time, none the second, and nothing is unread
    assert (first.json_body, again.json_body) == ({"updated": 3}, {"updated": 0})
    assert notifications(member, "?unread=true") == []


def test_nobody_can_mark_or_see_anothers_notifications(owner, member, admin, outsider, project_id):
    # GIVEN the member's notifications
    made = _three_notifications(owner, member, project_id)
    # WHEN an admin of the same org and another org's owner mark them read by id
    for other in (admin, outsider):
        response = other.api.post("/api/v1/notifications/mark-read", json={"ids": made})
        assert response.json_body == {"updated": 0}
    # THEN they are still unread for the member, and neither sees them
    assert len(notifications(member, "?unread=true")) == 3
    assert made[0] not in ids(notifications(admin)) and notifications(outsider) == []


def test_notifications_belong_to_the_org_they_happened_in(api, owner, member, project_id):
    # GIVEN the member has a notification in the owner's org and is also in an org of their own
    _three_notifications(owner, member, project_id)
    elsewhere = factories.in_new_org(member)
    # WHEN they list notifications there
    # THEN the first org's notifications are not shown
    assert notifications(elsewhere) == []


def test_marking_read_is_audited(owner, member, project_id):
    # GIVEN a notification
    made = _three_notifications(owner, member, project_id)
    # WHEN the member marks one read
    member.api.post("/api/v1/notifications/mark-read", json={"ids": made[:1]})
    # THEN the org's audit log records it
    assert "marked_read" in task_setup.audit_actions(owner, "notification")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": "ntf_1"}, "ids"),
        ({"ids": [1, 2]}, "ids.0"),
        ({"ids": [f"ntf_{n}" for n in range(101)]}, "ids"),
        ({"ids": [], "all": True}, "all"),
    ],
)
def test_a_malformed_mark_read_is_a_400_naming_the_field(member, body, field):
    field_error(member.api.post("/api/v1/notifications/mark-read", json=body), field)


def test_unread_must_be_a_boolean(member):
    field_error(member.api.get("/api/v1/notifications?unread=maybe"), "unread")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/notifications"),
        ("POST", "/api/v1/notifications/mark-read"),
        ("GET", "/api/v1/notifications/preferences"),
        ("PUT", "/api/v1/notifications/preferences"),
    ],
)
def test_every_notification_route_needs_a_token(api, method, path):
    response = api.request(method, path, body=json.dumps({"notification_type": "task_assigned"}).encode())
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"


def test_a_paid_invoice_notifies_whoever_created_it(owner, admin):
    # GIVEN an invoice the admin created and sent
    client = create_client(admin, name="Acme Corp", email="billing@acme.example")
    invoice = sent_invoice(admin, client["id"], unit_price=10000)
    # WHEN the owner records its full payment
    assert pay(owner, invoice["id"], 10000).status_code == 201
    deliver_events()
    # THEN the admin is told, with a link to the invoice
    [paid] = [n for n in notifications(admin) if n["type"] == "invoice_paid"]
    assert paid["title"] == f"Invoice {invoice['number']} was paid"
    assert paid["data"]["link"] == f"/invoices?invoice={invoice['id']}"


def test_a_page_of_notifications_costs_one_query_after_authentication(owner, member, project_id):
    # GIVEN three notifications
    _three_notifications(owner, member, project_id)
    # WHEN the member reads them, all and unread only
    with count_dynamodb_calls() as everything:
        member.api.get("/api/v1/notifications")
    with count_dynamodb_calls() as unread:
        member.api.get("/api/v1/notifications?unread=true")
    # THEN each page is the authentication read plus one Query
    assert dict(everything) == dict(unread) == {"BatchGetItem": 1, "Query": 1}
