from pynamodb.attributes import UnicodeAttribute, VersionAttribute

from chalicelib.core.db import Item, TimestampAttribute


class User(Item, discriminator="USER"):
    """An account. `password_hash` is empty for someone invited who has not set a password yet."""

    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute(default="UTC")
    password_hash = UnicodeAttribute(null=True)
    avatar_url = UnicodeAttribute(null=True)
    # The avatar's object in the files bucket (files domain); `avatar_url` is where the API serves it.
    avatar_key = UnicodeAttribute(null=True)
    email_verified_at = TimestampAttribute(null=True)
    # Sessions signed in before this instant are dead (set by password reset and change).
    sessions_valid_after = TimestampAttribute(null=True)
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()
    version = VersionAttribute()

    @staticmethod
    def keys(user_id: str) -> tuple[str, str]:
        return f"USER#{user_id}", "PROFILE"


class EmailClaim(Item, discriminator="EMAIL"):
    """Holds an email address (lower-cased) for one user: the uniqueness constraint."""

    user_id = UnicodeAttribute()

    @staticmethod
    def keys(email: str) -> tuple[str, str]:
        return f"EMAIL#{email.strip().lower()}", "EMAIL"
