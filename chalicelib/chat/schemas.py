from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.core.schemas import CursorPageParams, QueryParams, RequestBody, ResponseModel, UtcDatetime

MAX_MESSAGES_PER_PAGE = 100
MAX_INITIAL_MEMBERS = 50
ChannelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
ChannelDescription = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
MessageContent = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
# An emoji code such as `thumbsup`, `+1` or `white_check_mark`; stored in lower case.
EMOJI_PATTERN = r"^[A-Za-z0-9_+\-]{1,50}$"
EmojiCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=EMOJI_PATTERN), AfterValidator(str.lower)]


class ChannelCreate(RequestBody):
    name: ChannelName
    description: ChannelDescription | None = None
    is_private: bool = False
    member_ids: Annotated[list[str], Field(max_length=MAX_INITIAL_MEMBERS)] = []


class ChannelUpdate(RequestBody):
    """Partial: absent fields are kept; `description: null` clears it."""

    name: ChannelName | None = None
    description: ChannelDescription | None = None


class ChannelFilters(CursorPageParams):
    pass


class MessageFilters(QueryParams):
    before: str | None = None
    limit: int = Field(default=50, ge=1, le=MAX_MESSAGES_PER_PAGE)


class MessageCreate(RequestBody):
    content: MessageContent
    reply_to: str | None = None


class ReactionCreate(RequestBody):
    emoji: EmojiCode


class ChannelOut(ResponseModel):
    id: str
    name: str
    description: str | None
    is_private: bool
    created_by: str
    member_count: int
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, channel) -> "ChannelOut":
        return cls(
            id=channel.id,
            name=channel.name,
            description=channel.description,
            is_private=bool(channel.is_private),
            created_by=channel.created_by,
            member_count=int(channel.member_count or 0),
            created_at=channel.created_at,
            updated_at=channel.updated_at,
        )


class ReactionCount(ResponseModel):
    emoji: str
    count: int


class MessageOut(ResponseModel):
    id: str
    channel_id: str
    author_id: str
    content: str
    reply_to: str | None
    reply_count: int
    mentions: list[str]
    reactions: list[ReactionCount]
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def of(cls, message) -> "MessageOut":
        counts = message.reactions.as_dict() if message.reactions is not None else {}
        reactions = sorted(
            (ReactionCount(emoji=emoji, count=int(count)) for emoji, count in counts.items() if int(count) > 0),
            key=lambda reaction: (-reaction.count, reaction.emoji),
        )
        return cls(
            id=message.id,
            channel_id=message.channel_id,
            author_id=message.author_id,
            content=message.content,
            reply_to=message.reply_to,
            reply_count=int(message.reply_count or 0),
            mentions=list(message.mentions or []),
            reactions=reactions,
            created_at=message.created_at,
            updated_at=message.updated_at,
        )
