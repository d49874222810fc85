"""Lazy blueprints: the same route table as importing the route modules, without importing them."""

import importlib
import inspect
import json
import os
import subprocess
import sys

from chalice import Chalice

from chalicelib.core import routing
from tests.support.stack import PROJECT_DIR

_FIELDS = ("view_name", "content_types", "api_key_required", "cors", "authorizer", "view_args")


def _registered() -> list[tuple[str, str]]:
    """(module, url prefix) of every blueprint app.py registers, read from the app's lazy views."""
    from app import app

    seen = {}
    for path, methods in app.routes.items():
        for entry in methods.values():
            view = entry.view_function
            if isinstance(view, routing._LazyView):
                seen.setdefault(view.module_name, path.split("/api/v1/")[0] if "/api/v1/" in path else "/api")
    return sorted(seen.items())


def _table(app: Chalice) -> dict:
    return {
        (path, method): tuple(getattr(entry, name) for name in _FIELDS)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
    }


def test_lazy_route_table_equals_the_imported_blueprints():
    # GIVEN every route module the app registers
    modules = _registered()
    assert len(modules) > 20
    lazy, eager = Chalice("lazy"), Chalice("eager")
    for module, prefix in modules:
        # WHEN it is registered lazily on one app and imported on another
        lazy.register_blueprint(routing.lazy_blueprint(module), url_prefix=prefix)
        blueprint = importlib.import_module(module).bp
        bound = blueprint._current_app
        eager.register_blueprint(blueprint, url_prefix=prefix)
        blueprint._current_app = bound  # the real app keeps serving through it in later tests
    # THEN both apps have the same routes, methods, content types and view names
    assert _table(lazy) == _table(eager)


def test_importing_the_app_imports_no_domain_code():
    # WHEN the app is imported in a fresh interpreter
    probe = "import sys, json, app; print(json.dumps(sorted(m for m in sys.modules if m.startswith('chalicelib.'))))"
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    output = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert output.returncode == 0, output.stderr
    # THEN only core modules were loaded: domains wait for their first request
    loaded = json.loads(output.stdout)
    assert [name for name in loaded if not name.startswith("chalicelib.core")] == []


def test_a_lazy_view_serves_through_the_real_function(api):
    # WHEN a route of a lazily registered module is called
    response = api.get("/api/v1/health")
    # THEN the real view answered
    assert response.json_body == {"status": "ok"}
    assert routing.real_view(api._app.routes["/api/v1/health"]["GET"].view_function).__module__ == (
        "chalicelib.health.routes"
    )


def test_a_module_whose_decorators_are_not_literal_is_imported_at_once(tmp_path, monkeypatch):
    # GIVEN a route module whose path is computed
    package = tmp_path / "computed"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "routes.py").write_text(
        "from chalice import Blueprint\n"
        "bp = Blueprint(__name__)\n"
        "PREFIX = '/things'.upper().lower()\n"
        "@bp.route(PREFIX, methods=['GET'])\n"
        "def things():\n"
        "    return {'things': []}\n"
    )
    monkeypatch.setattr(routing, "_ROOT", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    # WHEN it is registered lazily
    blueprint = routing.lazy_blueprint("computed.routes")
    # THEN its own blueprint is used, imported
    assert "computed.routes" in sys.modules
    assert blueprint is sys.modules["computed.routes"].bp
    routing._modules.remove("computed.routes")


def test_a_lazy_view_carries_the_real_docstring_for_chalice_package():
    # GIVEN a lazily registered route whose function has a docstring
    from app import app

    view = app.routes["/api/billing/webhook"]["POST"].view_function
    # WHEN chalice reads its description (inspect.getdoc, as its swagger generator does)
    # THEN it is the real function's
    assert inspect.getdoc(view) == inspect.getdoc(routing.real_view(view))
    assert inspect.getdoc(view)
