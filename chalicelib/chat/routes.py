from urllib.parse import unquote

from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.chat import service
from chalicelib.chat.schemas import (
    ChannelCreate,
    ChannelFilters,
    ChannelOut,
    ChannelUpdate,
    MessageCreate,
    MessageFilters,
    MessageOut,
    ReactionCreate,
)
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import page_response

bp = Blueprint(__name__)


@bp.route("/chat/channels", methods=["GET"])
def list_channels():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ChannelFilters)
    page = service.list_channels(principal=principal, filters=filters)
    return filters.response([ChannelOut.of(channel).dump() for channel in page.items], page.next_cursor)


@bp.route("/chat/channels", methods=["POST"])
def create_channel():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ChannelCreate)
    return created(ChannelOut.of(service.create_channel(principal=principal, body=body)).dump())


@bp.route("/chat/channels/{channel_id}", methods=["GET"])
def get_channel(channel_id):
    principal = current_principal(bp.current_request)
    return ChannelOut.of(service.get_channel(principal=principal, channel_id=channel_id)).dump()


@bp.route("/chat/channels/{channel_id}", methods=["PUT"])
def update_channel(channel_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, ChannelUpdate)
    channel = service.update_channel(principal=principal, channel_id=channel_id, changes=changes)
    return ChannelOut.of(channel).dump()


@bp.route("/chat/channels/{channel_id}", methods=["DELETE"])
def delete_channel(channel_id):
    service.delete_channel(principal=current_principal(bp.current_request), channel_id=channel_id)
    return no_content()


@bp.route("/chat/channels/{channel_id}/messages", methods=["GET"])
def list_messages(channel_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, MessageFilters)
    messages, has_more = service.list_messages(principal=principal, channel_id=channel_id, filters=filters)
    next_cursor = messages[-1].id if has_more else None
    items = [MessageOut.of(message).dump() for message in messages]
    return page_response(items, next_cursor=next_cursor, limit=filters.limit, before=filters.before)


@bp.route("/chat/channels/{channel_id}/messages", methods=["POST"])
def send_message(channel_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, MessageCreate)
    return created(MessageOut.of(service.send_message(principal=principal, channel_id=channel_id, body=body)).dump())


@bp.route("/chat/channels/{channel_id}/messages/{message_id}", methods=["DELETE"])
def delete_message(channel_id, message_id):
    principal = current_principal(bp.current_request)
    service.delete_message(principal=principal, channel_id=channel_id, message_id=message_id)
    return no_content()


@bp.route("/chat/messages/{message_id}/reactions", methods=["POST"])
def add_reaction(message_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ReactionCreate)
    message = service.add_reaction(principal=principal, message_id=message_id, emoji=body.emoji)
    return created(MessageOut.of(message).dump())


@bp.route("/chat/messages/{message_id}/reactions/{emoji}", methods=["DELETE"])
def remove_reaction(message_id, emoji):
    principal = current_principal(bp.current_request)
    # API Gateway hands over path parameters decoded; the local server may not (`%2B1` for `+1`).
    service.remove_reaction(principal=principal, message_id=message_id, emoji=unquote(emoji))
    return no_content()
