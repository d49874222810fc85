"""The Lambda functions the app defines, read from the Chalice app object, with their stage configuration.

Everything per function in infra/ (roles, queue wiring, names) iterates over `functions()`, so a schedule or
consumer another domain adds is covered without touching infra/.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONFIG_PATH = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"
API_HANDLER = "api_handler"  # Chalice's name for the function behind API Gateway


@dataclass(frozen=True)
class Function:
    name: str  # Chalice's name: the Python function, `api_handler`, or @app.lambda_function(name=…)
    resource: str  # its logical id in the packaged template
    kind: str  # api | sqs | stream | schedule | lambda
    queue: str | None = None  # the queue an SQS consumer reads

    def physical_name(self, stage: str) -> str:
        """The Lambda function's name: `stint-<stage>-<name>`, known before it exists (log group ARNs)."""
        return f"{config()['app_name']}-{stage}-{self.name}"


def functions() -> list[Function]:
    """Every function `chalice package` emits for the app, in a stable order (API handler first)."""
    from chalice.app import CloudWatchEventConfig, DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    found = [Function(API_HANDLER, "APIHandler", "api")] if app.routes else []
    for function in app.pure_lambda_functions:
        found.append(Function(function.name, to_cfn_resource_name(function.name), "lambda"))
    for source in app.event_sources:
        resource = to_cfn_resource_name(source.name)
        if isinstance(source, SQSEventConfig):
            found.append(Function(source.name, resource, "sqs", queue=source.queue))
        elif isinstance(source, DynamoDBEventConfig):
            found.append(Function(source.name, resource, "stream"))
        elif isinstance(source, (ScheduledEventConfig, CloudWatchEventConfig)):
            found.append(Function(source.name, resource, "schedule"))
        else:
            raise ValueError(f"infra/ does not know how to wire {type(source).__name__} ({source.name})")
    return found


@cache
def config() -> dict[str, Any]:
    """.chalice/config.json."""
    return json.loads(CONFIG_PATH.read_text())


def setting(stage: str, function: str, key: str, default: Any = None) -> Any:
    """A Chalice setting as it applies to one function of a stage (function, then stage, then top level)."""
    stage_config = config()["stages"][stage]
    for scope in (stage_config.get("lambda_functions", {}).get(function, {}), stage_config, config()):
        if key in scope:
            return scope[key]
    return default
