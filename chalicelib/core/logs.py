"""Structured JSON logs (Powertools): one logger, RFC 3339 UTC timestamps, and no secrets, ever.

Request id, org id and route are appended once per request (core.http, auth.current). Every line passes
`redact` on its way out — extra fields, messages and exception text alike: values under secret-looking keys
(password, token, secret, authorization, cookie, signature, credential) become "[REDACTED]", and bearer
credentials, JWTs, Stint's refresh and API tokens and signed URL parameters are masked inside any text.
Chalice's own logger ("stint") shares the handler, so its lines are redacted too.
"""

import re
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

REDACTED = "[REDACTED]"
_SECRET_KEY = re.compile(r"password|passwd|secret|token|authorization|cookie|signature|credential|api_?key", re.I)
_SECRET_TEXT = re.compile(
    r"(?P<scheme>\b(?:Bearer|Basic)\s+)[\w.~+/=-]+"  # Authorization header values
    r"|\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"  # JWTs
    r"|(?P<prefix>\b(?:stint_rt_|stint_pat_|tt_live_))[\w-]+"  # refresh tokens, personal API tokens
    r"|(?P<param>[?&](?:token|access_token|refresh_token|ticket|signature|X-Amz-Signature|X-Amz-Credential"
    r"|X-Amz-Security-Token)=)[^&\s\"']+"  # secrets in URLs
    r"|(?P<field>\"[^\"]*(?:password|secret|token)[^\"]*\"\s*:\s*)\"[^\"]*\"",  # secrets in JSON text
    re.I,
)


def _mask(match: re.Match) -> str:
    kept = next((match.group(name) for name in ("scheme", "prefix", "param", "field") if match.group(name)), "")
    if match.group("field"):
        return f'{kept}"{REDACTED}"'
    return kept + REDACTED


@lru_cache(maxsize=1024)
def _secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redact(value: Any) -> Any:
    """`value` with every secret masked (dicts and lists recursively)."""
    if isinstance(value, str):
        return _SECRET_TEXT.sub(_mask, value) if len(value) > 8 else value
    if isinstance(value, dict):
        return {
            key: REDACTED if item and isinstance(key, str) and _secret_key(key) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, redacting each record just before it is written."""

    def serialize(self, log: dict[str, Any]) -> str:
        return self.json_serializer(redact(log))


logger = Logger(service="stint", logger_formatter=RedactingFormatter(use_rfc3339=True, utc=True))
