"""Settings read from the environment: the only thing that differs between AWS and the local stack."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STINT_", extra="ignore")

    stage: str = "local"
    table_name: str = "stint"
    files_bucket: str = "stint-files"
    events_queue_url: str = ""
    jobs_queue_url: str = ""
    mail_from: str = "Stint <no-reply@stint.local>"
    # Local mode only: every email sent is also written here as an .eml file.
    mail_dir: str = ""
    public_base_url: str = "http://127.0.0.1:8000"

    # HS256 with a pinned algorithm; in AWS the secret comes from the stage's environment (SSM/Secrets Manager).
    jwt_secret: str = Field(default="local-development-secret-change-me-0123456789", min_length=32)
    jwt_issuer: str = "stint"
    jwt_audience: str = "stint-api"
    access_token_ttl_seconds: int = Field(default=900, le=900)
    # Signs pagination cursors and other opaque server tokens.
    signing_secret: str = Field(default="local-signing-secret-change-me-0123456789", min_length=32)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
