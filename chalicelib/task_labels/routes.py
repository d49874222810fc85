from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import no_content, parse_body
from chalicelib.task_labels import service
from chalicelib.task_labels.schemas import TaskLabelAdd
from chalicelib.tasks.schemas import TaskOut

bp = Blueprint(__name__)


@bp.route("/tasks/{task_id}/labels", methods=["POST"])
def add_task_label(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TaskLabelAdd)
    return TaskOut.of(service.add(principal=principal, task_id=task_id, body=body)).dump()


@bp.route("/tasks/{task_id}/labels/{label_id}", methods=["DELETE"])
def remove_task_label(task_id, label_id):
    service.remove(principal=current_principal(bp.current_request), task_id=task_id, label_id=label_id)
    return no_content()
