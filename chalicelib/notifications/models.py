import hashlib
import zlib

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from ulid import ULID

from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable

PUSH_SHARDS = 4
DIGEST_SHARDS = 4


def derived_id(prefix: str, event_id: str, user_id: str) -> str:
    """A stable id for what one event means for one user: its ULID keeps the event's time, so a redelivered
    event maps onto the same item (idempotence) and ids still sort by creation."""
    event_ulid = ULID.from_str(event_id.split("_", 1)[1])
    randomness = hashlib.sha256(f"{event_id}:{user_id}".encode()).digest()[:10]
    return f"{prefix}_{ULID.from_bytes(event_ulid.bytes[:6] + randomness)}"


class Notification(Item, discriminator="NOTIFICATION"):
    """An in-app notification of one user in one org; unread ones also sit in a sparse GSI1 partition."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    actor_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute()
    read_at = TimestampAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    expires_at = NumberAttribute()

    SK_PREFIX = "NOTIF#"

    @classmethod
    def keys(cls, org_id: str, user_id: str, notification_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(user_id)}{notification_id}"

    @classmethod
    def prefix(cls, user_id: str) -> str:
        """The SK prefix of one user's notifications (newest last: ids are ULIDs)."""
        return f"{cls.SK_PREFIX}{user_id}#"

    @staticmethod
    def unread_partition(org_id: str, user_id: str) -> str:
        """GSI1PK: a user's unread notifications (sparse: reading one removes its keys)."""
        return f"ORG#{org_id}#USER#{user_id}#UNREAD"

    def index(self) -> None:
        """Fill in the unread index keys while the notification is unread."""
        if self.read_at is None:
            self.GSI1PK, self.GSI1SK = self.unread_partition(self.org_id, self.user_id), self.id
        else:
            self.GSI1PK = self.GSI1SK = None


class NotificationPreference(Item, discriminator="NOTIFICATION_PREF"):
    """A user's channels for one notification type in one org; an absent field means the type's default.

    A `daily_digest` preference with email on also carries a GSI1 key, so the digest finds who asked for it.
    """

    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    notification_type = UnicodeAttribute()
    email_enabled = BooleanAttribute(null=True)
    push_enabled = BooleanAttribute(null=True)
    in_app_enabled = BooleanAttribute(null=True)
    updated_at = TimestampAttribute(null=True)

    SK_PREFIX = "NOTIFPREF#"

    @classmethod
    def keys(cls, org_id: str, user_id: str, notification_type: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(user_id)}{notification_type}"

    @classmethod
    def prefix(cls, user_id: str) -> str:
        return f"{cls.SK_PREFIX}{user_id}#"

    @staticmethod
    def digest_partition(shard: int) -> str:
        return f"DIGEST#SUBSCRIBED#{shard}"

    @classmethod
    def digest_keys(cls, org_id: str, user_id: str) -> tuple[str, str]:
        """GSI1 keys of a user who gets the daily digest."""
        shard = zlib.crc32(f"{org_id}#{user_id}".encode()) % DIGEST_SHARDS
        return cls.digest_partition(shard), f"{org_id}#{user_id}"


class Delivery(Item, discriminator="NOTIFICATION_DELIVERY"):
    """One event delivered to one user on one outside channel: the email sent (a claim that makes a redelivered
    event send nothing more) or the push notification waiting for a provider (`status` pending)."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    channel = UnicodeAttribute()  # email | push
    status = UnicodeAttribute()  # sending | sent | pending
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    created_at = TimestampAttribute()
    expires_at = NumberAttribute(null=True)

    SK_PREFIX = "NOTIFDELIVERY#"

    @classmethod
    def keys(cls, org_id: str, event_id: str, user_id: str, channel: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{event_id}#{user_id}#{channel}"

    @staticmethod
    def pending_push_partition(shard: int) -> str:
        """GSI1PK: push deliveries waiting for a provider, across orgs."""
        return f"PUSH#PENDING#{shard}"

    def index(self) -> None:
        """Pending push deliveries are findable by a future push sender; nothing else is indexed."""
        if self.channel == "push" and self.status == "pending":
            shard = zlib.crc32(self.id.encode()) % PUSH_SHARDS
            self.GSI1PK, self.GSI1SK = self.pending_push_partition(shard), f"{to_sortable(self.created_at)}#{self.id}"


class DailyClaim(Item, discriminator="NOTIFICATION_DAILY"):
    """That a user's reminder or digest for one day has been issued: the day's run happens once per user."""

    kind = UnicodeAttribute()  # reminder | digest
    day = UnicodeAttribute()
    user_id = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(org_id: str, kind: str, day: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"NOTIFDAILY#{kind}#{day}#{user_id}"
