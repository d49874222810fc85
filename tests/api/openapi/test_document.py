"""The OpenAPI document is generated from the route table: every route is in it, with its schemas."""

import functools

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app import app as chalice_app
from chalicelib.openapi import overrides, spec
from tests.api.core.test_every_route_requires_credentials import _is_public
from tests.support import factories

ROUTES = sorted((method, path) for path, methods in chalice_app.routes.items() for method in methods)


@functools.cache
def _operations() -> dict[tuple[str, str], spec.Operation]:
    return {(op.method, op.path): op for op in spec.operations(chalice_app)}


@pytest.fixture
def document(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json_body


def _response_schema(document: dict, method: str, path: str, status: str) -> dict:
    return document["paths"][path][method.lower()]["responses"][status]["content"]["application/json"]["schema"]


def _validator(document: dict, schema: dict) -> Draft202012Validator:
    """Validates against a schema of the document, its `#/components/...` references resolved in the document."""
    contents = {**document, "x-checked": schema}
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(contents, DRAFT202012))
    return Draft202012Validator({"$ref": "urn:openapi#/x-checked"}, registry=registry)


def test_document_is_served_without_credentials_as_valid_openapi_3_1(document):
    # WHEN the document is fetched with no credentials (the fixture did)
    # THEN it is an OpenAPI 3.1 document a validator accepts
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_app_is_in_the_document_once(document):
    # GIVEN the app's route table
    # WHEN the document is read
    documented = sorted((method.upper(), path) for path, ops in document["paths"].items() for method in ops)
    # THEN it lists exactly those routes
    assert documented == [(method, path) for method, path in ROUTES if method != "OPTIONS"]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_has_a_response_schema(method, path):
    # WHEN the route's source is read (or its override applied)
    operation = _operations()[(method, path)]
    # THEN every answer it gives has a documented shape
    assert operation.complete, (
        f"{method} {path} ({operation.function.__module__}.{operation.function.__name__}) lacks a response "
        "schema: return `Model.of(...).dump()` / `page_response([...])` / a dict literal, or add an entry to "
        "chalicelib/openapi/overrides.py"
    )


def test_overrides_name_routes_that_exist():
    assert overrides.overridden() <= set(ROUTES)


def test_public_routes_are_exactly_those_without_a_security_requirement(document):
    # GIVEN the routes the credentials test treats as public on purpose
    public = {(m, p) for m, p in ROUTES if m != "OPTIONS" and _is_public(m, p)}
    # WHEN the document's operations without a security requirement are listed
    paths = document["paths"]
    open_ops = {(m.upper(), p) for p, ops in paths.items() for m, op in ops.items() if op.get("security") == []}
    # THEN they are the same routes
    assert open_ops == public
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearer"]["description"],
    }


def test_a_create_route_documents_its_body_model_and_201_answer(document):
    operation = document["paths"]["/api/v1/tasks"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("TaskCreate")
    assert set(operation["responses"]) >= {"201", "401", "4XX", "5XX"}
    assert _response_schema(document, "POST", "/api/v1/tasks", "201")["$ref"].endswith("TaskOut")


def test_list_routes_are_documented_in_the_list_shape_with_their_query_parameters(document):
    schema = _response_schema(document, "GET", "/api/v1/tasks", "200")
    assert schema["required"] == ["data", "has_more", "next_cursor"]
    assert schema["properties"]["data"]["items"]["$ref"].endswith("TaskOut")
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert parameters["priority"]["schema"]["enum"] == ["low", "medium", "high", "urgent"]


def test_path_parameters_come_from_the_route_path(document):
    parameters = document["paths"]["/api/v1/tasks/{task_id}/comments/{comment_id}"]["delete"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in parameters] == [
        ("task_id", "path", True),
        ("comment_id", "path", True),
    ]


def test_errors_are_documented_as_the_envelope(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "request_id"]
    assert document["paths"]["/api/v1/health"]["get"]["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}


def test_tatatrack_surface_is_documented_in_camel_case(document):
    schema = _response_schema(document, "GET", "/api/projects", "200")
    assert set(schema["required"]) == {"projects", "hasMore", "nextCursor"}
    project = document["components"]["schemas"][schema["properties"]["projects"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert "createdAt" in project["properties"]
    assert not [name for name in project["properties"] if "_" in name]


def test_real_answers_match_their_documented_schemas(api, document):
    # GIVEN a user with a project and a task, created through the API
    owner = factories.register(api)
    project = owner.api.post("/api/v1/projects", json={"name": "Docs"})
    task = owner.api.post("/api/v1/tasks", json={"title": "Write the spec", "project_id": project.json_body["id"]})
    listed = owner.api.get("/api/v1/tasks")
    missing = owner.api.get("/api/v1/tasks/tsk_01HV0000000000000000000000")
    # THEN each answer validates against the schema the document gives for its route and status
    answers = [
        ("POST", "/api/v1/projects", project),
        ("POST", "/api/v1/tasks", task),
        ("GET", "/api/v1/tasks", listed),
    ]
    for method, path, response in answers:
        schema = _response_schema(document, method, path, str(response.status_code))
        _validator(document, schema).validate(response.json_body)
    assert missing.status_code == 404
    _validator(document, {"$ref": "#/components/schemas/Error"}).validate(missing.json_body)


def test_docs_page_renders_the_document_with_nothing_from_elsewhere(api):
    # WHEN the docs page is fetched without credentials
    response = api.get("/api/v1/docs")
    # THEN it is HTML that loads the document next to it, under a policy that allows no other origin
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert 'fetch("openapi.json")' in page
    assert "<script src" not in page and "https://" not in page
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "script-src 'sha256-" in policy
