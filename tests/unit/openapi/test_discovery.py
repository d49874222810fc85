"""Discovery reads what a route takes and answers from its source (STYLE.md's route shape)."""

from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, credentials, no_content, parse_body, parse_query
from chalicelib.core.schemas import CursorPageParams, RequestBody, ResponseModel, page_response
from chalicelib.openapi.discovery import NO_BODY, operation

bp = Blueprint(__name__)
SUCCESS = {"success": True}


class ThingCreate(RequestBody):
    name: str


class ThingOut(ResponseModel):
    id: str
    name: str


def _body(model):
    return parse_body(bp.current_request, model)


def _out(thing) -> ThingOut:
    return ThingOut.of(thing)


def create_thing():
    principal = current_principal(bp.current_request)
    return created(ThingOut.model_validate(service_create(principal, _body(ThingCreate))).dump())


def list_things():
    query = parse_query(bp.current_request, CursorPageParams)
    return page_response([_out(t).dump() for t in service_list(query)], next_cursor=None, page=query.page)


def delete_thing(thing_id):
    current_principal(bp.current_request)
    return no_content()


def sign_in():
    return credentials({"token": make_token(), "thing": ThingOut(id="x", name="y").dump()}, 201)


def acknowledge():
    return SUCCESS


def export_csv():
    return Response(body=make_token(), status_code=200, headers={"Content-Type": "text/csv; charset=utf-8"})


def passthrough():
    return service_list(None)


def service_create(principal, body):
    return body


def service_list(query):
    return list(query or [])


def make_token():
    return "t"


def _op(function, content_types=("application/json",)):
    return operation("GET", "/things", function, list(content_types))


def test_a_body_parsed_through_a_helper_and_a_created_model_are_read():
    op = _op(create_thing)
    assert op.body is ThingCreate
    assert op.authenticated
    assert [(r.status, r.shape) for r in op.replies] == [(201, {"$model": ThingOut})]


def test_a_page_of_models_is_the_list_shape_with_the_query_model():
    op = _op(list_things)
    assert op.query is CursorPageParams
    assert not op.authenticated
    [reply] = op.replies
    assert reply.shape["required"] == ["data", "has_more", "next_cursor"]
    assert reply.shape["properties"]["data"] == {"type": "array", "items": {"$model": ThingOut}}


def test_no_content_is_a_204_without_body():
    assert [(r.status, r.shape) for r in _op(delete_thing).replies] == [(204, NO_BODY)]


def test_a_dict_literal_names_its_keys_and_the_status_argument_is_kept():
    [reply] = _op(sign_in).replies
    assert reply.status == 201
    assert reply.shape["required"] == ["token", "thing"]
    assert reply.shape["properties"]["thing"] == {"$model": ThingOut}


def test_a_module_constant_is_read_by_value():
    [reply] = _op(acknowledge).replies
    assert reply.shape["properties"] == {"success": {"type": "boolean"}}


def test_a_response_with_a_text_content_type_is_text():
    [reply] = _op(export_csv).replies
    assert (reply.content_type, reply.shape) == ("text/csv", {"type": "string"})


def test_what_the_source_does_not_tell_is_left_for_an_override():
    assert not _op(passthrough).complete
