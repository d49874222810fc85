from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body
from chalicelib.core.schemas import page_response
from chalicelib.statuses import service
from chalicelib.statuses.schemas import StatusCreate, StatusOut, StatusReorder, StatusUpdate

bp = Blueprint(__name__)


def _out(org_id: str, status) -> dict:
    position = [s.id for s in service.list_statuses(org_id=org_id)].index(status.id)
    return StatusOut.of(status, position).dump()


def _listed(statuses) -> dict:
    return page_response(
        [StatusOut.of(status, index).dump() for index, status in enumerate(statuses)], next_cursor=None
    )


@bp.route("/task-statuses", methods=["GET"])
def list_statuses():
    principal = current_principal(bp.current_request)
    return _listed(service.list_statuses(org_id=principal.org_id))


@bp.route("/task-statuses", methods=["POST"])
def create_status():
    principal = current_principal(bp.current_request)
    status = service.create(principal=principal, body=parse_body(bp.current_request, StatusCreate))
    return created(_out(principal.org_id, status))


@bp.route("/task-statuses/reorder", methods=["POST"])
def reorder_statuses():
    principal = current_principal(bp.current_request)
    return _listed(service.reorder(principal=principal, body=parse_body(bp.current_request, StatusReorder)))


@bp.route("/task-statuses/{status_id}", methods=["PUT"])
def update_status(status_id):
    principal = current_principal(bp.current_request)
    status = service.update(
        principal=principal, status_id=status_id, changes=parse_body(bp.current_request, StatusUpdate)
    )
    return _out(principal.org_id, status)


@bp.route("/task-statuses/{status_id}", methods=["DELETE"])
def delete_status(status_id):
    service.delete(principal=current_principal(bp.current_request), status_id=status_id)
    return no_content()
