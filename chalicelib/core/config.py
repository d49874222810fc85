"""Settings read from the environment: the only thing that differs between AWS and the local stack.

A frozen dataclass over `STINT_*` variables rather than pydantic-settings: that package (with dotenv) cost
~60 ms of Lambda cold start, and Stint reads nothing but flat environment variables (docs/decisions.md).
"""

import os
import re
from dataclasses import dataclass, fields
from functools import lru_cache

ENV_PREFIX = "STINT_"
_MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    table_name: str = "stint"
    files_bucket: str = "stint-files"
    # Queue names (their DLQs are `<name>-dlq`); URLs are looked up once per process.
    events_queue: str = "stint-events"
    jobs_queue: str = "stint-jobs"
    # The table's stream, which triggers the outbox publisher; infra/ wires the real ARN in at packaging time.
    table_stream_arn: str = "arn:aws:dynamodb:us-east-1:000000000000:table/stint/stream/local"
    mail_from: str = "Stint <no-reply@stint.local>"
    # Local mode only: every email sent is also written here as an .eml file.
    mail_dir: str = ""
    public_base_url: str = "http://127.0.0.1:8000"
    # Who makes image thumbnails: "jobs" (the jobs queue, after an upload is stored: local stack and tests) or
    # "s3_events" (the bucket's ObjectCreated notification invokes the thumbnails function: AWS stages).
    thumbnails_from: str = "jobs"
    # HS256 with a pinned algorithm; in AWS the secret comes from the stage's environment (SSM/Secrets Manager).
    jwt_secret: str = "local-development-secret-change-me-0123456789"
    jwt_issuer: str = "stint"
    jwt_audience: str = "stint-api"
    access_token_ttl_seconds: int = 900
    # argon2id cost: 64 MiB x 2 passes measured ~125 ms per hash here (bench/); tests lower it for speed.
    argon2_memory_kib: int = 64 * 1024
    argon2_time_cost: int = 2
    # Requests per minute per credential (access-token session or personal API token), every authenticated
    # route; 429 `rate_limited` beyond it (docs/decisions.md 26). Tests raise it; their limit tests lower it.
    api_rate_limit_per_minute: int = 100
    # Registrations (attempts) per source IP per hour.
    register_limit_per_ip_per_hour: int = 20
    # DynamoDB client limits per attempt, and retries of throttled or timed-out calls (PynamoDB's defaults: 15 s,
    # 30 s, 3). AWS stages lower the timeouts so a hung call ends as a 503 well inside API Gateway's 29 s.
    dynamodb_connect_timeout_seconds: int = 15
    dynamodb_read_timeout_seconds: int = 30
    dynamodb_max_retry_attempts: int = 3
    # Signs pagination cursors and other opaque server tokens.
    signing_secret: str = "local-signing-secret-change-me-0123456789"
    # 1 lets outgoing webhooks reach private, loopback and link-local addresses: tests and the local stack only
    # (their receivers run on 127.0.0.1); AWS stages keep 0, so a webhook URL cannot reach internal services.
    webhooks_allow_private_targets: int = 0
    # PayPal subscriptions (billing domain; docs/decisions.md 55-59). Without a client id the local and test
    # stages run the billing sandbox: approval links point at this API and activate the subscription.
    paypal_base_url: str = "https://api-m.sandbox.paypal.com"
    paypal_client_id: str = ""
    paypal_client_secret: str = ""
    paypal_webhook_id: str = ""
    paypal_plan_pro: str = ""
    paypal_plan_business: str = ""
    paypal_timeout_seconds: int = 10

    def __post_init__(self) -> None:
        for name in ("jwt_secret", "signing_secret"):
            if len(getattr(self, name)) < _MIN_SECRET_LENGTH:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be at least {_MIN_SECRET_LENGTH} characters")
        if not 0 < self.access_token_ttl_seconds <= 900:
            raise ValueError(f"{ENV_PREFIX}ACCESS_TOKEN_TTL_SECONDS must be between 1 and 900")
        for name in ("api_rate_limit_per_minute", "register_limit_per_ip_per_hour"):
            if getattr(self, name) < 1:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be at least 1")
        if self.webhooks_allow_private_targets not in (0, 1):
            raise ValueError(f"{ENV_PREFIX}WEBHOOKS_ALLOW_PRIVATE_TARGETS must be 0 or 1")
        if self.thumbnails_from not in ("jobs", "s3_events"):
            raise ValueError(f"{ENV_PREFIX}THUMBNAILS_FROM must be 'jobs' or 's3_events'")
        self._check_paypal()

    def _check_paypal(self) -> None:
        if not self.paypal_base_url.startswith("https://") and not re.match(
            r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/|$)", self.paypal_base_url
        ):
            raise ValueError(f"{ENV_PREFIX}PAYPAL_BASE_URL must be an https URL (plain http only on loopback)")
        if not 1 <= self.paypal_timeout_seconds <= 30:
            raise ValueError(f"{ENV_PREFIX}PAYPAL_TIMEOUT_SECONDS must be between 1 and 30")
        if self.paypal_client_id:
            for name in ("paypal_client_secret", "paypal_webhook_id", "paypal_plan_pro", "paypal_plan_business"):
                if not getattr(self, name):
                    raise ValueError(f"{ENV_PREFIX}{name.upper()} is required with {ENV_PREFIX}PAYPAL_CLIENT_ID")

    @property
    def billing_sandbox(self) -> bool:
        """No PayPal credentials on a developer's machine or in tests: the local billing sandbox stands in."""
        return not self.paypal_client_id and self.stage in ("local", "test")

    @classmethod
    def from_environ(cls) -> "Settings":
        """Settings from `STINT_<FIELD>` variables; unset ones keep their defaults."""
        values = {}
        for field in fields(cls):
            raw = os.environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None:
                values[field.name] = int(raw) if field.type is int else raw
        return cls(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings.from_environ()
