from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import credentials, no_content, parse_body, parse_query
from chalicelib.core.schemas import CursorPageParams, page_response
from chalicelib.webhooks import service
from chalicelib.webhooks.schemas import (
    AttemptFilters,
    AttemptOut,
    EventTypeOut,
    PingOut,
    WebhookCreate,
    WebhookOut,
    WebhookUpdate,
    WebhookWithSecret,
)

bp = Blueprint(__name__)


@bp.route("/webhook-event-types", methods=["GET"])
def list_webhook_event_types():
    principal = current_principal(bp.current_request)
    types = service.event_types(principal=principal)
    items = [EventTypeOut(type=name, description=text).dump() for name, text in types]
    return page_response(items, next_cursor=None)


@bp.route("/webhooks", methods=["GET"])
def list_webhooks():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, CursorPageParams)
    page = service.list_webhooks(principal=principal, filters=filters)
    return filters.response([WebhookOut.of(webhook).dump() for webhook in page.items], page.next_cursor)


@bp.route("/webhooks", methods=["POST"])
def create_webhook():
    principal = current_principal(bp.current_request)
    webhook, secret = service.create(principal=principal, body=parse_body(bp.current_request, WebhookCreate))
    body = WebhookWithSecret(**WebhookOut.of(webhook).model_dump(), secret=secret).dump()
    return credentials(body, status_code=201)


@bp.route("/webhooks/{webhook_id}", methods=["GET"])
def get_webhook(webhook_id):
    webhook = service.get(principal=current_principal(bp.current_request), webhook_id=webhook_id)
    return WebhookOut.of(webhook).dump()


@bp.route("/webhooks/{webhook_id}", methods=["PATCH"])
def update_webhook(webhook_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, WebhookUpdate)
    webhook = service.update(principal=principal, webhook_id=webhook_id, changes=changes)
    return WebhookOut.of(webhook).dump()


@bp.route("/webhooks/{webhook_id}", methods=["DELETE"])
def delete_webhook(webhook_id):
    service.delete(principal=current_principal(bp.current_request), webhook_id=webhook_id)
    return no_content()


@bp.route("/webhooks/{webhook_id}/rotate-secret", methods=["POST"])
def rotate_webhook_secret(webhook_id):
    webhook, secret = service.rotate_secret(principal=current_principal(bp.current_request), webhook_id=webhook_id)
    body = WebhookWithSecret(**WebhookOut.of(webhook).model_dump(), secret=secret).dump()
    return credentials(body)


@bp.route("/webhooks/{webhook_id}/ping", methods=["POST"])
def ping_webhook(webhook_id):
    queued = service.ping(principal=current_principal(bp.current_request), webhook_id=webhook_id)
    return Response(body=PingOut(id=queued["id"], type=queued["type"], status="queued").dump(), status_code=202)


@bp.route("/webhooks/{webhook_id}/deliveries", methods=["GET"])
def list_webhook_deliveries(webhook_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, AttemptFilters)
    attempts, next_cursor = service.list_attempts(principal=principal, webhook_id=webhook_id, filters=filters)
    return filters.response([AttemptOut.of(attempt).dump() for attempt in attempts], next_cursor)
