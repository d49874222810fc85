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
import os
import re
from collections.abc import Callable
from typing import Any

from chalice import Blueprint

# Anchored on "\n" rather than "^" with MULTILINE: a literal start keeps the scan fast on a cold start.
_ROUTE = re.compile(r"\n@(\w+)\.route\(")
_DEF = re.compile(r"\n(?:async )?def (\w+)\(")
_TOP_LEVEL = re.compile(r"\n(?:@|def |async def |class )")
# A decorator's arguments: "strings", ["lists", "of strings"], True/False/None or a module constant's NAME.
_VALUE = r'"[^"\\\n]*"|\[[^\]]*\]|\w+'
_CALL = re.compile(r"\w+\.route\((.*)\)", re.DOTALL)
_ARGUMENT = re.compile(rf"\s*(?:(\w+)\s*=\s*)?({_VALUE})\s*(?:,|$)")
_STRING = re.compile(r'"([^"\\\n]*)"')
_STRINGS = re.compile(r'\s*"[^"\\\n]*"(?:\s*,\s*"[^"\\\n]*")*\s*')
_KEYWORDS = {"True": True, "False": False, "None": None}
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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
        if real_blueprint._current_app is not self._blueprint._current_app:  # its `current_request` is the app's
            real_blueprint._current_app = self._blueprint._current_app
        return getattr(module, self.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target()(*args, **kwargs)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        """The real function's docstring (`chalice package` describes each route with it)."""
        return self.target().__doc__


def _read_routes(module_name: str) -> tuple[list[tuple[str, dict[str, Any], str]], str]:
    try:
        with open(os.path.join(_ROOT, *module_name.split(".")) + ".py", "rb") as handle:
            source = handle.read().decode()
    except OSError as error:
        raise _NotLiteral(module_name) from error
    routes, variables = [], set()
    for match in _ROUTE.finditer(source):
        variables.add(match.group(1))
        definition = _DEF.search(source, match.end())
        end = _TOP_LEVEL.search(source, match.end())
        if definition is None or end is None:
            raise _NotLiteral(module_name)
        decorator = source[match.start() + 2 : end.start()]
        path, kwargs = _route_arguments(decorator, source)
        routes.append((path, kwargs, definition.group(1)))
    if len(variables) != 1 or source.count(".route(") != len(routes):
        raise _NotLiteral(module_name)
    return routes, variables.pop()


def _route_arguments(decorator: str, source: str) -> tuple[str, dict[str, Any]]:
    """`bp.route("/path", methods=[...], content_types=NAME)` read without a parser (no `ast` on a cold start)."""
    lines = [line.split("  #")[0] for line in decorator.splitlines() if not line.lstrip().startswith("#")]
    call = _CALL.fullmatch("\n".join(lines).strip())
    if call is None:
        raise _NotLiteral(decorator)
    path, kwargs, position, text = None, {}, 0, call.group(1)
    while position < len(text):
        item = _ARGUMENT.match(text, position)
        if item is None:
            raise _NotLiteral(decorator)
        name, value = item.group(1), _literal(item.group(2), source)
        if name is None and path is None and not kwargs:
            path = value
        elif name in _ROUTE_KWARGS:
            kwargs[name] = value
        else:
            raise _NotLiteral(decorator)
        position = item.end()
    if not isinstance(path, str):
        raise _NotLiteral(decorator)
    return path, kwargs


def _literal(text: str, source: str, *, constant: bool = True) -> Any:
    """A string, a list of strings, True/False/None, or a module-level `NAME = <one of those>` of the file."""
    if text.startswith('"'):
        return text[1:-1]
    if text.startswith("["):
        items = text[1:-1].strip().rstrip(",")
        if not items:
            return []
        if not _STRINGS.fullmatch(items):
            raise _NotLiteral(text)
        return _STRING.findall(items)
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    assignment = re.search(rf"\n{text} = ({_VALUE})\n", source) if constant else None
    if assignment is None:
        raise _NotLiteral(text)
    return _literal(assignment.group(1), source, constant=False)
