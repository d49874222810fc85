from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute


class BillingAccount(Item, discriminator="BILLING"):
    """An org's plan, its PayPal subscription, and the usage counters its plan limits.

    One item per org, beside the org in its partition. The counters (`members`, `projects`, `storage_bytes`)
    are only changed by ADD in the transactions that create or remove what they count, under a condition
    that the org's plan is still the one read and the counter leaves room (decision 55). Plan changes bump
    `state_version` and are conditioned on it. An item created by a counter's first ADD (an org older than
    billing) has only the counters and `plan` set: `None` fields mean "none yet".
    """

    org_id = UnicodeAttribute(null=True)
    plan = UnicodeAttribute(null=True)  # free | pro | business; what the limits follow
    members = NumberAttribute(null=True)  # active and invited memberships, the owner included
    projects = NumberAttribute(null=True)
    storage_bytes = NumberAttribute(null=True)  # ready files
    # The subscription that sets the plan (kept after it ends, for reference).
    subscription_id = UnicodeAttribute(null=True)
    subscription_plan = UnicodeAttribute(null=True)
    subscription_status = UnicodeAttribute(null=True)  # active | past_due | suspended | cancelled | expired
    # A subscription created and waiting for the payer's approval at PayPal.
    pending_subscription_id = UnicodeAttribute(null=True)
    pending_plan = UnicodeAttribute(null=True)
    approval_url = UnicodeAttribute(null=True)
    pending_since = TimestampAttribute(null=True)
    # When the last status change happened at PayPal: older events never undo newer ones.
    status_changed_at = TimestampAttribute(null=True)
    last_payment_at = TimestampAttribute(null=True)
    last_payment_amount = NumberAttribute(null=True)  # minor units of `last_payment_currency`
    last_payment_currency = UnicodeAttribute(null=True)
    payment_failed_at = TimestampAttribute(null=True)
    state_version = NumberAttribute(null=True)
    updated_at = TimestampAttribute(null=True)

    @staticmethod
    def keys(org_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", "BILLING"


class SubscriptionLink(Item, discriminator="PAYPAL_SUB"):
    """Which org a PayPal subscription belongs to: webhooks name the subscription, not the org."""

    subscription_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    plan = UnicodeAttribute()
    created_at = TimestampAttribute()

    @staticmethod
    def keys(subscription_id: str) -> tuple[str, str]:
        return f"PAYPAL_SUB#{subscription_id}", "SUB"


class WebhookReceipt(Item, discriminator="PAYPAL_EVENT"):
    """A PayPal event id already processed (claimed in the transaction that applies it); kept 90 days."""

    event_type = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()  # applied | ignored
    received_at = TimestampAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(event_id: str) -> tuple[str, str]:
        return f"PAYPAL_EVENT#{event_id}", "EVENT"
