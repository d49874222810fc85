from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.checklists import service
from chalicelib.checklists.schemas import ChecklistFilters, ChecklistItemCreate, ChecklistItemOut
from chalicelib.core.http import created, no_content, parse_body, parse_query

bp = Blueprint(__name__)


@bp.route("/tasks/{task_id}/checklists", methods=["GET"])
def list_checklist(task_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ChecklistFilters)
    page = service.list_items(principal=principal, task_id=task_id, filters=filters)
    return filters.response([ChecklistItemOut.of(item).dump() for item in page.items], page.next_cursor)


@bp.route("/tasks/{task_id}/checklists", methods=["POST"])
def create_checklist_item(task_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ChecklistItemCreate)
    return created(ChecklistItemOut.of(service.create(principal=principal, task_id=task_id, body=body)).dump())


@bp.route("/tasks/checklists/{item_id}/toggle", methods=["PUT"])
def toggle_checklist_item(item_id):
    return ChecklistItemOut.of(service.toggle(principal=current_principal(bp.current_request), item_id=item_id)).dump()


@bp.route("/tasks/checklists/{item_id}", methods=["DELETE"])
def delete_checklist_item(item_id):
    service.delete(principal=current_principal(bp.current_request), item_id=item_id)
    return no_content()
