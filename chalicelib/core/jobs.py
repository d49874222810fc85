"""Background jobs over SQS: domains register handlers by name, services enqueue, one consumer dispatches.

Delivery is at least once, so each job runs once per id: a claim item is written before the handler runs
and removed again if it fails, so that the retry can run it.
"""

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from chalicelib.core import routing
from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.db import Item
from chalicelib.core.ids import new_id
from chalicelib.core.logs import logger
from chalicelib.core.timeutil import epoch_seconds, utcnow

JobHandler = Callable[[dict[str, Any]], None]
# A job name may have several handlers (e.g. every domain that keeps data under a deleted project).
_handlers: dict[str, list[JobHandler]] = {}
_CLAIM_SECONDS = 7 * 24 * 3600


class JobClaim(Item, discriminator="JOB_CLAIM"):
    """Marks a job id as taken, so a redelivered message does not run twice."""

    job = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(job_id: str) -> tuple[str, str]:
        return f"JOB#{job_id}", "CLAIM"


def job(name: str) -> Callable[[JobHandler], JobHandler]:
    """Register the decorated function as a handler of jobs called `name`."""

    def register(handler: JobHandler) -> JobHandler:
        _handlers.setdefault(name, []).append(handler)
        return handler

    return register


@cache
def queue_url(queue_name: str) -> str:
    """The URL of a queue, looked up once per process."""
    return client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"]


def enqueue(name: str, payload: dict[str, Any], *, delay_seconds: int = 0) -> str:
    """Send a job to the jobs queue, runnable after `delay_seconds` (SQS allows up to 900); returns its id."""
    job_id = new_id("job")
    body = json.dumps({"id": job_id, "job": name, "payload": payload})
    extra = {"DelaySeconds": min(max(delay_seconds, 0), 900)} if delay_seconds else {}
    client("sqs").send_message(QueueUrl=queue_url(get_settings().jobs_queue), MessageBody=body, **extra)
    return job_id


def _claim(job_id: str, name: str) -> bool:
    pk, sk = JobClaim.keys(job_id)
    claim = JobClaim(PK=pk, SK=sk, job=name, expires_at=epoch_seconds(utcnow()) + _CLAIM_SECONDS)
    try:
        claim.save(condition=JobClaim.PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def run(message_body: str) -> None:
    """Run the job in one SQS message body, once per job id. Raises if the handler fails."""
    message = json.loads(message_body)
    name, job_id = message["job"], message["id"]
    routing.load_all()  # handlers register when their domain is imported (decision 66)
    handlers = _handlers.get(name)
    if not handlers:
        logger.error("unknown job dropped", extra={"job": name, "job_id": job_id})
        return
    if not _claim(job_id, name):
        logger.info("duplicate job skipped", extra={"job": name, "job_id": job_id})
        return
    try:
        for handler in handlers:  # each is idempotent, so a retry may run them all again
            handler(message["payload"])
    except BaseException:
        JobClaim(*JobClaim.keys(job_id)).delete()
        raise


def run_batch(records: list[tuple[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Run each (message id, body); failures are reported per message so the rest of the batch is kept."""
    failures = []
    for message_id, body in records:
        try:
            run(body)
        except Exception:  # reported back to SQS for retry, then the DLQ; the batch goes on
            logger.exception("job failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
