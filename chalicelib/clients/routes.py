from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.clients import service
from chalicelib.clients.schemas import (
    ActivityCreate,
    ActivityFilters,
    ActivityOut,
    ClientCreate,
    ClientFilters,
    ClientOut,
    ClientUpdate,
    ContactCreate,
    ContactFilters,
    ContactOut,
    ContactUpdate,
)
from chalicelib.core.http import created, no_content, parse_body, parse_query

bp = Blueprint(__name__)


@bp.route("/clients", methods=["GET"])
def list_clients():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ClientFilters)
    page = service.list_clients(principal=principal, filters=filters)
    return filters.response([ClientOut.of(client).dump() for client in page.items], page.next_cursor)


@bp.route("/clients", methods=["POST"])
def create_client():
    principal = current_principal(bp.current_request)
    client = service.create(principal=principal, body=parse_body(bp.current_request, ClientCreate))
    return created(ClientOut.of(client).dump())


@bp.route("/clients/{client_id}", methods=["GET"])
def get_client(client_id):
    principal = current_principal(bp.current_request)
    return ClientOut.of(service.get(org_id=principal.org_id, client_id=client_id)).dump()


@bp.route("/clients/{client_id}", methods=["PUT"])
def update_client(client_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, ClientUpdate)
    return ClientOut.of(service.update(principal=principal, client_id=client_id, changes=changes)).dump()


@bp.route("/clients/{client_id}", methods=["DELETE"])
def delete_client(client_id):
    service.delete(principal=current_principal(bp.current_request), client_id=client_id)
    return no_content()


@bp.route("/clients/{client_id}/contacts", methods=["GET"])
def list_contacts(client_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ContactFilters)
    page = service.list_contacts(principal=principal, client_id=client_id, filters=filters)
    return filters.response([ContactOut.of(contact).dump() for contact in page.items], page.next_cursor)


@bp.route("/clients/{client_id}/contacts", methods=["POST"])
def add_contact(client_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ContactCreate)
    return created(ContactOut.of(service.add_contact(principal=principal, client_id=client_id, body=body)).dump())


@bp.route("/clients/{client_id}/contacts/{contact_id}", methods=["PUT"])
def update_contact(client_id, contact_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, ContactUpdate)
    contact = service.update_contact(principal=principal, client_id=client_id, contact_id=contact_id, changes=changes)
    return ContactOut.of(contact).dump()


@bp.route("/clients/{client_id}/contacts/{contact_id}", methods=["DELETE"])
def remove_contact(client_id, contact_id):
    principal = current_principal(bp.current_request)
    service.remove_contact(principal=principal, client_id=client_id, contact_id=contact_id)
    return no_content()


@bp.route("/clients/{client_id}/activities", methods=["GET"])
def list_activities(client_id):
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, ActivityFilters)
    page = service.list_activities(principal=principal, client_id=client_id, filters=filters)
    return filters.response([ActivityOut.of(activity).dump() for activity in page.items], page.next_cursor)


@bp.route("/clients/{client_id}/activities", methods=["POST"])
def log_activity(client_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, ActivityCreate)
    return created(ActivityOut.of(service.log_activity(principal=principal, client_id=client_id, body=body)).dump())


@bp.route("/clients/{client_id}/activities/{activity_id}", methods=["DELETE"])
def delete_activity(client_id, activity_id):
    principal = current_principal(bp.current_request)
    service.delete_activity(principal=principal, client_id=client_id, activity_id=activity_id)
    return no_content()
