from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body
from chalicelib.recurrences import service
from chalicelib.recurrences.schemas import RecurrenceCreate, RecurrenceOut, RecurrenceUpdate

bp = Blueprint(__name__)


@bp.route("/tasks/{task_id}/recurrence", methods=["POST"])
def create_recurrence(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, RecurrenceCreate)
    return created(RecurrenceOut.of(service.create(principal=principal, task_id=task_id, body=body)).dump())


@bp.route("/tasks/{task_id}/recurrence", methods=["GET"])
def get_task_recurrence(task_id):
    principal = current_principal(bp.current_request)
    return RecurrenceOut.of(service.get_for_task(principal=principal, task_id=task_id)).dump()


@bp.route("/recurrences/{recurrence_id}", methods=["PUT"])
def update_recurrence(recurrence_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, RecurrenceUpdate)
    return RecurrenceOut.of(service.update(principal=principal, recurrence_id=recurrence_id, changes=changes)).dump()


@bp.route("/recurrences/{recurrence_id}", methods=["DELETE"])
def delete_recurrence(recurrence_id):
    service.delete(principal=current_principal(bp.current_request), recurrence_id=recurrence_id)
    return no_content()
