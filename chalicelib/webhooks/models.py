from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute

ATTEMPTS_KEPT = 100  # per subscription: the attempt log is a ring of this many slots


class WebhookSubscription(Item, discriminator="WEBHOOK_SUBSCRIPTION"):
    """An org's outgoing webhook: where events of the chosen types are POSTed, signed with its secret.

    `attempt_seq` numbers its delivery attempts (the slot of the next one in the ring); `consecutive_failures`
    counts failed attempts since the last success, and disables it at `service.DISABLE_AFTER`.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    disabled_reason = UnicodeAttribute(null=True)
    disabled_at = TimestampAttribute(null=True)
    sealed_secret = UnicodeAttribute()  # core.sealing, bound to the id
    consecutive_failures = NumberAttribute(default=0)
    attempt_seq = NumberAttribute(default=0)
    last_attempt_at = TimestampAttribute(null=True)
    last_success_at = TimestampAttribute(null=True)
    secret_rotated_at = TimestampAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "WEBHOOKSUB#"

    @classmethod
    def keys(cls, org_id: str, webhook_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{webhook_id}"


class WebhookCount(Item, discriminator="WEBHOOK_COUNT"):
    """How many subscriptions the org has: created and deleted in the same transactions, bounded by condition."""

    count = NumberAttribute(default=0)

    @staticmethod
    def keys(org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", "WEBHOOKCOUNT"


class WebhookAttempt(Item, discriminator="WEBHOOK_ATTEMPT"):
    """One delivery attempt, in slot `seq % ATTEMPTS_KEPT` of its subscription's own partition (overwriting the
    attempt 100 before it), so the log holds the last 100 attempts without ever deleting."""

    id = UnicodeAttribute()
    webhook_id = UnicodeAttribute()
    seq = NumberAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    attempt = NumberAttribute()  # 1 for the first try of this event, 2 for its first retry, …
    succeeded = BooleanAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute()
    error = UnicodeAttribute(null=True)
    next_attempt_at = TimestampAttribute(null=True)  # when a retry is scheduled
    attempted_at = TimestampAttribute()

    @staticmethod
    def partition(org_id: str, webhook_id: str) -> str:
        return f"ORG#{org_id}#WEBHOOK#{webhook_id}"

    @classmethod
    def keys(cls, org_id: str, webhook_id: str, seq: int) -> tuple[str, str]:
        return cls.partition(org_id, webhook_id), f"ATTEMPT#{seq % ATTEMPTS_KEPT:03d}"
