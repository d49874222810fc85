"""Notifications: what events mean for each recipient, delivered on the channels their preferences ask for.

In-app notifications are items (listed, marked read); email goes through SES; push is stored as a pending
delivery for a provider Stint does not have yet. Delivery is idempotent per (event, recipient, channel), so a
redelivered or retried event creates one notification and sends one email.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError

from chalicelib.audit import service as audit
from chalicelib.core import events, mail
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, key_prefix, transact
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.ids import is_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, utcnow
from chalicelib.notifications.messages import Rendered, render
from chalicelib.notifications.models import Delivery, Notification, NotificationPreference, derived_id
from chalicelib.notifications.schemas import NotificationFilters, PreferenceUpdate
from chalicelib.orgs import service as orgs
from chalicelib.users import service as users

DOCUMENTED_TYPES = ("task_assigned", "task_commented", "task_status_changed", "invoice_paid", "chat_mentioned")
PREFERENCE_TYPES = (*DOCUMENTED_TYPES, "task_due", "daily_digest", "budget_alert")
EMAIL_ONLY_TYPES = ("daily_digest",)
# Not a preference: an invitation's welcome is always (and only) shown in the app.
IN_APP_ONLY_TYPES = ("member_invited",)
# Not a preference either: alerts to the org's admins, always in the app and by email (decision 86).
ADMIN_ALERT_TYPES = ("webhook_disabled",)
# Not preferences either: timesheet reviews always reach the member (and submissions the admins), in the app
# and by email (decision 82).
TIMESHEET_TYPES = ("timesheet_submitted", "timesheet_approved", "timesheet_rejected")
NOTIFIED_TYPES = (*PREFERENCE_TYPES, *IN_APP_ONLY_TYPES, *TIMESHEET_TYPES, *ADMIN_ALERT_TYPES)
CHANNELS = ("email", "push", "in_app")
KEEP_SECONDS = 365 * 24 * 3600
_TRANSACTION_ITEMS = 99  # DynamoDB's 100, less the audit entry


@dataclass(frozen=True)
class Preference:
    notification_type: str
    email: bool
    push: bool
    in_app: bool
    updated_at: datetime | None = None

    def enabled(self, channel: str) -> bool:
        return getattr(self, channel)


# Everything on in the app and by email; push off until there is a provider; the digest is opt-in.
DEFAULTS = {kind: Preference(kind, email=True, push=False, in_app=True) for kind in PREFERENCE_TYPES}
DEFAULTS["daily_digest"] = Preference("daily_digest", email=False, push=False, in_app=False)
DEFAULTS["member_invited"] = Preference("member_invited", email=False, push=False, in_app=True)
DEFAULTS["webhook_disabled"] = Preference("webhook_disabled", email=True, push=False, in_app=True)
DEFAULTS.update({kind: Preference(kind, email=True, push=False, in_app=True) for kind in TIMESHEET_TYPES})


def _effective(kind: str, stored: NotificationPreference | None) -> Preference:
    default = DEFAULTS[kind]
    if stored is None:
        return default
    return Preference(
        kind,
        email=default.email if stored.email_enabled is None else stored.email_enabled,
        push=default.push if stored.push_enabled is None else stored.push_enabled,
        in_app=default.in_app if stored.in_app_enabled is None else stored.in_app_enabled,
        updated_at=stored.updated_at,
    )


# --- in-app notifications ------------------------------------------------------------------------------------


def list_notifications(*, principal: Principal, filters: NotificationFilters) -> Page:
    """The caller's notifications in the current org, newest first; `unread` keeps the unread ones."""
    org, user = principal.org_id, principal.user_id
    if filters.unread:
        return query_page(
            Notification,
            Notification.unread_partition(org, user),
            index=Notification.gsi1,
            limit=filters.per_page,
            cursor=filters.cursor,
            offset=filters.offset,
            scope=f"{org}:notifications:{user}:unread",
        )
    return query_page(
        Notification,
        f"ORG#{org}",
        range_key_condition=key_prefix(Notification.SK, Notification.prefix(user)),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        scope=f"{org}:notifications:{user}",
    )


def _unread_by_ids(principal: Principal, ids: list[str]) -> list[Notification]:
    keys = sorted(
        {Notification.keys(principal.org_id, principal.user_id, i) for i in ids if is_id(i, "ntf")},
    )
    found = [item for start in range(0, len(keys), 100) for item in Notification.batch_get(keys[start : start + 100])]
    return [notification for notification in found if notification.read_at is None]


def _all_unread(principal: Principal) -> list[Notification]:
    partition = Notification.unread_partition(principal.org_id, principal.user_id)
    return list(Notification.gsi1.query(partition))


def mark_read(*, principal: Principal, ids: list[str] | None) -> int:
    """Mark the caller's notifications read: those in `ids` (others' and unknown ids are ignored), or all."""
    targets = _all_unread(principal) if ids is None else _unread_by_ids(principal, ids)
    now = utcnow()
    for start in range(0, len(targets), _TRANSACTION_ITEMS):
        chunk = targets[start : start + _TRANSACTION_ITEMS]

        def write(tx, chunk=chunk) -> None:
            for notification in chunk:
                tx.update(
                    notification,
                    actions=[
                        Notification.read_at.set(Notification.read_at | now),
                        Notification.updated_at.set(now),
                        Notification.GSI1PK.remove(),
                        Notification.GSI1SK.remove(),
                    ],
                    condition=Notification.PK.exists(),
                )
            audit.record(
                tx,
                org_id=principal.org_id,
                actor=principal,
                action="marked_read",
                entity_type="notification",
                entity_id=chunk[0].id if len(chunk) == 1 else None,
                changes={"count": {"from": None, "to": len(chunk)}},
            )

        transact(write)
    return len(targets)


# --- preferences ---------------------------------------------------------------------------------------------


def preferences(*, principal: Principal) -> list[Preference]:
    """The caller's channels for every notification type in the current org (defaults where unset)."""
    prefix = NotificationPreference.prefix(principal.user_id)
    stored = {
        item.notification_type: item
        for item in NotificationPreference.query(
            f"ORG#{principal.org_id}", key_prefix(NotificationPreference.SK, prefix), consistent_read=True
        )
    }
    return [_effective(kind, stored.get(kind)) for kind in PREFERENCE_TYPES]


def update_preference(*, principal: Principal, body: PreferenceUpdate) -> Preference:
    """Turn channels of one notification type on or off for the caller; unnamed channels keep their setting."""
    kind = body.notification_type
    wanted = {
        channel: value
        for channel, value in (
            ("email", body.email_enabled),
            ("push", body.push_enabled),
            ("in_app", body.in_app_enabled),
        )
        if value is not None
    }
    if kind in EMAIL_ONLY_TYPES:
        for channel in ("push", "in_app"):
            if wanted.get(channel):
                raise ValidationFailed.field(f"{channel}_enabled", f"{kind} is delivered by email only")
    keys = NotificationPreference.keys(principal.org_id, principal.user_id, kind)
    current = _effective(kind, NotificationPreference.get_or_none(*keys, consistent=True))
    if not wanted:
        return current
    now = utcnow()
    attributes = {
        "email": NotificationPreference.email_enabled,
        "push": NotificationPreference.push_enabled,
        "in_app": NotificationPreference.in_app_enabled,
    }
    actions = [attributes[channel].set(value) for channel, value in wanted.items()]
    actions += [
        NotificationPreference.entity.set(NotificationPreference),
        NotificationPreference.org_id.set(principal.org_id),
        NotificationPreference.user_id.set(principal.user_id),
        NotificationPreference.notification_type.set(kind),
        NotificationPreference.updated_at.set(now),
    ]
    if kind == "daily_digest" and "email" in wanted:
        if wanted["email"]:
            gsi_pk, gsi_sk = NotificationPreference.digest_keys(principal.org_id, principal.user_id)
            actions += [NotificationPreference.GSI1PK.set(gsi_pk), NotificationPreference.GSI1SK.set(gsi_sk)]
        else:
            actions += [NotificationPreference.GSI1PK.remove(), NotificationPreference.GSI1SK.remove()]
    before = {f"{channel}_enabled": current.enabled(channel) for channel in CHANNELS}
    after = {**before, **{f"{channel}_enabled": value for channel, value in wanted.items()}}

    def write(tx) -> None:
        tx.update(NotificationPreference(*keys), actions=actions)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="notification_preference",
            entity_id=kind,
            changes=audit.diff(before, after),
        )

    transact(write)
    return Preference(
        kind,
        email=after["email_enabled"],
        push=after["push_enabled"],
        in_app=after["in_app_enabled"],
        updated_at=now,
    )


# --- delivery ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Recipient:
    user_id: str
    email: str
    preference: Preference


def _recipients(event: events.Event) -> list[_Recipient]:
    """The event's recipients who may still receive it, with their address and channels (one BatchGet)."""
    user_ids = [user_id for user_id in dict.fromkeys(event.recipients) if user_id and user_id != event.actor_id]
    kind = event.type if event.type in PREFERENCE_TYPES else None
    keys = []
    for user_id in user_ids:
        keys += [orgs.membership_keys(org_id=event.org_id, user_id=user_id), users.record_keys(user_id=user_id)]
        if kind:
            keys.append(NotificationPreference.keys(event.org_id, user_id, kind))
    found = {}
    for start in range(0, len(keys), 100):
        found.update({(item.PK, item.SK): item for item in Item.batch_get(keys[start : start + 100])})
    allowed_status = ("active", "invited") if event.type in IN_APP_ONLY_TYPES else ("active",)
    recipients = []
    for user_id in user_ids:
        member = found.get(orgs.membership_keys(org_id=event.org_id, user_id=user_id))
        user = found.get(users.record_keys(user_id=user_id))
        if member is None or user is None or member.status not in allowed_status:
            continue  # left the org (or never joined) since the event: told nothing
        stored = found.get(NotificationPreference.keys(event.org_id, user_id, kind)) if kind else None
        recipients.append(_Recipient(user_id, user.email, _effective(event.type, stored)))
    return recipients


def _actor_name(event: events.Event) -> str:
    if not event.actor_id:
        return "Stint"
    return users.names(user_ids={event.actor_id}).get(event.actor_id) or "Someone"


@events.subscriber(*NOTIFIED_TYPES)
def deliver(event: events.Event) -> None:
    """Turn an event into notifications for its recipients, on each channel they have on."""
    recipients = _recipients(event)
    if not recipients:
        return
    rendered = render(event.type, event.data, _actor_name(event))
    for recipient in recipients:
        if recipient.preference.in_app:
            _save_in_app(event, recipient, rendered)
        if recipient.preference.push:
            _save_push(event, recipient, rendered)
        if recipient.preference.email:
            _send_email(event, recipient, rendered)


def _put_once(item: Item) -> bool:
    """Save `item` unless it exists; False if it did (a redelivered event)."""
    try:
        item.save(condition=type(item).PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _data(event: events.Event, rendered: Rendered) -> dict:
    return {**event.data, "link": rendered.link} if rendered.link else dict(event.data)


def _save_in_app(event: events.Event, recipient: _Recipient, rendered: Rendered) -> None:
    notification_id = derived_id("ntf", event.id, recipient.user_id)
    now = utcnow()
    notification = Notification(
        *Notification.keys(event.org_id, recipient.user_id, notification_id),
        id=notification_id,
        org_id=event.org_id,
        user_id=recipient.user_id,
        type=event.type,
        title=rendered.title,
        message=rendered.message,
        data=_data(event, rendered),
        actor_id=event.actor_id,
        event_id=event.id,
        created_at=now,
        updated_at=now,
        expires_at=epoch_seconds(now) + KEEP_SECONDS,
    )
    notification.index()
    _put_once(notification)


def _delivery(event: events.Event, recipient: _Recipient, rendered: Rendered, channel: str, status: str) -> Delivery:
    now = utcnow()
    delivery = Delivery(
        *Delivery.keys(event.org_id, event.id, recipient.user_id, channel),
        id=derived_id("dlv", event.id, f"{recipient.user_id}#{channel}"),
        org_id=event.org_id,
        user_id=recipient.user_id,
        event_id=event.id,
        channel=channel,
        status=status,
        type=event.type,
        title=rendered.title,
        message=rendered.message,
        data=_data(event, rendered),
        created_at=now,
        expires_at=epoch_seconds(now) + KEEP_SECONDS,
    )
    delivery.index()
    return delivery


def _save_push(event: events.Event, recipient: _Recipient, rendered: Rendered) -> None:
    _put_once(_delivery(event, recipient, rendered, "push", "pending"))


def _send_email(event: events.Event, recipient: _Recipient, rendered: Rendered) -> None:
    claim = _delivery(event, recipient, rendered, "email", "sending")
    if not _put_once(claim):
        return  # sent (or being sent) by an earlier delivery of this event
    subject, text, html = rendered.email()
    try:
        mail.send_email(to=[recipient.email], subject=subject, text=text, html=html)
    except BaseException:
        claim.delete()  # so the retry sends it
        raise
    claim.update(actions=[Delivery.status.set("sent")])
    logger.info("notification emailed", extra={"event_id": event.id, "user_id": recipient.user_id})
