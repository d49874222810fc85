from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute


class Session(Item, discriminator="SESSION"):
    """One signed-in device: a refresh-token family. Revoking it ends every token of the family."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    refresh_digest = UnicodeAttribute()
    user_agent = UnicodeAttribute(null=True)
    ip_address = UnicodeAttribute(null=True)
    created_at = TimestampAttribute()
    authenticated_at = TimestampAttribute()
    last_used_at = TimestampAttribute()
    revoked_at = TimestampAttribute(null=True)
    expires_at = NumberAttribute()

    SK_PREFIX = "SESSION#"

    @classmethod
    def keys(cls, user_id: str, session_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", f"{cls.SK_PREFIX}{session_id}"


class RefreshToken(Item, discriminator="REFRESH"):
    """A refresh token (by digest). `rotated` ones are kept until expiry to detect reuse."""

    session_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | rotated
    expires_at = NumberAttribute()

    @staticmethod
    def keys(digest: str) -> tuple[str, str]:
        return f"REFRESH#{digest}", "REFRESH"


class OneTimeToken(Item, discriminator="OTT"):
    """A single-use emailed token (verify email, reset password), by digest."""

    purpose = UnicodeAttribute()
    user_id = UnicodeAttribute()
    issued_at = TimestampAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(digest: str) -> tuple[str, str]:
        return f"OTT#{digest}", "OTT"


class ApiToken(Item, discriminator="PAT"):
    """A personal API token (by digest), bound to one user in one org; listed per user+org on GSI1."""

    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    access = UnicodeAttribute(null=True)  # read_write | read_only; absent on tokens made before: read_write
    scopes = JSONAttribute(default=list)  # resource scopes (core.auth.SCOPES); empty: every resource
    created_at = TimestampAttribute()
    last_used_at = TimestampAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    @staticmethod
    def keys(digest: str) -> tuple[str, str]:
        return f"PAT#{digest}", "PAT"

    @staticmethod
    def owner_partition(org_id: str, user_id: str) -> str:
        return f"ORG#{org_id}#USER#{user_id}#PATS"
