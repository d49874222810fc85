from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.core.schemas import SyncParams, page_response
from chalicelib.dependencies import service
from chalicelib.dependencies.schemas import DependencyCreate, DependencyEdgeOut, DependencyFilters, DependencyOut

bp = Blueprint(__name__)


@bp.route("/tasks/{task_id}/dependencies", methods=["GET"])
def list_task_dependencies(task_id):
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SyncParams)
    links = service.list_for_task(principal=principal, task_id=task_id, updated_since=query.updated_since)
    data = [DependencyOut.with_task(edge, task_id=task_id, depends_on=other).dump() for edge, other in links]
    return page_response(data, next_cursor=None)


@bp.route("/tasks/{task_id}/dependencies", methods=["POST"])
def create_task_dependency(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, DependencyCreate)
    edge, other = service.create(principal=principal, task_id=task_id, body=body)
    return created(DependencyOut.with_task(edge, task_id=task_id, depends_on=other).dump())


@bp.route("/tasks/{task_id}/dependencies/{dependency_id}", methods=["DELETE"])
def delete_task_dependency(task_id, dependency_id):
    principal = current_principal(bp.current_request)
    service.delete(principal=principal, task_id=task_id, dependency_id=dependency_id)
    return no_content()


@bp.route("/task-dependencies", methods=["GET"])
def list_org_dependencies():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, DependencyFilters)
    page = service.list_org(principal=principal, filters=filters)
    return filters.response([DependencyEdgeOut.of(edge).dump() for edge in page.items], page.next_cursor)
