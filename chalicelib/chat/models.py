from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)

from chalicelib.core.db import Item, TimestampAttribute


class Channel(Item, discriminator="CHANNEL"):
    """A chat channel. Public ones are open to every member of the org; private ones only to their members."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    is_private = BooleanAttribute(default=False)
    created_by = UnicodeAttribute()
    member_count = NumberAttribute(default=0)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    SK_PREFIX = "CHANNEL#"

    @classmethod
    def keys(cls, org_id: str, channel_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{channel_id}"


class ChannelName(Item, discriminator="CHANNEL_NAME"):
    """Holds a channel name (case-insensitive) in an org: the uniqueness constraint."""

    channel_id = UnicodeAttribute()

    @staticmethod
    def keys(org_id: str, name: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"CHNAME#{name.strip().lower()}"


class ChannelMember(Item, discriminator="CHANNEL_MEMBER"):
    """A user's membership of a channel; GSI1 lists a user's channels."""

    org_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    is_private = BooleanAttribute(default=False)
    added_by = UnicodeAttribute()
    created_at = TimestampAttribute()

    SK_PREFIX = "CHMEMBER#"

    @classmethod
    def keys(cls, org_id: str, channel_id: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(channel_id)}{user_id}"

    @classmethod
    def prefix(cls, channel_id: str) -> str:
        return f"{cls.SK_PREFIX}{channel_id}#"

    @staticmethod
    def user_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#USER#{user_id}#CHANNELS"

    def index(self) -> None:
        self.GSI1PK, self.GSI1SK = self.user_partition(self.org_id, self.user_id), self.channel_id


class Message(Item, discriminator="CHAT_MESSAGE"):
    """A message, found by id in the org partition and listed per channel (newest first) on GSI1.

    `reactions` counts each emoji's reactions; the reactions themselves are `Reaction` items.
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    content = UnicodeAttribute()
    reply_to = UnicodeAttribute(null=True)
    reply_count = NumberAttribute(default=0)
    mentions = ListAttribute(of=UnicodeAttribute, default=list)
    reactions = MapAttribute(default=dict)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "CHMSG#"

    @classmethod
    def keys(cls, org_id: str, message_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{message_id}"

    @staticmethod
    def channel_partition(org_id: str, channel_id: str) -> str:
        """GSI1PK: a channel's messages, by id (= time)."""
        return f"ORG#{org_id}#CH#{channel_id}#MSGS"

    def index(self) -> None:
        self.GSI1PK, self.GSI1SK = self.channel_partition(self.org_id, self.channel_id), self.id


class Reaction(Item, discriminator="CHAT_REACTION"):
    """One user's reaction with one emoji to one message: its key makes it unique."""

    org_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    emoji = UnicodeAttribute()
    created_at = TimestampAttribute()

    SK_PREFIX = "CHREACT#"

    @classmethod
    def keys(cls, org_id: str, message_id: str, emoji: str, user_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.prefix(message_id)}{emoji}#{user_id}"

    @classmethod
    def prefix(cls, message_id: str) -> str:
        return f"{cls.SK_PREFIX}{message_id}#"
