from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_body, parse_query
from chalicelib.core.schemas import page_response
from chalicelib.notifications import service
from chalicelib.notifications.schemas import (
    MarkRead,
    NotificationFilters,
    NotificationOut,
    PreferenceOut,
    PreferenceUpdate,
)

bp = Blueprint(__name__)


@bp.route("/notifications", methods=["GET"])
def list_notifications():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, NotificationFilters)
    page = service.list_notifications(principal=principal, filters=filters)
    return filters.response([NotificationOut.of(item).dump() for item in page.items], page.next_cursor)


@bp.route("/notifications/mark-read", methods=["POST"])
def mark_read():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, MarkRead)
    return {"updated": service.mark_read(principal=principal, ids=body.ids)}


@bp.route("/notifications/preferences", methods=["GET"])
def get_preferences():
    principal = current_principal(bp.current_request)
    found = service.preferences(principal=principal)
    return page_response([PreferenceOut.of(preference).dump() for preference in found], next_cursor=None)


@bp.route("/notifications/preferences", methods=["PUT"])
def update_preferences():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, PreferenceUpdate)
    return PreferenceOut.of(service.update_preference(principal=principal, body=body)).dump()
