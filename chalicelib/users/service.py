"""Accounts: profiles, the unique email, passwords (hashes only; the auth domain decides when they change)."""

from datetime import datetime

from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, transaction
from chalicelib.core.errors import NotFound
from chalicelib.core.timeutil import utcnow
from chalicelib.users.models import EmailClaim, User
from chalicelib.users.schemas import ProfileUpdate


def normalize_email(email: str) -> str:
    """The form emails are compared and stored in for uniqueness."""
    return email.strip().lower()


def get(*, user_id: str) -> User:
    """A user by id, or 404."""
    user = User.get_or_none(*User.keys(user_id))
    if user is None:
        raise NotFound("User not found.")
    return user


def record_keys(*, user_id: str) -> tuple[str, str]:
    """Where a user is stored (for callers that batch their reads)."""
    return User.keys(user_id)


def find_by_email(*, email: str) -> User | None:
    """The user holding this email (any case), or None."""
    claim = EmailClaim.get_or_none(*EmailClaim.keys(email))
    return User.get_or_none(*User.keys(claim.user_id)) if claim else None


def build(*, user_id: str, email: str, name: str, password_hash: str | None) -> User:
    """A new, unsaved user."""
    now = utcnow()
    pk, sk = User.keys(user_id)
    return User(
        PK=pk,
        SK=sk,
        id=user_id,
        email=normalize_email(email),
        name=name,
        password_hash=password_hash,
        created_at=now,
        updated_at=now,
    )


def add(tx, *, user: User) -> None:
    """Save a new user and claim their email in `tx`; the transaction fails (409) if the email is taken."""
    tx.save(user, condition=User.PK.does_not_exist())
    pk, sk = EmailClaim.keys(user.email)
    tx.save(EmailClaim(PK=pk, SK=sk, user_id=user.id), condition=EmailClaim.PK.does_not_exist())


def set_password(tx, *, user: User, password_hash: str, sessions_valid_after: datetime) -> None:
    """Replace the password hash in `tx` (guarded by the user's version) and end older sessions."""
    tx.update(
        user,
        actions=[
            User.password_hash.set(password_hash),
            User.sessions_valid_after.set(sessions_valid_after),
            User.updated_at.set(utcnow()),
        ],
    )


def claim_pending(tx, *, user: User, name: str, password_hash: str) -> None:
    """Give an invited account (no password yet) its name and password; fails if someone set one first."""
    tx.update(
        user,
        actions=[
            User.name.set(name),
            User.password_hash.set(password_hash),
            User.updated_at.set(utcnow()),
        ],
        condition=User.password_hash.does_not_exist(),
    )


def mark_email_verified(*, user_id: str) -> None:
    """Record that the user proved they own their email."""
    user = get(user_id=user_id)
    if user.email_verified_at is None:
        user.update(actions=[User.email_verified_at.set(utcnow()), User.updated_at.set(utcnow())])


def update_profile(*, principal: Principal, changes: ProfileUpdate) -> User:
    """Change the caller's own name or timezone."""
    user = get(user_id=principal.user_id)
    fields = changes.model_dump(exclude_unset=True, exclude_none=True)
    if fields:
        actions = [getattr(User, name).set(value) for name, value in fields.items()]
        with transaction() as tx:
            tx.update(user, actions=[*actions, User.updated_at.set(utcnow())])
    return get(user_id=principal.user_id)


def set_avatar(tx, *, user: User, key: str | None, url: str | None) -> None:
    """Point the user at a new avatar image (or none) in `tx`, guarded by the user's version."""
    if key:
        actions = [User.avatar_key.set(key), User.avatar_url.set(url)]
    else:
        actions = [User.avatar_key.remove(), User.avatar_url.remove()]
    tx.update(user, actions=[*actions, User.updated_at.set(utcnow())])


def names(*, user_ids: set[str]) -> dict[str, str]:
    """Display names for a set of users (one BatchGet per 100)."""
    ids = sorted(user_ids)
    found: dict[str, str] = {}
    for start in range(0, len(ids), 100):
        for user in Item.batch_get([User.keys(user_id) for user_id in ids[start : start + 100]]):
            if isinstance(user, User):
                found[user.id] = user.name
    return found
