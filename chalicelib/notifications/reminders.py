"""Scheduled notifications: due-date reminders and the daily digest, each issued once per user and day.

Both run hourly and are safe to run any number of times: a user's reminder (or digest) for a day is a claim
item written in the same transaction as the event that carries it, conditioned on not existing yet. The event
then goes through the outbox like any other, so preferences and idempotent delivery apply unchanged.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.core import events
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import NotFound
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, utcnow
from chalicelib.notifications.models import DIGEST_SHARDS, DailyClaim, Notification, NotificationPreference
from chalicelib.orgs import service as orgs
from chalicelib.tasks import service as tasks
from chalicelib.users import service as users

DIGEST_LOCAL_HOUR = 8
MAX_TASKS_LISTED = 50
MAX_UNREAD_COUNTED = 1000
_CLAIM_SECONDS = 8 * 24 * 3600


def _task_line(task) -> dict:
    return {"task_id": task.id, "title": task.title, "due_date": task.due_date, "link": tasks.task_link(task.id)}


def _claimed(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these claims exist already (one BatchGet per 100), so a rerun writes nothing."""
    found = set()
    for start in range(0, len(keys), 100):
        found |= {(item.PK, item.SK) for item in Item.batch_get(keys[start : start + 100])}
    return found


def _issue(*, org_id: str, user_id: str, kind: str, day: str, event_type: str, data: dict) -> bool:
    """Claim (user, kind, day) and emit its event in one transaction; False if it was claimed already."""
    keys = DailyClaim.keys(org_id, kind, day, user_id)
    claim = DailyClaim(*keys, kind=kind, day=day, user_id=user_id, expires_at=epoch_seconds(utcnow()) + _CLAIM_SECONDS)

    def write(tx) -> None:
        tx.save(claim, condition=DailyClaim.PK.does_not_exist())
        events.emit(tx, org_id=org_id, type=event_type, recipients=[user_id], data=data)

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(*keys):
            return False  # another run got there first
        raise
    return True


def send_due_reminders(*, now: datetime) -> int:
    """Remind each assignee, once a day, of their open tasks due tomorrow (UTC). Returns how many were sent."""
    today = now.date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    by_user: dict[tuple[str, str], list] = defaultdict(list)
    for task in tasks.due_on(due_date=tomorrow):
        by_user[(task.org_id, task.assignee_id)].append(task)
    claim_keys = {pair: DailyClaim.keys(pair[0], "reminder", today.isoformat(), pair[1]) for pair in by_user}
    done = _claimed(list(claim_keys.values()))
    issued = 0
    for (org_id, user_id), due in sorted(by_user.items()):
        if claim_keys[(org_id, user_id)] in done:
            continue
        due.sort(key=lambda task: task.id)
        listed = [_task_line(task) for task in due[:MAX_TASKS_LISTED]]
        data = {
            "due_date": tomorrow,
            "tasks": listed,
            "count": len(due),
            "link": listed[0]["link"] if len(due) == 1 else "/tasks",
        }
        issued += _issue(
            org_id=org_id, user_id=user_id, kind="reminder", day=today.isoformat(), event_type="task_due", data=data
        )
    logger.info("due-date reminders", extra={"due_date": tomorrow, "issued": issued})
    return issued


def _local_now(user_id: str, now: datetime) -> datetime | None:
    try:
        user = users.get(user_id=user_id)
    except NotFound:
        return None
    try:
        return now.astimezone(ZoneInfo(user.timezone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def _unread_count(org_id: str, user_id: str) -> int:
    partition = Notification.unread_partition(org_id, user_id)
    return sum(1 for _ in Notification.gsi1.query(partition, limit=MAX_UNREAD_COUNTED))


def send_daily_digests(*, now: datetime) -> int:
    """Email each user who asked for it a summary of their day, once per local day from 08:00 on.

    Subscribers are found through their preference's sparse index (a Query per shard, never a Scan).
    """
    issued = 0
    for shard in range(DIGEST_SHARDS):
        for preference in NotificationPreference.gsi1.query(NotificationPreference.digest_partition(shard)):
            issued += _digest(preference.org_id, preference.user_id, now)
    logger.info("daily digests", extra={"issued": issued})
    return issued


def _digest(org_id: str, user_id: str, now: datetime) -> int:
    local = _local_now(user_id, now)
    if local is None or local.hour < DIGEST_LOCAL_HOUR:
        return 0
    day = local.date().isoformat()
    if DailyClaim.get_or_none(*DailyClaim.keys(org_id, "digest", day, user_id)) is not None:
        return 0
    try:
        org = orgs.get_active(org_id=org_id)
    except NotFound:
        return 0
    due = tasks.open_assigned_due_by(org_id=org_id, user_id=user_id, day=day, limit=2 * MAX_TASKS_LISTED)
    data = {
        "org_name": org.name,
        "day": day,
        "due_today": [_task_line(task) for task in due if task.due_date == day][:MAX_TASKS_LISTED],
        "overdue": [_task_line(task) for task in due if task.due_date < day][:MAX_TASKS_LISTED],
        "unread": _unread_count(org_id, user_id),
        "link": "/tasks",
    }
    return int(_issue(org_id=org_id, user_id=user_id, kind="digest", day=day, event_type="daily_digest", data=data))
