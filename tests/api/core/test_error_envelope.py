"""Every error leaves the API in DESIGN.md's envelope, with a request id and no internals."""

import pytest
from chalice import Chalice

from chalicelib.core.errors import Conflict
from chalicelib.core.http import install_error_envelope, parse_body
from chalicelib.core.schemas import RequestBody
from tests.support.client import ApiClient


class Widget(RequestBody):
    name: str
    quantity: int


def _probe_app() -> Chalice:
    """A tiny app using the same middleware and parsing as Stint's routes."""
    app = Chalice(app_name="envelope-probe")
    install_error_envelope(app)

    @app.route("/widgets", methods=["POST"])
    def create_widget():
        return parse_body(app.current_request, Widget).model_dump()

    @app.route("/conflict", methods=["POST"])
    def conflict():
        raise Conflict("That widget already exists.")

    @app.route("/boom", methods=["GET"])
    def boom():
        raise RuntimeError("secret internal detail: password=hunter2")

    return app


@pytest.fixture
def probe():
    return ApiClient(_probe_app())


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status
    error = response.json_body["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"].startswith("req_")
    assert response.headers["X-Request-Id"] == error["request_id"]
    return error


def test_unknown_route_is_404_in_envelope(api):
    response = api.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "not_found"


def test_wrong_method_is_405_in_envelope(api):
    assert_envelope(api.delete("/api/v1/health"), 405, "method_not_allowed")


def test_malformed_json_is_400_naming_the_body(probe):
    error = assert_envelope(probe.post("/widgets", body=b'{"name": "a",'), 400, "validation_error")
    assert error["details"] == [{"field": "body", "message": "is not valid JSON"}]


def test_json_that_is_not_an_object_is_400(probe):
    error = assert_envelope(probe.post("/widgets", body=b"[1, 2]"), 400, "validation_error")
    assert "JSON object" in error["message"]


def test_wrong_content_type_is_415_in_envelope(probe):
    response = probe.post("/widgets", body=b"name=a", headers={"content-type": "application/x-www-form-urlencoded"})
    assert_envelope(response, 415, "unsupported_media_type")


def test_string_is_not_an_integer(probe):
    error = assert_envelope(probe.post("/widgets", json={"name": "a", "quantity": "5"}), 400, "validation_error")
    assert error["details"][0]["field"] == "quantity"


def test_unknown_field_is_refused(probe):
    error = assert_envelope(
        probe.post("/widgets", json={"name": "a", "quantity": 1, "org_id": "x"}), 400, "validation_error"
    )
    assert error["details"][0]["field"] == "org_id"


def test_missing_fields_are_each_named(probe):
    error = assert_envelope(probe.post("/widgets"), 400, "validation_error")
    assert {detail["field"] for detail in error["details"]} == {"name", "quantity"}


def test_valid_body_passes(probe):
    response = probe.post("/widgets", json={"name": "a", "quantity": 2})
    assert response.status_code == 200
    assert response.json_body == {"name": "a", "quantity": 2}


def test_typed_error_keeps_its_status_and_message(probe):
    error = assert_envelope(probe.post("/conflict"), 409, "conflict")
    assert error["message"] == "That widget already exists."


def test_unexpected_exception_is_500_without_internals(probe):
    response = probe.get("/boom")
    error = assert_envelope(response, 500, "internal_error")
    assert "hunter2" not in response.body.decode()
    assert "Traceback" not in response.body.decode()
    assert "request id" in error["message"]
