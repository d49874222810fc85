"""`/openapi.json` (the generated OpenAPI 3.1 document) and `/docs` (a self-contained page that renders it)."""

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.openapi import spec

bp = Blueprint(__name__)
_PAGE = Path(__file__).with_name("docs.html")


@cache
def _document() -> str:
    """Built once per process from the route table (every domain is imported to read its routes)."""
    return json.dumps(spec.build(bp.current_app), separators=(",", ":"))


@cache
def _page() -> tuple[str, str]:
    """The page and its Content-Security-Policy: its one inline script and style, by hash; nothing from elsewhere."""
    html = _PAGE.read_text(encoding="utf-8")

    def hashes(tag: str) -> str:
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
        return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks)

    policy = (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
        "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html, policy


@bp.route("/openapi.json", methods=["GET"])
def openapi_document():
    return Response(
        body=_document(),
        status_code=200,
        headers={"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
    )


@bp.route("/docs", methods=["GET"])
def api_docs():
    html, policy = _page()
    return Response(
        body=html,
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy},
    )
