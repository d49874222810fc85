"""Chat: channels (public to the org, or private to their members), messages with threads, reactions and
@mentions that notify the people they name."""

import re

from chalicelib.audit import service as audit
from chalicelib.chat.models import Channel, ChannelMember, ChannelName, Message, Reaction
from chalicelib.chat.schemas import (
    EMOJI_PATTERN,
    ChannelCreate,
    ChannelFilters,
    ChannelUpdate,
    MessageCreate,
    MessageFilters,
)
from chalicelib.core import events, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, key_prefix, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.timeutil import utcnow
from chalicelib.orgs import service as orgs

CHANNEL_DELETED_JOB = "chat_channel_deleted"
MESSAGE_DELETED_JOB = "chat_message_deleted"
MAX_EMOJIS_PER_MESSAGE = 50
EXCERPT_CHARS = 200
MAX_PRIVATE_CHANNELS_LISTED = 100  # DynamoDB's IN takes at most 100 values
# `@jane`, `@jane@example.com` or `@usr_01…`; not the middle of an address (`bob@example.com`).
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9._%+\-]+(?:@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)?)")


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


def chat_link(channel_id: str, message_id: str) -> str:
    """Where the app opens a message."""
    return f"/chat?channel={channel_id}&message={message_id}"


# --- channels ------------------------------------------------------------------------------------------------


def _is_member(org_id: str, channel_id: str, user_id: str) -> bool:
    return ChannelMember.get_or_none(*ChannelMember.keys(org_id, channel_id, user_id)) is not None


def get_channel(*, principal: Principal, channel_id: str) -> Channel:
    """A channel the caller may see (private ones only by their members), or 404."""
    channel = Channel.get_or_none(*Channel.keys(principal.org_id, channel_id)) if is_id(channel_id, "ch") else None
    if channel is None or (channel.is_private and not _is_member(principal.org_id, channel.id, principal.user_id)):
        raise NotFound("Channel not found.")
    return channel


def _my_private_channel_ids(principal: Principal) -> list[str]:
    partition = ChannelMember.user_partition(principal.org_id, principal.user_id)
    return [member.channel_id for member in ChannelMember.gsi1.query(partition) if member.is_private]


def list_channels(*, principal: Principal, filters: ChannelFilters) -> Page:
    """The org's public channels and the private ones the caller is in, oldest first."""
    mine = _my_private_channel_ids(principal)
    if len(mine) > MAX_PRIVATE_CHANNELS_LISTED:
        mine = mine[-MAX_PRIVATE_CHANNELS_LISTED:]  # the most recent ones (ids sort by creation)
    visible = Channel.is_private == False  # noqa: E712 (a DynamoDB condition, not a Python comparison)
    if mine:
        visible = visible | Channel.id.is_in(*mine)
    return query_page(
        Channel,
        f"ORG#{principal.org_id}",
        range_key_condition=key_prefix(Channel.SK, Channel.SK_PREFIX),
        filter_condition=visible,
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:channels:{principal.user_id}",
    )


def _require_org_members(org_id: str, user_ids: list[str]) -> None:
    for user_id in user_ids:
        if orgs.membership(org_id=org_id, user_id=user_id) is None:
            raise ValidationFailed.field("member_ids", f"{user_id} is not a member of this organization")


def _member(channel: Channel, user_id: str, added_by: str) -> ChannelMember:
    member = ChannelMember(
        *ChannelMember.keys(channel.org_id, channel.id, user_id),
        org_id=channel.org_id,
        channel_id=channel.id,
        user_id=user_id,
        is_private=channel.is_private,
        added_by=added_by,
        created_at=channel.created_at,
    )
    member.index()
    return member


def _name_taken(name: str) -> Conflict:
    return Conflict(f"A channel named '{name}' already exists.")


def create_channel(*, principal: Principal, body: ChannelCreate) -> Channel:
    """A new channel; its creator and `member_ids` (members of the org) are its members."""
    member_ids = list(dict.fromkeys([principal.user_id, *body.member_ids]))
    _require_org_members(principal.org_id, [user_id for user_id in member_ids if user_id != principal.user_id])
    now, channel_id = utcnow(), new_id("ch")
    channel = Channel(
        *Channel.keys(principal.org_id, channel_id),
        id=channel_id,
        org_id=principal.org_id,
        name=body.name,
        description=body.description,
        is_private=body.is_private,
        created_by=principal.user_id,
        member_count=len(member_ids),
        created_at=now,
        updated_at=now,
    )
    name_claim = ChannelName(*ChannelName.keys(principal.org_id, body.name), channel_id=channel_id)

    def write(tx) -> None:
        tx.save(channel, condition=Channel.PK.does_not_exist())
        tx.save(name_claim, condition=ChannelName.PK.does_not_exist())
        for user_id in member_ids:
            tx.save(_member(channel, user_id, principal.user_id))
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="chat_channel",
            entity_id=channel.id,
            changes=audit.diff({}, {"name": channel.name, "is_private": channel.is_private, "member_ids": member_ids}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(name_claim.PK, name_claim.SK):
            raise _name_taken(body.name) from error
        raise
    return channel


def _require_creator_or_admin(principal: Principal, channel: Channel) -> None:
    if channel.created_by != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the channel's creator or an admin can change it.")


def update_channel(*, principal: Principal, channel_id: str, changes: ChannelUpdate) -> Channel:
    """Rename a channel or change its description (its creator, or an admin)."""
    channel = get_channel(principal=principal, channel_id=channel_id)
    _require_creator_or_admin(principal, channel)
    fields = changes.model_dump(exclude_unset=True)
    if "name" in fields and fields["name"] is None:
        raise ValidationFailed.field("name", "cannot be null")
    before = {"name": channel.name, "description": channel.description}
    after = {**before, **fields}
    changed = audit.diff(before, after)
    if not changed:
        return channel
    renamed = "name" in changed and after["name"].lower() != channel.name.lower()
    old_claim = ChannelName(*ChannelName.keys(channel.org_id, channel.name), channel_id=channel.id)
    new_claim = ChannelName(*ChannelName.keys(channel.org_id, after["name"]), channel_id=channel.id)
    channel.name, channel.description, channel.updated_at = after["name"], after["description"], utcnow()

    def write(tx) -> None:
        tx.save(channel)  # version-checked
        if renamed:
            tx.delete(old_claim, condition=ChannelName.channel_id == channel.id)
            tx.save(new_claim, condition=ChannelName.PK.does_not_exist())
        audit.record(
            tx,
            org_id=channel.org_id,
            actor=principal,
            action="updated",
            entity_type="chat_channel",
            entity_id=channel.id,
            changes=changed,
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        if renamed and error.failed(new_claim.PK, new_claim.SK):
            raise _name_taken(after["name"]) from error
        raise Conflict("The channel was changed by someone else; reload and retry.") from error
    return channel


def delete_channel(*, principal: Principal, channel_id: str) -> None:
    """Delete a channel (admins); its members, messages and reactions go in the background."""
    channel = get_channel(principal=principal, channel_id=channel_id)
    principal.require_admin()
    name_claim = ChannelName(*ChannelName.keys(channel.org_id, channel.name))

    def write(tx) -> None:
        tx.delete(channel, condition=Channel.PK.exists())
        tx.delete(name_claim, condition=ChannelName.channel_id == channel.id)
        audit.record(
            tx,
            org_id=channel.org_id,
            actor=principal,
            action="deleted",
            entity_type="chat_channel",
            entity_id=channel.id,
            changes={"name": {"from": channel.name, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise Conflict("The channel was changed by someone else; reload and retry.") from error
    jobs.enqueue(CHANNEL_DELETED_JOB, {"org_id": channel.org_id, "channel_id": channel.id})


# --- messages ------------------------------------------------------------------------------------------------


def list_messages(*, principal: Principal, channel_id: str, filters: MessageFilters) -> tuple[list[Message], bool]:
    """A channel's messages, newest first, `limit` of them before the message `before`; and whether more."""
    channel = get_channel(principal=principal, channel_id=channel_id)
    if filters.before is not None and not is_id(filters.before, "msg"):
        raise ValidationFailed.field("before", "must be a message id")
    older = Message.GSI1SK < filters.before if filters.before else None  # noqa: SIM300
    found = list(
        Message.gsi1.query(
            Message.channel_partition(channel.org_id, channel.id),
            older,
            scan_index_forward=False,
            limit=filters.limit + 1,
        )
    )
    return found[: filters.limit], len(found) > filters.limit


def _mention_candidates(channel: Channel) -> list:
    """Who may be mentioned: any active member of the org, or of a private channel only its members."""
    members = orgs.active_members(org_id=channel.org_id)
    if not channel.is_private:
        return members
    query = ChannelMember.query(f"ORG#{channel.org_id}", key_prefix(ChannelMember.SK, ChannelMember.prefix(channel.id)))
    inside = {member.user_id for member in query}
    return [member for member in members if member.user_id in inside]


def resolve_mentions(content: str, channel: Channel) -> list[str]:
    """The user ids `@mentions` in `content` name: by user id, email address or the email's local part."""
    handles = {handle.rstrip(".").lower() for handle in _MENTION.findall(content)}
    if not handles:
        return []
    mentioned = set()
    for member in _mention_candidates(channel):
        email = (member.email or "").lower()
        if {member.user_id.lower(), email, email.split("@", 1)[0]} & handles:
            mentioned.add(member.user_id)
    return sorted(mentioned)


def _get_message(principal: Principal, message_id: str) -> tuple[Message, Channel]:
    message = Message.get_or_none(*Message.keys(principal.org_id, message_id)) if is_id(message_id, "msg") else None
    if message is None:
        raise NotFound("Message not found.")
    try:
        channel = get_channel(principal=principal, channel_id=message.channel_id)
    except NotFound as error:
        raise NotFound("Message not found.") from error
    return message, channel


def send_message(*, principal: Principal, channel_id: str, body: MessageCreate) -> Message:
    """Post to a channel the caller may see; a reply names a message of the same channel; mentions notify."""
    channel = get_channel(principal=principal, channel_id=channel_id)
    parent = None
    if body.reply_to is not None:
        if is_id(body.reply_to, "msg"):
            parent = Message.get_or_none(*Message.keys(channel.org_id, body.reply_to))
        if parent is None or parent.channel_id != channel.id:
            raise ValidationFailed.field("reply_to", "is not a message of this channel")
    mentions = resolve_mentions(body.content, channel)
    now, message_id = utcnow(), new_id("msg")
    message = Message(
        *Message.keys(channel.org_id, message_id),
        id=message_id,
        org_id=channel.org_id,
        channel_id=channel.id,
        author_id=principal.user_id,
        content=body.content,
        reply_to=parent.id if parent else None,
        mentions=mentions,
        reactions={},
        created_at=now,
        updated_at=now,
    )
    message.index()
    notified = [user_id for user_id in mentions if user_id != principal.user_id]

    def write(tx) -> None:
        tx.save(message, condition=Message.PK.does_not_exist())
        tx.condition_check(Channel, channel.PK, channel.SK, condition=Channel.PK.exists())
        if parent is not None:
            tx.update(parent, actions=[Message.reply_count.add(1)], condition=Message.PK.exists())
        audit.record(
            tx,
            org_id=channel.org_id,
            actor=principal,
            action="created",
            entity_type="chat_message",
            entity_id=message.id,
            changes={"channel_id": {"from": None, "to": channel.id}, "content": {"from": None, "to": message.content}},
        )
        if notified:
            events.emit(
                tx,
                org_id=channel.org_id,
                type="chat_mentioned",
                actor_id=principal.user_id,
                recipients=notified,
                data={
                    "channel_id": channel.id,
                    "channel_name": channel.name,
                    "message_id": message.id,
                    "excerpt": _excerpt(message.content),
                    "link": chat_link(channel.id, message.id),
                },
            )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(channel.PK, channel.SK):
            raise NotFound("Channel not found.") from error
        raise ValidationFailed.field("reply_to", "is not a message of this channel") from error
    return message


def delete_message(*, principal: Principal, channel_id: str, message_id: str) -> None:
    """Delete a message (its author, or an admin); its reactions go in the background."""
    channel = get_channel(principal=principal, channel_id=channel_id)
    message = Message.get_or_none(*Message.keys(channel.org_id, message_id)) if is_id(message_id, "msg") else None
    if message is None or message.channel_id != channel.id:
        raise NotFound("Message not found.")
    if message.author_id != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the message's author or an admin can delete it.")
    parent = Message.get_or_none(*Message.keys(channel.org_id, message.reply_to)) if message.reply_to else None

    def write(tx) -> None:
        tx.delete(message, condition=Message.PK.exists())
        if parent is not None:
            tx.update(parent, actions=[Message.reply_count.add(-1)], condition=Message.reply_count > 0)
        audit.record(
            tx,
            org_id=channel.org_id,
            actor=principal,
            action="deleted",
            entity_type="chat_message",
            entity_id=message.id,
            changes={"content": {"from": message.content, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(message.PK, message.SK):
            raise NotFound("Message not found.") from error
        parent = None  # the thread's first message went meanwhile: nothing left to count on
        transact(write)
    jobs.enqueue(MESSAGE_DELETED_JOB, {"org_id": channel.org_id, "message_ids": [message.id]})


# --- reactions -----------------------------------------------------------------------------------------------


def add_reaction(*, principal: Principal, message_id: str, emoji: str) -> Message:
    """React to a message in a channel the caller may see; one reaction per user and emoji (409 on a second)."""
    message, _channel = _get_message(principal, message_id)
    counts = message.reactions.as_dict() if message.reactions is not None else {}
    if emoji not in counts and len(counts) >= MAX_EMOJIS_PER_MESSAGE:
        raise Conflict(f"A message can carry at most {MAX_EMOJIS_PER_MESSAGE} different emojis.")
    reaction = Reaction(
        *Reaction.keys(message.org_id, message.id, emoji, principal.user_id),
        org_id=message.org_id,
        message_id=message.id,
        user_id=principal.user_id,
        emoji=emoji,
        created_at=utcnow(),
    )

    def write(tx) -> None:
        tx.save(reaction, condition=Reaction.PK.does_not_exist())
        tx.update(
            message,
            actions=[Message.reactions[emoji].set((Message.reactions[emoji] | 0) + 1)],
            condition=Message.PK.exists(),
        )
        audit.record(
            tx,
            org_id=message.org_id,
            actor=principal,
            action="reacted",
            entity_type="chat_message",
            entity_id=message.id,
            changes={"emoji": {"from": None, "to": emoji}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        if error.failed(reaction.PK, reaction.SK):
            raise Conflict(f"You already reacted with :{emoji}:.") from error
        raise NotFound("Message not found.") from error
    return _get_message(principal, message.id)[0]


def remove_reaction(*, principal: Principal, message_id: str, emoji: str) -> None:
    """Take back the caller's reaction with `emoji` (404 if there is none)."""
    message, _channel = _get_message(principal, message_id)
    emoji = emoji.strip().lower()
    if not re.fullmatch(EMOJI_PATTERN, emoji):
        raise NotFound("Reaction not found.")
    reaction = Reaction(*Reaction.keys(message.org_id, message.id, emoji, principal.user_id))

    def write(tx) -> None:
        tx.delete(reaction, condition=Reaction.PK.exists())
        tx.update(
            message,
            actions=[Message.reactions[emoji].set(Message.reactions[emoji] - 1)],
            condition=Message.reactions[emoji] > 0,
        )
        audit.record(
            tx,
            org_id=message.org_id,
            actor=principal,
            action="unreacted",
            entity_type="chat_message",
            entity_id=message.id,
            changes={"emoji": {"from": emoji, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Reaction not found.") from error


# --- background clean-up -------------------------------------------------------------------------------------


@jobs.job(MESSAGE_DELETED_JOB)
def _delete_reactions(payload: dict) -> None:
    org_id = payload["org_id"]
    with Item.batch_write() as batch:
        for message_id in payload["message_ids"]:
            for reaction in Reaction.query(f"ORG#{org_id}", key_prefix(Reaction.SK, Reaction.prefix(message_id))):
                batch.delete(reaction)


@jobs.job(CHANNEL_DELETED_JOB)
def _delete_channel_contents(payload: dict) -> None:
    org_id, channel_id = payload["org_id"], payload["channel_id"]
    with Item.batch_write() as batch:
        members = ChannelMember.query(f"ORG#{org_id}", key_prefix(ChannelMember.SK, ChannelMember.prefix(channel_id)))
        for member in members:
            batch.delete(member)
        for message in Message.gsi1.query(Message.channel_partition(org_id, channel_id)):
            for reaction in Reaction.query(f"ORG#{org_id}", key_prefix(Reaction.SK, Reaction.prefix(message.id))):
                batch.delete(reaction)
            batch.delete(message)
