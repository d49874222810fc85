from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, json_fields, no_content, parse_body, parse_query
from chalicelib.core.schemas import page_response
from chalicelib.tasks import service
from chalicelib.tasks.schemas import TaskCreate, TaskFilters, TaskOut, TaskReorder, TaskStatusChange, TaskUpdate

bp = Blueprint(__name__)


def _task_and_sent_status(task_id: str):
    """Reads ahead for a route on one task: the task, and the status the body names if any."""
    status = json_fields(bp.current_request).get("status")
    return lambda org_id, user_id: service.reads_ahead(
        org_id=org_id, user_id=user_id, task_id=task_id, status_codes=(status,)
    )


@bp.route("/tasks", methods=["GET"])
def list_tasks():
    query = bp.current_request.query_params or {}
    principal = current_principal(
        bp.current_request,
        prefetch=lambda org_id, user_id: service.reads_ahead(
            org_id=org_id, user_id=user_id, project_id=query.get("project_id"), status_codes=(query.get("status"),)
        ),
    )
    filters = parse_query(bp.current_request, TaskFilters)
    page = service.list_tasks(principal=principal, filters=filters)
    return filters.response([TaskOut.of(task).dump() for task in page.items], page.next_cursor)


@bp.route("/tasks", methods=["POST"])
def create_task():
    sent = json_fields(bp.current_request)
    principal = current_principal(
        bp.current_request,
        prefetch=lambda org_id, user_id: service.reads_ahead(
            org_id=org_id, user_id=user_id, project_id=sent.get("project_id"), status_codes=(sent.get("status"),)
        ),
    )
    return created(
        TaskOut.of(service.create(principal=principal, body=parse_body(bp.current_request, TaskCreate))).dump()
    )


@bp.route("/tasks/{task_id}", methods=["GET"])
def get_task(task_id):
    principal = current_principal(bp.current_request, prefetch=_task_and_sent_status(task_id))
    return TaskOut.of(service.get_visible(principal=principal, task_id=task_id)).dump()


@bp.route("/tasks/{task_id}", methods=["PUT"])
def update_task(task_id):
    principal = current_principal(bp.current_request, prefetch=_task_and_sent_status(task_id))
    changes = parse_body(bp.current_request, TaskUpdate)
    return TaskOut.of(service.update(principal=principal, task_id=task_id, changes=changes)).dump()


@bp.route("/tasks/{task_id}", methods=["DELETE"])
def delete_task(task_id):
    service.delete(principal=current_principal(bp.current_request), task_id=task_id)
    return no_content()


@bp.route("/tasks/{task_id}/status", methods=["PUT"])
def change_task_status(task_id):
    principal = current_principal(bp.current_request, prefetch=_task_and_sent_status(task_id))
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
