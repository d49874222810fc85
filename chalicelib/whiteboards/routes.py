from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import client_ip, created, no_content, parse_body, parse_query
from chalicelib.core.schemas import page_response
from chalicelib.whiteboards import service
from chalicelib.whiteboards.schemas import (
    ShareCreate,
    SharedWhiteboardOut,
    ShareLinkParams,
    ShareOut,
    WhiteboardCreate,
    WhiteboardFilters,
    WhiteboardOut,
    WhiteboardSave,
    WhiteboardSummaryOut,
)

bp = Blueprint(__name__)


@bp.route("/whiteboards", methods=["GET"])
def list_whiteboards():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, WhiteboardFilters)
    page = service.list_boards(principal=principal, filters=filters)
    return filters.response([WhiteboardSummaryOut.of(board).dump() for board in page.items], page.next_cursor)


@bp.route("/whiteboards", methods=["POST"])
def create_whiteboard():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, WhiteboardCreate)
    return created(WhiteboardOut.of(service.create(principal=principal, body=body)).dump())


# --- share links (TataTrack's /api/whiteboards/share): create with a session, open and save with the token ---


@bp.route("/whiteboards/share", methods=["POST"])
def create_whiteboard_share():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ShareCreate)
    share, token = service.create_share(principal=principal, body=body)
    return created(ShareOut.of(share, token=token, url=service.share_url(token)).dump())


@bp.route("/whiteboards/share", methods=["GET"])
def open_shared_whiteboard():
    params = parse_query(bp.current_request, ShareLinkParams)
    board, share = service.open_shared(token=params.token)
    return SharedWhiteboardOut.of(board, share).dump()


@bp.route("/whiteboards/share", methods=["PUT"])
def save_shared_whiteboard():
    request = bp.current_request
    params = parse_query(request, ShareLinkParams)
    body = parse_body(request, WhiteboardSave)
    board, share = service.save_shared(
        token=params.token, body=body, ip=client_ip(request), user_agent=(request.headers or {}).get("user-agent")
    )
    return SharedWhiteboardOut.of(board, share).dump()


@bp.route("/whiteboards/{whiteboard_id}", methods=["GET"])
def get_whiteboard(whiteboard_id):
    principal = current_principal(bp.current_request)
    return WhiteboardOut.of(service.get(principal=principal, whiteboard_id=whiteboard_id)).dump()


@bp.route("/whiteboards/{whiteboard_id}", methods=["PUT"])
def save_whiteboard(whiteboard_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, WhiteboardSave)
    return WhiteboardOut.of(service.save(principal=principal, whiteboard_id=whiteboard_id, body=body)).dump()


@bp.route("/whiteboards/{whiteboard_id}", methods=["DELETE"])
def delete_whiteboard(whiteboard_id):
    service.delete(principal=current_principal(bp.current_request), whiteboard_id=whiteboard_id)
    return no_content()


@bp.route("/whiteboards/{whiteboard_id}/shares", methods=["GET"])
def list_whiteboard_shares(whiteboard_id):
    principal = current_principal(bp.current_request)
    shares = service.list_shares(principal=principal, whiteboard_id=whiteboard_id)
    return page_response([ShareOut.of(share).dump() for share in shares], next_cursor=None)


@bp.route("/whiteboards/{whiteboard_id}/shares/{share_id}", methods=["DELETE"])
def revoke_whiteboard_share(whiteboard_id, share_id):
    principal = current_principal(bp.current_request)
    service.revoke_share(principal=principal, whiteboard_id=whiteboard_id, share_id=share_id)
    return no_content()
