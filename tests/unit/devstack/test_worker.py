"""The local worker hands SQS messages to the app's own handlers, as Lambda would."""

import boto3
import pytest
from chalice import Chalice

from devstack.resources import ensure_queues
from devstack.worker import drain_once, run_schedule, schedule_interval


@pytest.fixture
def queues(aws):
    return ensure_queues()


def _app(fail: bool = False) -> tuple[Chalice, list]:
    app = Chalice(app_name="worker-probe")
    seen = []

    @app.on_sqs_message(queue="stint-events", batch_size=10)
    def consume(event):
        for record in event:
            seen.append(record.body)
        if fail:
            raise RuntimeError("consumer is down")

    @app.schedule("rate(5 minutes)")
    def tick(event):
        seen.append("tick")

    return app, seen


def _send(url: str, *bodies: str) -> None:
    for body in bodies:
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody=body)


def _visible(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_messages_reach_the_handler_and_leave_the_queue(queues):
    app, seen = _app()
    _send(queues["events"], "one", "two")
    handled = drain_once(app, app.event_sources[0])
    assert sorted(seen) == ["one", "two"] and handled == 2
    assert _visible(queues["events"]) == 0


def test_a_failing_handler_leaves_the_batch_for_retry(queues):
    app, _seen = _app(fail=True)
    _send(queues["events"], "one")
    assert drain_once(app, app.event_sources[0]) == 0
    assert _visible(queues["events"]) == 1


def test_rate_schedules_run_at_their_interval():
    app, _ = _app()
    [schedule] = [source for source in app.event_sources if source.name == "tick"]
    assert schedule_interval(schedule) == 300


def test_a_scheduled_handler_runs_with_the_event_eventbridge_sends():
    # GIVEN an app with a schedule that reads the event's time
    app = Chalice(app_name="schedule-probe")
    times = []

    @app.schedule("rate(1 hour)")
    def hourly(event):
        times.append(event.time)

    # WHEN the worker fires it
    run_schedule(app, app.event_sources[0])
    # THEN the handler ran, with an RFC 3339 time
    assert len(times) == 1 and times[0].endswith("Z")
