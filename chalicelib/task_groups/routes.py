from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import SyncParams, page_response
from chalicelib.task_groups import service
from chalicelib.task_groups.schemas import (
    CollapsedBulk,
    CollapsedOut,
    TaskGroupCreate,
    TaskGroupOut,
    TaskGroupReorder,
    TaskGroupUpdate,
    ToggleOut,
)

bp = Blueprint(__name__)


@bp.route("/projects/{project_id}/task-groups", methods=["GET"])
def list_task_groups(project_id):
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SyncParams)
    groups = service.list_groups(principal=principal, project_id=project_id, updated_since=query.updated_since)
    return page_response([TaskGroupOut.of(group).dump() for group in groups], next_cursor=None)


@bp.route("/projects/{project_id}/task-groups", methods=["POST"])
def create_task_group(project_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TaskGroupCreate)
    return created(TaskGroupOut.of(service.create(principal=principal, project_id=project_id, body=body)).dump())


@bp.route("/projects/{project_id}/task-groups/reorder", methods=["PUT"])
def reorder_task_groups(project_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TaskGroupReorder)
    groups = service.reorder(principal=principal, project_id=project_id, body=body)
    return page_response([TaskGroupOut.of(group).dump() for group in groups], next_cursor=None)


@bp.route("/projects/{project_id}/task-groups/collapsed", methods=["GET"])
def collapsed_task_groups(project_id):
    group_ids = service.collapsed(principal=current_principal(bp.current_request), project_id=project_id)
    return CollapsedOut(project_id=project_id, group_ids=group_ids).dump()


@bp.route("/projects/{project_id}/task-groups/collapsed/bulk", methods=["PUT"])
def set_collapsed_task_groups(project_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, CollapsedBulk)
    group_ids = service.set_collapsed(principal=principal, project_id=project_id, body=body)
    return CollapsedOut(project_id=project_id, group_ids=group_ids).dump()


@bp.route("/projects/{project_id}/task-groups/{group_id}", methods=["PUT"])
def update_task_group(project_id, group_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, TaskGroupUpdate)
    group = service.update(principal=principal, project_id=project_id, group_id=group_id, changes=changes)
    return TaskGroupOut.of(group).dump()


@bp.route("/projects/{project_id}/task-groups/{group_id}", methods=["DELETE"])
def delete_task_group(project_id, group_id):
    service.delete(principal=current_principal(bp.current_request), project_id=project_id, group_id=group_id)
    return no_content()


@bp.route("/projects/{project_id}/task-groups/{group_id}/toggle-collapsed", methods=["POST"])
def toggle_collapsed_task_group(project_id, group_id):
    principal = current_principal(bp.current_request)
    group_ids = service.toggle_collapsed(principal=principal, project_id=project_id, group_id=group_id)
    return ToggleOut(
        project_id=project_id, group_id=group_id, collapsed=group_id in group_ids, group_ids=group_ids
    ).dump()
