"""HTTP plumbing shared by every route: the error envelope, body/query parsing, responses."""

import json
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.core import db, observability
from chalicelib.core.errors import AppError, PayloadTooLarge, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.logs import logger

if TYPE_CHECKING:  # pydantic loads with the first route's schemas, not with every function's import (decision 69)
    from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound="BaseModel")

MAX_JSON_BODY_BYTES = 1_000_000
_CODE_BY_STATUS = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
_GENERIC_MESSAGES = {
    "internal_error": "An unexpected error occurred. Quote the request id when contacting support.",
    "not_found": "No such route.",
}

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
_response_headers: ContextVar[dict[str, str] | None] = ContextVar("response_headers", default=None)


def add_response_headers(headers: dict[str, str]) -> None:
    """Headers every response of the current request carries, errors included (e.g. `X-RateLimit-*`)."""
    current = _response_headers.get()
    if current is not None:
        current.update(headers)


def error_body(*, code: str, message: str, request_id: str, details: list | None = None) -> dict[str, Any]:
    """DESIGN.md §2's error envelope."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    error["request_id"] = request_id
    return {"error": error}


def _render_app_error(error: AppError, request_id: str) -> Response:
    message = _GENERIC_MESSAGES["internal_error"] if error.status == 500 else error.message
    body = error_body(code=error.code, message=message, request_id=request_id, details=error.details)
    return Response(body=body, status_code=error.status, headers=dict(error.headers))


def _envelope_framework_error(response: Response, request_id: str) -> Response:
    """Chalice answers some requests itself ({"Code", "Message"}): 405, 415, unhandled exceptions."""
    body = response.body
    if response.status_code < 400 or not (isinstance(body, dict) and "Code" in body and "Message" in body):
        return response
    code = _CODE_BY_STATUS.get(response.status_code, "internal_error")
    message = _GENERIC_MESSAGES["internal_error"] if code == "internal_error" else str(body["Message"])
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return Response(
        body=error_body(code=code, message=message, request_id=request_id),
        status_code=response.status_code,
        headers=headers,
    )


def _request_id(request: Request | None) -> str:
    context = getattr(request, "context", None) or {}
    return context.get("requestId") or new_id("req")


def install_error_envelope(app: Chalice) -> None:
    """Every response that is an error leaves in the envelope, with a request id and no internals."""

    @app.middleware("http")
    def error_envelope(request: Request, get_response) -> Response:
        request_id = _request_id(request)
        request_id_var.set(request_id)
        extra_headers: dict[str, str] = {}
        _response_headers.set(extra_headers)
        started = observability.request_started()
        logger.append_keys(request_id=request_id, route=observability.route_of(request))
        try:
            with db.request_reads():
                response = get_response(request)
        except AppError as error:
            if error.status >= 500:
                logger.exception("request failed")
            response = _render_app_error(error, request_id)
        response = _envelope_framework_error(response, request_id)
        response.headers = {**extra_headers, **response.headers, "X-Request-Id": request_id}
        observability.request_finished(request, response, started)
        logger.remove_keys(["request_id", "route", "org_id"])
        return response


def _validation_details(error: "ValidationError") -> list[dict[str, str]]:
    details = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "body"
        details.append({"field": field, "message": item["msg"]})
    return details


def validation_failed(error: "ValidationError") -> ValidationFailed:
    """A pydantic error as a 400 naming each offending field."""
    details = _validation_details(error)
    if any(item.get("type") == "json_invalid" for item in error.errors()):
        return ValidationFailed("Malformed JSON body.", details=[{"field": "body", "message": "is not valid JSON"}])
    first = details[0]
    return ValidationFailed(f"{first['field']}: {first['message']}", details=details)


def parse_body(request: Request, model: type[Model]) -> Model:
    """The JSON body validated against `model`; a missing body counts as `{}`."""
    raw = request.raw_body or b"{}"
    if len(raw) > MAX_JSON_BODY_BYTES:
        raise PayloadTooLarge(f"The JSON body exceeds {MAX_JSON_BODY_BYTES} bytes.")
    if not raw.strip():
        raw = b"{}"
    from pydantic import ValidationError  # already loaded with `model`

    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        if not raw.lstrip().startswith(b"{") and not _is_malformed(raw):
            raise ValidationFailed.field("body", "must be a JSON object") from error
        raise validation_failed(error) from error


def _is_malformed(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


def json_fields(request: Request) -> dict[str, Any]:
    """The JSON body's top-level fields as sent, unvalidated, or {} (hints for reading ahead, never trusted)."""
    raw = request.raw_body or b"{}"
    if len(raw) > MAX_JSON_BODY_BYTES:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def parse_query(request: Request, model: type[Model]) -> Model:
    """Query-string parameters validated against `model` (the last value wins for repeated keys)."""
    params = dict(request.query_params or {})
    from pydantic import ValidationError  # already loaded with `model`

    try:
        return model.model_validate(params)
    except ValidationError as error:
        raise validation_failed(error) from error


def client_ip(request: Request) -> str | None:
    """The caller's source IP as API Gateway saw it."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp")


def created(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """201 with a JSON body."""
    return Response(body=body, status_code=201, headers=headers or {})


def credentials(body: dict[str, Any], status_code: int = 200) -> Response:
    """A response that carries secrets (tokens): `Cache-Control: no-store`, so nothing caches or replays it."""
    return Response(body=body, status_code=status_code, headers={"Cache-Control": "no-store"})


def no_content() -> Response:
    """204 with no body."""
    return Response(body="", status_code=204)
