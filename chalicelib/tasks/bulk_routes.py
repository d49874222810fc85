from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_body
from chalicelib.tasks import bulk
from chalicelib.tasks.bulk_schemas import BulkTaskDelete, BulkTaskResults, BulkTaskUpdate

bp = Blueprint(__name__)


@bp.route("/tasks/bulk", methods=["PATCH"])
def update_tasks():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, BulkTaskUpdate)
    return BulkTaskResults.of(bulk.update_many(principal=principal, body=body)).dump()


@bp.route("/tasks/bulk", methods=["DELETE"])
def delete_tasks():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, BulkTaskDelete)
    return BulkTaskResults.of(bulk.delete_many(principal=principal, body=body)).dump()
