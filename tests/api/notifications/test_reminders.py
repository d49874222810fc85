"""Due-date reminders and the daily digest: scheduled, once per user and day, through the usual delivery."""

import uuid

from tests.api.notifications.helpers import change_status, emails_to, notifications, set_preference
from tests.support import task_setup
from tests.support.outbox import deliver_events

TODAY, TOMORROW, YESTERDAY = "2030-03-10", "2030-03-11", "2030-03-09"


def run(app, handler: str, at: str) -> int:
    """Fire an hourly schedule as EventBridge would, at the instant `at`, then deliver what it emitted."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at,
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }
    issued = app.handler_map[handler](event, None)
    deliver_events()
    return issued


def remind(app, at: str = f"{TODAY}T06:00:00Z") -> int:
    return run(app, "send_due_reminders", at)


def digest(app, at: str) -> int:
    return run(app, "send_daily_digests", at)


def reminders_of(account) -> list[dict]:
    return [n for n in notifications(account) if n["type"] == "task_due"]


# --- due-date reminders --------------------------------------------------------------------------------------


def test_an_assignee_is_reminded_the_day_before_a_task_is_due(app, owner, member, project_id):
    # GIVEN a task assigned to the member, due tomorrow
    task = task_setup.task(owner, project_id, title="Ship it", assignee_id=member.user_id, due_date=TOMORROW)
    deliver_events()
    emails_before = len(emails_to(member))
    # WHEN the reminder schedule runs today
    assert remind(app) == 1
    # THEN the member has a reminder linking to the task, and an email about it
    [reminder] = reminders_of(member)
    assert reminder["title"] == "Task due tomorrow: Ship it"
    assert reminder["data"]["link"] == f"/tasks?task={task['id']}"
    assert reminder["data"]["due_date"] == TOMORROW
    assert len(emails_to(member)) == emails_before + 1
    assert emails_to(member)[-1]["Subject"] == "Task due tomorrow: Ship it"


def test_hourly_runs_remind_each_user_once_a_day(app, owner, member, project_id):
    # GIVEN two tasks of the member due tomorrow
    for title in ("Ship it", "Write notes"):
        task_setup.task(owner, project_id, title=title, assignee_id=member.user_id, due_date=TOMORROW)
    deliver_events()
    # WHEN the schedule runs every hour of the day
    issued = [remind(app, f"{TODAY}T{hour:02d}:05:00Z") for hour in range(0, 24, 6)]
    # THEN one reminder was issued, listing both tasks
    assert issued == [1, 0, 0, 0]
    [reminder] = reminders_of(member)
    assert reminder["title"] == "2 tasks due tomorrow"
    assert sorted(t["title"] for t in reminder["data"]["tasks"]) == ["Ship it", "Write notes"]
    assert reminder["data"]["link"] == "/tasks"


def test_only_open_assigned_tasks_due_tomorrow_are_reminded(app, owner, member, admin, project_id):
    # GIVEN the member's task due in two days, the admin's task due tomorrow but done, an unassigned one
    task_setup.task(owner, project_id, assignee_id=member.user_id, due_date="2030-03-12")
    finished = task_setup.task(owner, project_id, assignee_id=admin.user_id, due_date=TOMORROW)
    change_status(owner, finished["id"], "done")
    task_setup.task(owner, project_id, due_date=TOMORROW)
    deliver_events()
    # WHEN the reminder schedule runs
    # THEN nobody is reminded
    assert remind(app) == 0
    assert reminders_of(member) == [] and reminders_of(admin) == []


def test_a_new_day_brings_a_new_reminder(app, owner, member, project_id):
    # GIVEN tasks of the member due tomorrow and the day after
    task_setup.task(owner, project_id, title="First", assignee_id=member.user_id, due_date=TOMORROW)
    task_setup.task(owner, project_id, title="Second", assignee_id=member.user_id, due_date="2030-03-12")
    deliver_events()
    # WHEN the schedule runs today and tomorrow
    remind(app, f"{TODAY}T06:00:00Z")
    remind(app, f"{TOMORROW}T06:00:00Z")
    # THEN there is one reminder per day, each about that day's task
    assert [r["title"] for r in reminders_of(member)] == ["Task due tomorrow: Second", "Task due tomorrow: First"]


def test_reminders_follow_the_task_due_preference(app, owner, member, project_id):
    # GIVEN the member turned reminders off in the app
    set_preference(member, "task_due", in_app_enabled=False)
    task_setup.task(owner, project_id, assignee_id=member.user_id, due_date=TOMORROW)
    deliver_events()
    emails_before = len(emails_to(member))
    # WHEN the reminder schedule runs
    remind(app)
    # THEN the reminder came by email only
    assert reminders_of(member) == []
    assert len(emails_to(member)) == emails_before + 1


# --- the daily digest ----------------------------------------------------------------------------------------


def test_the_digest_is_opt_in(app, owner, member, project_id):
    # GIVEN a member with a task due today who never asked for the digest
    task_setup.task(owner, project_id, assignee_id=member.user_id, due_date=TODAY)
    deliver_events()
    emails_before = len(emails_to(member))
    # WHEN the digest schedule runs in the morning
    # THEN nothing is sent
    assert digest(app, f"{TODAY}T09:00:00Z") == 0
    assert len(emails_to(member)) == emails_before


def test_the_digest_lists_what_is_due_today_and_overdue_once_a_day_from_eight(app, owner, member, project_id):
    # GIVEN a member who asked for the digest, with a task due today, one overdue and one due next week
    set_preference(member, "daily_digest", email_enabled=True)
    task_setup.task(owner, project_id, title="Today's job", assignee_id=member.user_id, due_date=TODAY)
    task_setup.task(owner, project_id, title="Late job", assignee_id=member.user_id, due_date=YESTERDAY)
    task_setup.task(owner, project_id, title="Later job", assignee_id=member.user_id, due_date="2030-03-17")
    deliver_events()
    emails_before = len(emails_to(member))
    # WHEN the schedule runs at 07:00, 08:00 and 09:00 UTC (the member's timezone)
    issued = [digest(app, f"{TODAY}T{hour:02d}:00:00Z") for hour in (7, 8, 9)]
    # THEN one digest is emailed, at 08:00, listing today's and the overdue task but not next week's
    assert issued == [0, 1, 0]
    assert len(emails_to(member)) == emails_before + 1
    message = emails_to(member)[-1]
    text = message.get_body(("plain",)).get_content()
    assert "Today's job" in text and "Late job" in text and "Later job" not in text
    assert "unread notification" in text
    assert message.get_body(("html",)) is not None
    # AND it is not an in-app notification
    assert [n for n in notifications(member) if n["type"] == "daily_digest"] == []


def test_the_digest_waits_for_eight_in_the_users_own_timezone(app, owner, member):
    # GIVEN a member in New York who asked for the digest
    assert member.api.put("/api/v1/users/me", json={"timezone": "America/New_York"}).status_code == 200
    set_preference(member, "daily_digest", email_enabled=True)
    # WHEN the schedule runs at 08:00 and at 12:00 UTC (04:00 and 08:00 in New York, on daylight time)
    issued = [digest(app, f"{TODAY}T{hour:02d}:00:00Z") for hour in (8, 12)]
    # THEN the digest goes out at the New York morning
    assert issued == [0, 1]


def test_turning_the_digest_off_stops_it(app, owner, member):
    # GIVEN a member who asked for the digest, then turned it off
    set_preference(member, "daily_digest", email_enabled=True)
    set_preference(member, "daily_digest", email_enabled=False)
    # WHEN the schedule runs in the morning
    # THEN nothing is issued
    assert digest(app, f"{TODAY}T09:00:00Z") == 0
