from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.kb import service
from chalicelib.kb.schemas import KbCreate, KbFilters, KbItemOut, KbUpdate

bp = Blueprint(__name__)


@bp.route("/kb", methods=["GET"])
def list_kb():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, KbFilters)
    page = service.list_items(principal=principal, filters=filters)
    return filters.response([KbItemOut.of(item).summary() for item in page.items], page.next_cursor)


@bp.route("/kb", methods=["POST"])
def create_kb_item():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, KbCreate)
    return created(KbItemOut.of(service.create(principal=principal, body=body)).dump())


@bp.route("/kb/{item_id}", methods=["GET"])
def get_kb_item(item_id):
    principal = current_principal(bp.current_request)
    return KbItemOut.of(service.get(principal=principal, item_id=item_id)).dump()


@bp.route("/kb/{item_id}", methods=["PUT"])
def update_kb_item(item_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, KbUpdate)
    return KbItemOut.of(service.update(principal=principal, item_id=item_id, changes=changes)).dump()


@bp.route("/kb/{item_id}", methods=["DELETE"])
def delete_kb_item(item_id):
    service.delete(principal=current_principal(bp.current_request), item_id=item_id)
    return no_content()
