"""Liveness of the API and its table."""

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from chalicelib.core.db import Item
from chalicelib.core.errors import ServiceUnavailable
from chalicelib.core.logs import logger

_PROBE_KEY = "HEALTH"


def check() -> dict[str, str]:
    """One GetItem proves the table is reachable with the function's credentials."""
    try:
        Item.get_or_none(_PROBE_KEY, _PROBE_KEY)
    except (PynamoDBException, BotoCoreError, ClientError) as error:
        logger.warning("health check failed", extra={"error": type(error).__name__})
        raise ServiceUnavailable(message="The table is not reachable.") from error
    return {"status": "ok"}
