from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import SyncParams, page_response
from chalicelib.labels import service
from chalicelib.labels.schemas import LabelCreate, LabelOut, LabelUpdate

bp = Blueprint(__name__)


@bp.route("/labels", methods=["GET"])
def list_labels():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SyncParams)
    labels = service.list_labels(principal=principal, updated_since=query.updated_since)
    return page_response([LabelOut.of(label).dump() for label in labels], next_cursor=None)


@bp.route("/labels", methods=["POST"])
def create_label():
    principal = current_principal(bp.current_request)
    return created(
        LabelOut.of(service.create(principal=principal, body=parse_body(bp.current_request, LabelCreate))).dump()
    )


@bp.route("/labels/{label_id}", methods=["PUT"])
def update_label(label_id):
    principal = current_principal(bp.current_request)
    label = service.update(principal=principal, label_id=label_id, changes=parse_body(bp.current_request, LabelUpdate))
    return LabelOut.of(label).dump()


@bp.route("/labels/{label_id}", methods=["DELETE"])
def delete_label(label_id):
    service.delete(principal=current_principal(bp.current_request), label_id=label_id)
    return no_content()
