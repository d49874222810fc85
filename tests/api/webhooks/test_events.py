"""Changes made through any surface reach the webhooks subscribed to their type, as signed JSON envelopes."""

from tests.api.invoices.helpers import add_contact, create_client, pay, sent_invoice
from tests.api.tatatrack import helpers as tatatrack
from tests.api.webhooks.helpers import create_webhook, pump, types, verify
from tests.support import factories
from tests.support.task_setup import project, task


def test_a_created_task_is_posted_as_a_signed_envelope_the_receiver_can_verify(owner, receiver):
    # GIVEN a webhook for task.created
    hook = create_webhook(owner, receiver.url, ["task.created"])
    # WHEN a task is created through the native API and the background work runs
    created = task(owner, project(owner), title="Login page")
    pump()
    # THEN the receiver got one POST whose signature verifies with the documented recipe
    [received] = receiver.requests
    assert received.path == "/hooks/stint"
    assert received.headers["content-type"] == "application/json"
    assert verify(hook["secret"], received.body, received.headers["stint-signature"])
    # AND the body is the envelope, with the task's id and fields as changes
    body = received.json
    assert set(body) == {"id", "type", "created_at", "org_id", "data"}
    assert body["id"].startswith("evt_") and body["type"] == "task.created" and body["org_id"] == owner.org_id
    assert body["created_at"].endswith("Z")
    assert body["data"]["object"] == "task" and body["data"]["id"] == created["id"]
    assert body["data"]["changes"]["title"] == {"from": None, "to": "Login page"}
    assert body["data"]["actor_id"] == owner.user_id
    assert received.headers["stint-event-id"] == body["id"]
    assert received.headers["stint-event-type"] == "task.created"


def test_a_tampered_body_or_an_old_timestamp_does_not_verify(owner, receiver):
    hook = create_webhook(owner, receiver.url, ["task.created"])
    task(owner, project(owner))
    pump()
    [received] = receiver.requests
    header = received.headers["stint-signature"]
    assert not verify(hook["secret"], received.body.replace(b"task", b"tusk"), header)
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert not verify(hook["secret"], received.body, header, now=timestamp + 301)
    assert verify(hook["secret"], received.body, header, now=timestamp + 299)


def test_only_subscribed_types_are_sent(owner, receiver):
    create_webhook(owner, receiver.url, ["project.created"])
    prj = project(owner)
    task(owner, prj)
    pump()
    assert types(receiver) == ["project.created"]


def test_a_status_change_is_sent_as_task_updated_and_task_status_changed(owner, receiver):
    created = task(owner, project(owner))
    pump()  # its task.created went out before the webhook existed
    create_webhook(owner, receiver.url, ["task.*"])
    response = owner.api.put(f"/api/v1/tasks/{created['id']}", json={"status": "in_progress"})
    assert response.status_code == 200, response.json_body
    pump()
    assert sorted(types(receiver)) == ["task.status_changed", "task.updated"]
    changed = next(r.json for r in receiver.requests if r.json["type"] == "task.status_changed")
    assert changed["data"]["changes"]["status"] == {"from": "open", "to": "in_progress"}


def test_tasks_created_and_deleted_through_tatatrack_fire_the_same_events(owner, receiver):
    # GIVEN a webhook for task events
    create_webhook(owner, receiver.url, ["task.created", "task.deleted"])
    # WHEN a task is created and deleted on the TataTrack surface (/api)
    created = tatatrack.task(owner, tatatrack.project(owner)["id"], title="From TataTrack")
    assert owner.api.delete(f"/api/tasks/{created['id']}").status_code in (200, 204)
    pump()
    # THEN both events reach the webhook, about that task
    assert types(receiver) == ["task.created", "task.deleted"]
    assert {r.json["data"]["id"] for r in receiver.requests} == {created["id"]}


def test_a_timer_started_and_stopped_through_trackingtabs_entries_fires_time_entry_events(owner, receiver):
    # GIVEN a webhook for every time entry event
    create_webhook(owner, receiver.url, ["time_entry.*"])
    # WHEN a timer is started and stopped with the TrackingTabs routes (/api/v1/entries…)
    started = owner.api.post("/api/v1/entries/start", json={"description": "Writing"})
    assert started.status_code == 201, started.json_body
    assert owner.api.post("/api/v1/entries/stop").status_code == 200
    pump()
    # THEN it was created (and started), then stopped
    assert sorted(types(receiver)) == ["time_entry.created", "time_entry.started", "time_entry.stopped"]
    assert {r.json["data"]["id"] for r in receiver.requests} == {started.json_body["id"]}


def test_member_events_follow_an_invitation_to_its_removal(api, owner, receiver):
    create_webhook(owner, receiver.url, ["member.*"])
    joined = factories.join(api, owner, role="member")
    factories.remove_member(owner, joined)
    pump()
    assert types(receiver) == ["member.invited", "member.joined", "member.removed"]
    assert {r.json["data"]["id"] for r in receiver.requests} == {joined.member_id}


def test_an_invoice_sent_and_paid_fires_its_events(owner, receiver):
    client = create_client(owner, name="Acme Corp", currency="EUR", email="billing@acme.example")
    add_contact(owner, client["id"], name="Carla Contact", email="carla@acme.example")
    create_webhook(owner, receiver.url, ["invoice.sent", "invoice.paid"])
    sent = sent_invoice(owner, client["id"], unit_price=10000, issue_date="2026-05-01", due_date="2026-05-31")
    assert pay(owner, sent["id"], sent["total"], method="cash", paid_at="2026-05-02").status_code == 201
    pump()
    assert types(receiver) == ["invoice.sent", "invoice.paid"]
    assert {r.json["data"]["id"] for r in receiver.requests} == {sent["id"]}


def test_another_org_s_changes_are_not_sent(owner, outsider, receiver):
    create_webhook(owner, receiver.url, ["task.*", "project.*"])
    task(outsider, project(outsider))
    pump()
    assert receiver.requests == []


def test_a_disabled_webhook_gets_nothing_and_a_re_enabled_one_gets_what_follows(owner, receiver):
    hook = create_webhook(owner, receiver.url, ["project.created"])
    owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"enabled": False})
    project(owner, name="Quiet")
    pump()
    assert receiver.requests == []
    owner.api.patch(f"/api/v1/webhooks/{hook['id']}", json={"enabled": True})
    project(owner, name="Loud")
    pump()
    assert [r.json["data"]["changes"]["name"]["to"] for r in receiver.requests] == ["Loud"]


def test_a_ping_is_delivered_and_logged(owner, receiver):
    hook = create_webhook(owner, receiver.url, ["invoice.*"])
    response = owner.api.post(f"/api/v1/webhooks/{hook['id']}/ping")
    assert response.status_code == 202 and response.json_body["type"] == "webhook.ping"
    pump()
    [received] = receiver.requests
    assert received.json["type"] == "webhook.ping" and received.json["id"] == response.json_body["id"]
    [attempt] = owner.api.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json_body["data"]
    assert attempt["event_id"] == response.json_body["id"] and attempt["succeeded"] is True
    assert attempt["status_code"] == 200 and attempt["attempt"] == 1 and attempt["latency_ms"] >= 0
