"""The OpenAPI 3.1 document of the whole API, built from the app's route table and the pydantic models.

Each route is read by `discovery` (request models, answers, credentials); what discovery cannot read comes
from `overrides`. Models become `components.schemas` through pydantic's own JSON Schema generation, request
models in validation mode and response models in serialization mode (by alias, as the TataTrack surface
renders camelCase). Errors share DESIGN.md §2's envelope; lists, §2's list shape.
"""

import copy
import json
import re
from collections import Counter
from typing import Any

from chalice import Chalice
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema

from chalicelib.core import routing
from chalicelib.openapi import discovery, overrides
from chalicelib.openapi.discovery import JSON, NO_BODY, Operation

OPENAPI_VERSION = "3.1.0"
_REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{([^}]+)\}")
_QUALIFIED = re.compile(r"chalicelib__(\w+?)__\w+?__(?=[A-Z])")
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    302: "Found: continue at the Location",
    307: "Temporary redirect to a short-lived URL",
}
_ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {
                    "type": "string",
                    "examples": ["validation_error", "unauthorized", "forbidden", "not_found", "conflict"],
                },
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
                "request_id": {"type": "string"},
            },
            "required": ["code", "message", "request_id"],
        }
    },
    "required": ["error"],
}
_MULTIPART_FILE = {
    "type": "object",
    "properties": {"file": {"type": "string", "format": "binary"}},
    "required": ["file"],
}


def operations(app: Chalice) -> list[Operation]:
    """Every route of the app as an operation, overrides applied, in path order."""
    found = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            if method == "OPTIONS":
                continue
            function = routing.real_view(entry.view_function)
            operation = discovery.operation(method, path, function, entry.content_types or [JSON])
            found.append(overrides.apply(operation))
    return found


def build(app: Chalice, *, title: str = "Stint API", version: str = "1") -> dict[str, Any]:
    """The OpenAPI document for `app`."""
    found = operations(app)
    components, refs = _components(found)
    served = Counter(_operation_id(operation) for operation in found)
    paths: dict[str, dict[str, Any]] = {}
    for operation in found:
        entry = _operation(operation, refs, components)
        if served[entry["operationId"]] > 1:  # one function behind PUT and PATCH
            entry["operationId"] += f"_{operation.method.lower()}"
        paths.setdefault(operation.path, {})[operation.method.lower()] = entry
    _link_created_resources(paths, components)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title,
            "version": version,
            "description": (
                "Stint's native API under `/api/v1` (snake_case) and the TataTrack surface under `/api` "
                '(camelCase). Errors always use the envelope `{"error": {code, message, details?, request_id}}`; '
                "lists are `{data, has_more, next_cursor}` plus the paging fields the request used."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An access token (JWT) or a personal API token (`stint_pat_...`).",
                }
            },
            "responses": {
                "Error": {
                    "description": "An error, in the envelope",
                    "content": {JSON: {"schema": {"$ref": _REF.format(model="Error")}}},
                }
            },
        },
    }


def _link_created_resources(paths: dict[str, dict[str, Any]], components: dict[str, Any]) -> None:
    """OpenAPI links from `POST /things` (201 with an `id`) to the operations on `/things/{thing_id}`.

    They tell a client, and schemathesis' stateful runs, where a created resource's id goes next.
    """
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        schema = (created or {}).get("content", {}).get(JSON, {}).get("schema", {})
        if "$ref" not in schema or "id" not in components[schema["$ref"].rsplit("/", 1)[1]].get("properties", {}):
            continue
        links = {}
        for target_path, target in paths.items():
            match = re.fullmatch(re.escape(path) + r"/\{([^}/]+)\}(/[^{}]*)?", target_path)
            if match is None:
                continue
            for operation in target.values():
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {f"path.{match.group(1)}": "$response.body#/id"},
                }
        if links:
            created["links"] = links


def _components(found: list[Operation]) -> tuple[dict[str, Any], dict[tuple[type[BaseModel], str], dict]]:
    wanted: dict[tuple[type[BaseModel], str], None] = {}
    for operation in found:
        if operation.body is not None:
            wanted[(operation.body, "validation")] = None
        if operation.query is not None:
            wanted[(operation.query, "validation")] = None
        for reply in operation.replies:
            for model in _models_in(reply.shape):
                wanted[(model, "serialization")] = None
    refs, schema = models_json_schema(list(wanted), ref_template=_REF)
    # Names that clash across domains come out as `chalicelib__tatatrack__schemas__TaskOut`: say `tatatrack.TaskOut`.
    keys = list(refs)
    values, schema = json.loads(_QUALIFIED.sub(r"\1.", json.dumps([[refs[key] for key in keys], schema])))
    refs = dict(zip(keys, values, strict=True))
    components = dict(sorted(schema.get("$defs", {}).items()))
    components["Error"] = _ERROR_ENVELOPE
    return components, refs


def _models_in(shape: Any) -> list[type[BaseModel]]:
    if isinstance(shape, dict):
        if "$model" in shape:
            return [shape["$model"]]
        return [model for value in shape.values() for model in _models_in(value)]
    if isinstance(shape, list):
        return [model for value in shape for model in _models_in(value)]
    return []


def _schema(shape: Any, refs: dict, components: dict[str, Any]) -> Any:
    if isinstance(shape, dict):
        if "$model" in shape:
            return dict(refs[(shape["$model"], "serialization")])
        if "$camel" in shape:
            return _camel(_schema(shape["$camel"], refs, components), components, set(shape["$opaque"]))
        return {key: _schema(value, refs, components) for key, value in shape.items()}
    if isinstance(shape, list):
        return [_schema(value, refs, components) for value in shape]
    return shape


def _camel(schema: Any, components: dict[str, Any], opaque: set[str]) -> Any:
    """`schema` with every property name in camelCase (a component becomes a `…Camel` copy); the values of
    `opaque` properties are kept as they are, like the renaming function keeps them."""
    if isinstance(schema, list):
        return [_camel(item, components, opaque) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        camel_name = name if name.endswith("Camel") else f"{name}Camel"
        if camel_name not in components:
            components[camel_name] = {}  # claimed first: a recursive model refers to itself
            components[camel_name] = _camel(components[name], components, opaque)
        return {**schema, "$ref": _REF.format(model=camel_name)}
    result = {}
    for key, value in schema.items():
        if key == "properties":
            result[key] = {
                to_camel(name): prop if name in opaque else _camel(prop, components, opaque)
                for name, prop in value.items()
            }
        elif key == "required":
            result[key] = [to_camel(name) for name in value]
        else:
            result[key] = _camel(value, components, opaque)
    return result


def _operation_id(operation: Operation) -> str:
    return f"{operation.function.__module__.split('.')[1]}.{operation.function.__name__}"


def _operation(operation: Operation, refs: dict, components: dict[str, Any]) -> dict[str, Any]:
    function = operation.function
    doc = (function.__doc__ or "").strip().splitlines()
    result: dict[str, Any] = {
        "operationId": _operation_id(operation),
        "tags": [function.__module__.split(".")[1]],
        "summary": doc[0] if doc else function.__name__.replace("_", " ").capitalize(),
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in _PARAM.findall(operation.path)
    ]
    if operation.query is not None:
        parameters += _query_parameters(refs[(operation.query, "validation")], components)
    if parameters:
        result["parameters"] = parameters
    body = _request_body(operation, refs, components)
    if body is not None:
        result["requestBody"] = body
    result["responses"] = _responses(operation, refs, components)
    if not operation.authenticated:
        result["security"] = []
    return result


def _component(ref: dict, components: dict[str, Any]) -> dict[str, Any]:
    return components[ref["$ref"].rsplit("/", 1)[1]]


def _query_parameters(ref: dict, components: dict[str, Any]) -> list[dict[str, Any]]:
    model = _component(ref, components)
    required = set(model.get("required", []))
    parameters = []
    for name, schema in model.get("properties", {}).items():
        schema = _query_schema(schema)
        description = schema.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _query_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or text: no `null` alternative, no `default: null`, no generated title."""
    schema = {k: copy.deepcopy(v) for k, v in schema.items() if k != "title" and (k, v) != ("default", None)}
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if "anyOf" in schema:
        del schema["anyOf"]
        if len(options) == 1:
            schema = {**options[0], **schema}
        else:
            schema["anyOf"] = options
    return schema


def _request_body(operation: Operation, refs: dict, components: dict[str, Any]) -> dict[str, Any] | None:
    if operation.body is not None:
        ref = refs[(operation.body, "validation")]
        required = bool(_component(ref, components).get("required"))
        return {"required": required, "content": {operation.body_content_type: {"schema": dict(ref)}}}
    if operation.body_content_type == "multipart/form-data":
        return {"required": True, "content": {"multipart/form-data": {"schema": _MULTIPART_FILE}}}
    return None


def _responses(operation: Operation, refs: dict, components: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for reply in sorted(operation.replies, key=lambda r: r.status):
        entry = responses.setdefault(str(reply.status), {"description": _STATUS_TEXT.get(reply.status, "OK")})
        if reply.shape is not None and reply.shape != NO_BODY:
            schema = _schema(reply.shape, refs, components)
            entry.setdefault("content", {})[reply.content_type] = {"schema": schema}
    error = {"$ref": "#/components/responses/Error"}
    if operation.authenticated:
        responses["401"] = error
    responses["4XX"] = error
    responses["5XX"] = error
    return responses
