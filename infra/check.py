"""Checks a packaged template (`chalice package` output merged with infra/) for what cfn-lint cannot know.

    python -m infra.check build/package/<stage>/sam.json [...]

Every function must run under its own role from infra/ (Chalice's placeholder role ARN would deploy, and
fail at the first call), no policy may grant a wildcard action, a Scan, or anything on every resource, and
every queue must have a dead-letter queue.
"""

import json
import sys
from pathlib import Path
from typing import Any

_LAMBDA_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}


def problems(template: dict[str, Any]) -> list[str]:
    """What is wrong with a packaged template; empty when it is fine."""
    resources = template.get("Resources", {})
    found, role_owner = [], {}
    for name, resource in resources.items():
        if resource.get("Type") not in _LAMBDA_TYPES:
            continue
        role = resource.get("Properties", {}).get("Role")
        target = role.get("Fn::GetAtt", [None])[0] if isinstance(role, dict) else None
        if resources.get(target, {}).get("Type") != "AWS::IAM::Role":
            found.append(f"{name}: runs under {role!r}, not a role defined by infra/")
        elif target in role_owner:
            found.append(f"{name}: shares {target} with {role_owner[target]}")
        else:
            role_owner[target] = name
    for name, resource in resources.items():
        if resource.get("Type") == "AWS::IAM::Role":
            found += [f"{name}: {issue}" for issue in _policy_problems(resource)]
        is_queue = resource.get("Type") == "AWS::SQS::Queue" and not name.endswith("DeadLetterQueue")
        if is_queue and "RedrivePolicy" not in resource.get("Properties", {}):
            found.append(f"{name}: no dead-letter queue")
    return found


def _policy_problems(role: dict[str, Any]) -> list[str]:
    issues = []
    for policy in role.get("Properties", {}).get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            resources = statement.get("Resource", [])
            resources = resources if isinstance(resources, list) else [resources]
            if any("*" in action for action in actions):
                issues.append(f"wildcard action in {actions}")
            if "dynamodb:Scan" in actions:
                issues.append("grants dynamodb:Scan")
            if "*" in resources:
                issues.append(f"{actions} on every resource")
    return issues


if __name__ == "__main__":
    failed = False
    for path in map(Path, sys.argv[1:]):
        for issue in problems(json.loads(path.read_text())):
            print(f"{path}: {issue}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)
