from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import page_response
from chalicelib.tasks import service
from chalicelib.tasks.schemas import TaskCreate, TaskFilters, TaskOut, TaskReorder, TaskStatusChange, TaskUpdate

bp = Blueprint(__name__)


@bp.route("/tasks", methods=["GET"])
def list_tasks():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, TaskFilters)
    page = service.list_tasks(principal=principal, filters=filters)
    return filters.response([TaskOut.of(task).dump() for task in page.items], page.next_cursor)


@bp.route("/tasks", methods=["POST"])
def create_task():
    principal = current_principal(bp.current_request)
    return created(
        TaskOut.of(service.create(principal=principal, body=parse_body(bp.current_request, TaskCreate))).dump()
    )


@bp.route("/tasks/{task_id}", methods=["GET"])
def get_task(task_id):
    return TaskOut.of(service.get_visible(principal=current_principal(bp.current_request), task_id=task_id)).dump()


@bp.route("/tasks/{task_id}", methods=["PUT"])
def update_task(task_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, TaskUpdate)
    return TaskOut.of(service.update(principal=principal, task_id=task_id, changes=changes)).dump()


@bp.route("/tasks/{task_id}", methods=["DELETE"])
def delete_task(task_id):
    service.delete(principal=current_principal(bp.current_request), task_id=task_id)
    return no_content()


@bp.route("/tasks/{task_id}/status", methods=["PUT"])
def change_task_status(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TaskStatusChange)
    return TaskOut.of(service.change_status(principal=principal, task_id=task_id, status=body.status)).dump()


@bp.route("/tasks/{task_id}/reorder", methods=["PUT"])
def reorder_task(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TaskReorder)
    return TaskOut.of(service.reorder(principal=principal, task_id=task_id, body=body)).dump()


@bp.route("/projects/stats", methods=["GET"])
def project_stats():
    return page_response(service.project_stats(principal=current_principal(bp.current_request)), next_cursor=None)


@bp.route("/dashboard/summary", methods=["GET"])
def dashboard_summary():
    return service.dashboard(principal=current_principal(bp.current_request))
