"""What each route takes and answers, read from its function (STYLE.md's route shape) rather than written twice.

A route reads `parse_body(request, Model)` / `parse_query(request, Model)` and answers `Out.of(...).dump()`,
`created(...)`, `no_content()`, `page_response([...])`, `query.response([...])`, a dict literal or a
`Response(...)`. `operation(...)` walks the route function's syntax tree with the module's names (and the
helpers it calls, their parameters bound to the call's arguments) and turns those into an `Operation`:
request models, JSON-schema-like response shapes where a pydantic model appears as `{"$model": Model}`,
and whether the route asks for credentials. What cannot be read is left `None`, for `overrides` to fill.
"""

import ast
import builtins
import functools
import inspect
import textwrap
import typing
from dataclasses import dataclass, field
from types import UnionType
from typing import Any

from chalice import Response
from pydantic import BaseModel

from chalicelib.auth.current import current_principal
from chalicelib.core import http
from chalicelib.core.schemas import page_response

NO_BODY: dict[str, Any] = {"$none": True}
JSON = "application/json"
_MAX_DEPTH = 4
_MISSING = object()
_PAGING = {
    "page": {"type": "integer"},
    "per_page": {"type": "integer"},
    "limit": {"type": "integer"},
    "offset": {"type": "integer"},
}
# Functions that rename a body's keys (by qualified name, so discovery imports no domain): the shape is the
# argument's, renamed when the document is built (`{"$camel": shape, "$opaque": [keys kept as they are]}`).
_KEY_CASE = {"chalicelib.tatatrack.mapping.camel_keys": "$camel"}
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
_BUILTIN_TYPES = {"int": "integer", "str": "string", "bool": "boolean", "float": "number", "len": "integer"}


@dataclass
class Reply:
    """One documented answer: a status, the body's shape (`NO_BODY` for none) and its media type."""

    status: int
    shape: dict[str, Any] | None
    content_type: str = JSON


@dataclass
class Operation:
    method: str
    path: str
    function: Any
    body: type[BaseModel] | None = None
    body_content_type: str = JSON
    query: type[BaseModel] | None = None
    authenticated: bool = False
    replies: list[Reply] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every answer has a known shape (an undocumented body is what the 'lacks a schema' test catches)."""
        return bool(self.replies) and all(reply.shape is not None for reply in self.replies)


@dataclass
class _Scope:
    globals: dict[str, Any]
    bindings: dict[str, tuple[ast.expr, "_Scope"]]
    assigns: dict[str, list[ast.expr]]
    home: str  # the route's module: its helpers are read like the route
    depth: int = 0
    hints: dict[str, Any] = field(default_factory=dict)  # the function's parameter annotations

    def ours(self, value: Any) -> bool:
        """A function of this code base, whose source can be read."""
        module = getattr(value, "__module__", None) or ""
        return inspect.isfunction(value) and (module.startswith("chalicelib.") or module == self.home)

    def reads_request(self, value: Any) -> bool:
        """A route module's helper (`_viewer`, `_body(Model)`): it may parse the request too."""
        return self.ours(value) and (value.__module__.endswith(".routes") or value.__module__ == self.home)


def operation(method: str, path: str, function: Any, content_types: list[str]) -> Operation:
    """The operation a route function serves, as far as its source tells."""
    result = Operation(method=method, path=path, function=function, body_content_type=content_types[0])
    parsed = _parse(function)
    if parsed is None:
        return result
    scope = _Scope(function.__globals__, {}, _assignments(parsed), home=function.__module__)
    _requirements(parsed, scope, result, seen=set())
    replies: list[Reply] = []
    for node in _returns(parsed):
        replies.extend(_replies(node.value, scope) if node.value is not None else [Reply(200, None)])
    result.replies = _merge(replies)
    return result


# --- source --------------------------------------------------------------------------------------------------


@functools.cache
def _parse(function: Any) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0]
    return node if isinstance(node, ast.FunctionDef) else None


def _assignments(function: ast.FunctionDef) -> dict[str, list[ast.expr]]:
    assigns: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigns.setdefault(target.id, []).append(node.value)
                elif isinstance(target, ast.Tuple):  # a, b = call(): the names are not values we can read
                    for element in target.elts:
                        if isinstance(element, ast.Name):
                            assigns.setdefault(element.id, []).extend([None, None])  # type: ignore[list-item]
    return assigns


def _returns(function: ast.FunctionDef) -> list[ast.Return]:
    found: list[ast.Return] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                continue
            if isinstance(child, ast.Return):
                found.append(child)
            visit(child)

    visit(function)
    return found


# --- values --------------------------------------------------------------------------------------------------


def _value(node: ast.expr | None, scope: _Scope) -> Any:
    """The Python object an expression names (a module, class, function or module constant), if it does."""
    if node is None:
        return _MISSING
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in scope.bindings:
            expr, outer = scope.bindings[node.id]
            return _value(expr, outer)
        if node.id in scope.assigns:
            return _MISSING
        if node.id in scope.globals:
            return scope.globals[node.id]
        return getattr(builtins, node.id, _MISSING)
    if isinstance(node, ast.Attribute):
        owner = _value(node.value, scope)
        if owner is _MISSING or not (inspect.ismodule(owner) or inspect.isclass(owner)):
            return _MISSING
        return getattr(owner, node.attr, _MISSING)
    return _MISSING


def _is_model(value: Any) -> bool:
    return inspect.isclass(value) and issubclass(value, BaseModel)


def _bind(function: Any, call: ast.Call, scope: _Scope) -> _Scope | None:
    """The callee's scope, its parameters bound to the caller's argument expressions."""
    node = _parse(function)
    if node is None or scope.depth >= _MAX_DEPTH:
        return None
    arguments = node.args
    positional = [a.arg for a in arguments.posonlyargs + arguments.args]
    bindings: dict[str, tuple[ast.expr, _Scope]] = {}
    for name, expr in zip(positional, call.args, strict=False):
        bindings[name] = (expr, scope)
    extra = []
    known = set(positional) | {a.arg for a in arguments.kwonlyargs}
    for keyword in call.keywords:
        if keyword.arg in known:
            bindings[keyword.arg] = (keyword.value, scope)
        elif keyword.arg is not None:
            extra.append(keyword)
    if arguments.kwarg is not None:
        spread = ast.Dict(keys=[ast.Constant(k.arg) for k in extra], values=[k.value for k in extra])
        bindings[arguments.kwarg.arg] = (spread, scope)
    hints = _hints(function)
    return _Scope(function.__globals__, bindings, _assignments(node), scope.home, scope.depth + 1, hints)


# --- what the route reads ------------------------------------------------------------------------------------


def _requirements(function: ast.FunctionDef, scope: _Scope, result: Operation, seen: set) -> None:
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        callee = _value(node.func, scope)
        if callee is http.parse_body and len(node.args) > 1 and _is_model(model := _value(node.args[1], scope)):
            result.body = model
        elif callee is http.parse_query and len(node.args) > 1 and _is_model(model := _value(node.args[1], scope)):
            result.query = model
        elif callee is current_principal:
            result.authenticated = True
        elif scope.reads_request(callee) and callee not in seen:
            seen.add(callee)
            inner = _bind(callee, node, scope)
            if inner is not None:
                _requirements(_parse(callee), inner, result, seen)


# --- what the route answers ----------------------------------------------------------------------------------


def _replies(node: ast.expr, scope: _Scope) -> list[Reply]:
    if isinstance(node, ast.IfExp):
        return _replies(node.body, scope) + _replies(node.orelse, scope)
    if isinstance(node, ast.Name) and node.id in scope.bindings:
        expr, outer = scope.bindings[node.id]
        return _replies(expr, outer)
    if isinstance(node, ast.Name) and len(scope.assigns.get(node.id, [])) == 1:
        return _replies(scope.assigns[node.id][0], scope)
    if isinstance(node, ast.Call):
        callee = _value(node.func, scope)
        if callee is http.created:
            return [Reply(201, _shape(node.args[0], scope) if node.args else None)]
        if callee is http.no_content:
            return [Reply(204, NO_BODY)]
        if callee is http.credentials:
            status = _argument(node, 1, "status_code", scope, default=200)
            return [Reply(s, _shape(node.args[0], scope)) for s in _statuses(status)]
        if callee is Response:
            return _response(node, scope)
        if scope.ours(callee) and not _is_shape_builder(callee):
            inner = _bind(callee, node, scope)
            if inner is not None:
                replies = [r for ret in _returns(_parse(callee)) for r in _replies(ret.value, inner)]
                if replies:
                    return replies
    return [Reply(200, _shape(node, scope))]


def _is_shape_builder(function: Any) -> bool:
    """A function whose call is a body, not an answer: a model factory, the list shape, a key renamer."""
    renames = f"{function.__module__}.{function.__qualname__}" in _KEY_CASE
    return renames or function is page_response or _is_model_factory(function)


def _is_model_factory(function: Any) -> bool:
    """A function that builds a response model (`mapping.task_out(...)`): its result is a shape, not a reply."""
    return _is_model(_annotation(function))


def _argument(call: ast.Call, index: int, keyword: str, scope: _Scope, default: Any) -> Any:
    for item in call.keywords:
        if item.arg == keyword:
            return _value(item.value, scope)
    return _value(call.args[index], scope) if len(call.args) > index else default


def _statuses(status: Any) -> list[int]:
    """A status the source does not spell out (`result.status_code`) is documented as both 200 and 201."""
    return [status] if isinstance(status, int) else [200, 201]


def _response(call: ast.Call, scope: _Scope) -> list[Reply]:
    body = next((k.value for k in call.keywords if k.arg == "body"), call.args[0] if call.args else None)
    status = _argument(call, 1, "status_code", scope, default=200)
    headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
    content_type = JSON
    if isinstance(headers, ast.Dict):
        for key, value in zip(headers.keys, headers.values, strict=True):
            if isinstance(key, ast.Constant) and str(key.value).lower() == "content-type":
                found = _value(value, scope)
                content_type = found.split(";")[0] if isinstance(found, str) else content_type
    if isinstance(body, ast.Constant) and body.value in ("", None):
        shape: dict[str, Any] | None = NO_BODY
    elif content_type != JSON:
        shape = {"type": "string"} if content_type.startswith("text/") else {"type": "string", "format": "binary"}
    else:
        shape = _shape(body, scope) if body is not None else None
    return [Reply(s, shape, content_type) for s in _statuses(status)]


def _shape(node: ast.expr | None, scope: _Scope) -> dict[str, Any] | None:
    """The JSON shape an expression evaluates to, `None` when the source does not tell."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return _constant_shape(node.value)
    if isinstance(node, ast.Dict):
        return _dict_shape(node, scope)
    if isinstance(node, ast.List | ast.ListComp | ast.GeneratorExp):
        element = node.elts[0] if isinstance(node, ast.List) and node.elts else getattr(node, "elt", None)
        return {"type": "array", "items": _shape(element, scope) or {}}
    if isinstance(node, ast.IfExp):
        shapes = [_shape(node.body, scope), _shape(node.orelse, scope)]
        return None if None in shapes else {"anyOf": shapes}
    if isinstance(node, ast.Name):
        if node.id in scope.bindings:
            expr, outer = scope.bindings[node.id]
            return _shape(expr, outer)
        if len(scope.assigns.get(node.id, [])) == 1:
            return _shape(scope.assigns[node.id][0], scope)
        value = _value(node, scope)
        return None if value is _MISSING else _python_shape(value)
    if isinstance(node, ast.Call):
        return _call_shape(node, scope)
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return {"type": "boolean"}
    if isinstance(node, ast.JoinedStr):
        return {"type": "string"}
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return _field_shape(scope.hints.get(node.value.id), node.attr)
    return None


def _field_shape(owner: Any, name: str) -> dict[str, Any] | None:
    """`result.access_token` where `result: SignedIn`: the field's type, when it is a plain scalar."""
    if owner is None or not inspect.isclass(owner):
        return None
    annotation = _hints(owner).get(name)
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, UnionType) else ()
    scalars = [_SCALARS.get(option) for option in (options or (annotation,))]
    if not scalars or None in scalars:
        return None
    return {"type": scalars[0]} if len(scalars) == 1 else {"type": scalars}


def _hints(value: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(value)
    except Exception:  # an annotation that does not resolve just means no answer here
        return {}


def _call_shape(node: ast.Call, scope: _Scope) -> dict[str, Any] | None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("dump", "model_dump"):
        model = _model_of(func.value, scope)
        return {"$model": model} if model is not None else None
    callee = _value(func, scope)
    case = _KEY_CASE.get(f"{getattr(callee, '__module__', '')}.{getattr(callee, '__qualname__', '')}")
    if case is not None and node.args:
        inner = _shape(node.args[0], scope)
        opaque = next((_value(k.value, scope) for k in node.keywords if k.arg == "opaque"), ())
        return {case: inner, "$opaque": list(opaque)} if inner is not None and isinstance(opaque, tuple) else None
    if callee is page_response or (isinstance(func, ast.Attribute) and func.attr == "response" and node.args):
        items = _shape(node.args[0], scope) if node.args else None
        return _list_shape(items)
    if inspect.isbuiltin(callee) or callee in (int, str, bool, float):
        name = getattr(callee, "__name__", "")
        return {"type": _BUILTIN_TYPES[name]} if name in _BUILTIN_TYPES else None
    if scope.ours(callee):
        inner = _bind(callee, node, scope)
        if inner is None:
            return None
        shapes = [_shape(ret.value, inner) for ret in _returns(_parse(callee))]
        if not shapes or None in shapes:
            return None
        return shapes[0] if all(s == shapes[0] for s in shapes) else {"anyOf": shapes}
    return None


def _list_shape(items: dict[str, Any] | None) -> dict[str, Any] | None:
    """DESIGN.md §2's list: data, has_more, next_cursor, plus the paging fields the request used."""
    if items is None or items.get("type") != "array":
        return None
    return {
        "type": "object",
        "properties": {
            "data": items,
            "has_more": {"type": "boolean"},
            "next_cursor": {"type": ["string", "null"]},
            **_PAGING,
        },
        "required": ["data", "has_more", "next_cursor"],
    }


def _model_of(node: ast.expr, scope: _Scope) -> type[BaseModel] | None:
    """The response model an expression builds: `Out.of(...)`, `Out(...)`, `make_out(...)` or a name bound to one."""
    if isinstance(node, ast.Name):
        if node.id in scope.bindings:
            expr, outer = scope.bindings[node.id]
            return _model_of(expr, outer)
        if len(scope.assigns.get(node.id, [])) == 1:
            return _model_of(scope.assigns[node.id][0], scope)
        return None
    if not isinstance(node, ast.Call):
        return None
    callee = _value(node.func, scope)
    if _is_model(callee):
        return callee
    if isinstance(node.func, ast.Attribute) and _is_model(owner := _value(node.func.value, scope)):
        return owner
    annotated = _annotation(callee)
    return annotated if _is_model(annotated) else None


def _annotation(function: Any) -> Any:
    if not inspect.isfunction(function):
        return None
    try:
        return typing.get_type_hints(function).get("return")
    except Exception:  # an annotation that does not resolve just means no answer here
        return None


def _dict_shape(node: ast.Dict, scope: _Scope) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    merged: list[dict[str, Any]] = []
    open_ended = False
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:  # **spread
            spread = _shape(value, scope)
            if spread is not None and spread.get("type") == "object" and "properties" in spread:
                properties.update(spread["properties"])
            elif spread is not None and "$model" in spread:
                merged.append(spread)
            else:
                open_ended = True
            continue
        name = _value(key, scope)
        if isinstance(name, str):
            properties[name] = _shape(value, scope) or {}
        else:
            open_ended = True
    shape: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
    if merged:
        return {"allOf": [*merged, shape]}
    if open_ended:
        shape["additionalProperties"] = True
    return shape


def _constant_shape(value: Any) -> dict[str, Any]:
    if value is None:
        return {"type": "null"}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    return {"type": "string"}


def _python_shape(value: Any) -> dict[str, Any] | None:
    """The shape of a module constant the route returns (`SUCCESS = {"success": True}`)."""
    if isinstance(value, dict):
        properties = {str(k): _python_shape(v) or {} for k, v in value.items()}
        return {"type": "object", "properties": properties, "required": list(properties)}
    if isinstance(value, list | tuple):
        return {"type": "array", "items": _python_shape(value[0]) or {} if value else {}}
    if value is None or isinstance(value, str | int | float | bool):
        return _constant_shape(value)
    return None


def _merge(replies: list[Reply]) -> list[Reply]:
    """One reply per status and media type; different shapes under one status become `anyOf`."""
    merged: dict[tuple[int, str], Reply] = {}
    for reply in replies:
        key = (reply.status, reply.content_type)
        if key not in merged:
            merged[key] = Reply(reply.status, reply.shape, reply.content_type)
            continue
        current = merged[key]
        if current.shape is None or reply.shape is None:
            current.shape = None
        elif current.shape != reply.shape:
            options = current.shape.get("anyOf", [current.shape])
            if reply.shape not in options:
                current.shape = {"anyOf": [*options, reply.shape]}
    return list(merged.values())
