"""Blueprints registered by module name and imported on their first request, so a cold start stays cheap.

`lazy_blueprint("chalicelib.tasks.routes")` reads the module's `@bp.route(...)` decorators from its source
(no import) and returns a Blueprint with the same route table whose views import the real module on first
use and call the real function. A module whose routes cannot be read that way (a decorator argument that is
not a literal or a module-level literal) is imported at once instead: slower, never wrong. A test compares
the lazy table with the real blueprints', route by route (decision 66).

Background work (jobs, event subscribers) is registered when a domain's modules are imported, so the
consumers call `load_all()` before dispatching.
"""

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalice import Blueprint

_ROUTE = re.compile(r"^@(\w+)\.route\(", re.MULTILINE)
_DEF = re.compile(r"^(?:async )?def (\w+)\(", re.MULTILINE)
_TOP_LEVEL = re.compile(r"^(?:@|def |async def |class )", re.MULTILINE)
# The common decorator, read without a parser: @bp.route("/tasks/{task_id}", methods=["GET", "PUT"])
_SIMPLE = re.compile(r'\(("[^"\\]*"), methods=(\["[A-Z]+"(?:, "[A-Z]+")*\])\)\s*$')
_ROOT = Path(__file__).resolve().parents[2]
_ROUTE_KWARGS = {"methods", "content_types", "api_key_required", "authorizer", "cors", "name"}

_modules: list[str] = []


class _NotLiteral(Exception):
    pass


def lazy_blueprint(module_name: str) -> Blueprint:
    """A Blueprint whose routes are `module_name`'s, imported on the first call of any of them."""
    if module_name not in _modules:
        _modules.append(module_name)
    try:
        routes, variable = _read_routes(module_name)
    except _NotLiteral:
        return importlib.import_module(module_name).bp
    blueprint = Blueprint(module_name)
    for path, kwargs, function_name in routes:
        blueprint.route(path, **kwargs)(_LazyView(module_name, variable, function_name, blueprint))
    return blueprint


def load_all() -> None:
    """Import every lazily registered module (their jobs and event subscribers register on import)."""
    for module_name in _modules:
        importlib.import_module(module_name)


def real_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """The function that serves a route: the module's own for a lazy view, else the view itself."""
    return view.target() if isinstance(view, _LazyView) else view


class _LazyView:
    """Stands in for a route function until its module is imported; then calls it."""

    def __init__(self, module_name: str, variable: str, function_name: str, blueprint: Blueprint) -> None:
        self.module_name, self.variable, self.__name__ = module_name, variable, function_name
        self.__qualname__ = function_name
        self._blueprint = blueprint

    def target(self) -> Callable[..., Any]:
        module = importlib.import_module(self.module_name)
        real_blueprint = getattr(module, self.variable)
        if real_blueprint._current_app is None:  # its `current_request` is the app's, as if registered
            real_blueprint._current_app = self._blueprint._current_app
        return getattr(module, self.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target()(*args, **kwargs)


def _read_routes(module_name: str) -> tuple[list[tuple[str, dict[str, Any], str]], str]:
    try:
        source = _ROOT.joinpath(*module_name.split(".")).with_suffix(".py").read_bytes().decode()
    except OSError as error:
        raise _NotLiteral(module_name) from error
    routes, variables = [], set()
    for match in _ROUTE.finditer(source):
        variables.add(match.group(1))
        definition = _DEF.search(source, match.end())
        end = _TOP_LEVEL.search(source, match.end())
        if definition is None or end is None:
            raise _NotLiteral(module_name)
        decorator = source[match.start() + 1 : end.start()]
        path, kwargs = _route_arguments(decorator, source)
        routes.append((path, kwargs, definition.group(1)))
    if len(variables) != 1 or source.count(".route(") != len(routes):
        raise _NotLiteral(module_name)
    return routes, variables.pop()


def _route_arguments(decorator: str, source: str) -> tuple[str, dict[str, Any]]:
    simple = _SIMPLE.search(decorator)
    if simple:
        return simple.group(1)[1:-1], {"methods": [m[1:-1] for m in simple.group(2)[1:-1].split(", ")]}
    import ast

    try:
        call = ast.parse(decorator.strip(), mode="eval").body
    except SyntaxError as error:
        raise _NotLiteral(decorator) from error
    if not isinstance(call, ast.Call) or len(call.args) != 1:
        raise _NotLiteral(decorator)
    path = _literal(call.args[0], source)
    kwargs = {}
    for keyword in call.keywords:
        if keyword.arg not in _ROUTE_KWARGS:
            raise _NotLiteral(decorator)
        kwargs[keyword.arg] = _literal(keyword.value, source)
    return path, kwargs


def _literal(node: Any, source: str) -> Any:
    """A literal, or a module-level `NAME = <literal>` of the same file."""
    import ast

    if isinstance(node, ast.Name):
        assignment = re.search(rf"^{node.id}\s*=\s*(.+)$", source, re.MULTILINE)
        if assignment is None:
            raise _NotLiteral(node.id)
        try:
            return ast.literal_eval(assignment.group(1))
        except (ValueError, SyntaxError) as error:
            raise _NotLiteral(node.id) from error
    try:
        return ast.literal_eval(node)
    except ValueError as error:
        raise _NotLiteral(ast.dump(node)) from error
