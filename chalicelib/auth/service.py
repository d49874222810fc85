"""Credentials: registration, login, sessions and refresh-token families, emailed tokens, API tokens,
and turning a request's bearer credential into a Principal."""

import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from pynamodb.exceptions import UpdateError

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.auth.models import ApiToken, OneTimeToken, RefreshToken, Session
from chalicelib.auth.schemas import (
    ApiTokenCreate,
    ForgotPassword,
    Login,
    PasswordChange,
    RefreshRequest,
    Register,
    ResetPassword,
    VerifyEmail,
)
from chalicelib.billing import service as billing
from chalicelib.core import db, jobs, mail, ratelimit
from chalicelib.core.auth import READ_WRITE, SCOPES, Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import TransactionCancelled, transact
from chalicelib.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from chalicelib.core.http import add_response_headers
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.security import (
    digest,
    hash_password,
    issue_access_token,
    new_secret,
    password_problem,
    read_access_token,
    verify_password,
)
from chalicelib.core.timeutil import epoch_seconds, utcnow
from chalicelib.orgs import service as orgs
from chalicelib.users import service as users

SESSION_DAYS = 30
VERIFY_EMAIL_HOURS = 48
RESET_PASSWORD_MINUTES = 60
LOGIN_WINDOW_SECONDS = 900
# Failed logins per window: per email+IP pair, per IP, per email (high, so a stranger cannot lock anyone out).
LOGIN_LIMITS = {"pair": 5, "ip": 50, "email": 100}
FORGOT_PASSWORD_LIMIT_PER_IP = 10
REGISTER_WINDOW_SECONDS = 3600
# Wrong current passwords per user per login window: a stolen session must not become a password-guessing oracle.
PASSWORD_CHECK_LIMIT = 5
PAT_PREFIX = "stint_pat_"
# The TataTrack document's spelling of the same tokens: `tt_live_<rest>` is `stint_pat_<rest>` (decision 51).
PAT_ALIAS_PREFIX = "tt_live_"
PAT_TOUCH_SECONDS = 300
MAX_API_TOKENS = 25
_ULID_LENGTH = 26
_INVALID_TOKEN = "The token is invalid or has expired."

VERIFY_EMAIL_JOB = "send_verification_email"
RESET_PASSWORD_JOB = "send_password_reset"


@dataclass
class SignedIn:
    """What a successful sign-in hands back."""

    user: object
    org: object
    role: str
    access_token: str
    refresh_token: str
    expires_in: int


# --- sessions ------------------------------------------------------------------------------------------------


def _session_expiry() -> int:
    return epoch_seconds(utcnow() + timedelta(days=SESSION_DAYS))


def _refresh_item(token: str, session: Session) -> RefreshToken:
    pk, sk = RefreshToken.keys(digest(token))
    return RefreshToken(
        PK=pk, SK=sk, session_id=session.id, user_id=session.user_id, status="active", expires_at=session.expires_at
    )


def _new_session(*, user_id: str, org_id: str, actor: Actor) -> tuple[Session, str]:
    session_id, now, token = new_id("ses"), utcnow(), new_secret("stint_rt_")
    pk, sk = Session.keys(user_id, session_id)
    session = Session(
        PK=pk,
        SK=sk,
        id=session_id,
        user_id=user_id,
        org_id=org_id,
        refresh_digest=digest(token),
        user_agent=(actor.user_agent or "")[:500] or None,
        ip_address=actor.ip,
        created_at=now,
        authenticated_at=now,
        last_used_at=now,
        expires_at=_session_expiry(),
    )
    return session, token


def _open_session(tx, session: Session, refresh_token: str) -> None:
    tx.save(session, condition=Session.PK.does_not_exist())
    tx.save(_refresh_item(refresh_token, session), condition=RefreshToken.PK.does_not_exist())


def _signed_in(user, org, role: str, session: Session, refresh_token: str) -> SignedIn:
    access, expires_in = issue_access_token(user_id=user.id, org_id=org.id, session_id=session.id)
    return SignedIn(user, org, role, access, refresh_token, expires_in)


def _session_is_live(session: Session | None, user) -> bool:
    if session is None or session.revoked_at is not None or session.expires_at < epoch_seconds(utcnow()):
        return False
    return user.sessions_valid_after is None or session.authenticated_at >= user.sessions_valid_after


def _require_new_password(password: str, field: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationFailed.field(field, problem)


# --- registration and login ----------------------------------------------------------------------------------


def register(*, body: Register, actor: Actor) -> SignedIn:
    """Create an account and its first organization (owned), sign it in, and email a verification link."""
    limit = get_settings().register_limit_per_ip_per_hour
    ratelimit.count_within(f"register:ip:{actor.ip}", limit=limit, window_seconds=REGISTER_WINDOW_SECONDS)
    _require_new_password(body.password, "password")
    password_hash = hash_password(body.password)
    existing = users.find_by_email(email=body.email)
    if existing is not None and existing.password_hash:
        raise Conflict("An account with this email already exists.")
    user = existing or users.build(user_id=new_id("usr"), email=body.email, name=body.name, password_hash=password_hash)
    user.name = body.name
    workspace = f"{body.name}'s workspace"
    try:
        return _register(user, existing, password_hash, orgs.new_org_for(owner=user, name=workspace), actor)
    except TransactionCancelled as error:
        taken = users.find_by_email(email=body.email)
        if taken is not None and taken.password_hash:
            raise Conflict("An account with this email already exists.") from error
    # Only the workspace slug collided (someone with the same name registered at the same moment).
    org = orgs.new_org_for(owner=user, name=workspace, slug=f"{orgs.slugify(workspace)}-{secrets.token_hex(3)}")
    try:
        return _register(user, existing, password_hash, org, actor)
    except TransactionCancelled as error:
        raise Conflict("An account with this email already exists.") from error


def _register(user, existing, password_hash: str, org, actor: Actor) -> SignedIn:
    session, refresh_token = _new_session(user_id=user.id, org_id=org.id, actor=actor)
    owner_actor = Actor(user.id, actor.ip, actor.user_agent)

    def write(tx) -> None:
        if existing is None:
            users.add(tx, user=user)
        else:  # invited earlier, never set a password: this registration claims the account
            users.claim_pending(tx, user=existing, name=user.name, password_hash=password_hash)
        orgs.add(tx, org=org, owner=user, actor=owner_actor)
        _open_session(tx, session, refresh_token)

    transact(write)
    jobs.enqueue(VERIFY_EMAIL_JOB, {"user_id": user.id})
    return _signed_in(user, org, "owner", session, refresh_token)


def _login_keys(email: str, ip: str | None) -> dict[str, int]:
    ip = ip or "unknown"
    return {
        f"login:pair:{email}:{ip}": LOGIN_LIMITS["pair"],
        f"login:ip:{ip}": LOGIN_LIMITS["ip"],
        f"login:email:{email}": LOGIN_LIMITS["email"],
    }


def login(*, body: Login, actor: Actor) -> SignedIn:
    """Email + password → tokens for the user's default organization. Failures are throttled, not locked."""
    email = users.normalize_email(body.email)
    limits = _login_keys(email, actor.ip)
    ratelimit.ensure_below(limits, window_seconds=LOGIN_WINDOW_SECONDS)
    user = users.find_by_email(email=email)
    member = orgs.default_membership(user_id=user.id) if user else None
    if not verify_password(user.password_hash if user else None, body.password) or member is None:
        for key in limits:
            ratelimit.count(key, window_seconds=LOGIN_WINDOW_SECONDS)
        if member is not None:
            audit.record_now(
                org_id=member.org_id,
                actor=Actor(user.id, actor.ip, actor.user_agent),
                action="login_failed",
                entity_type="user",
                entity_id=user.id,
            )
        raise Unauthorized("Invalid email or password.")
    org = orgs.get_active(org_id=member.org_id)
    session, refresh_token = _new_session(user_id=user.id, org_id=org.id, actor=actor)

    def write(tx) -> None:
        _open_session(tx, session, refresh_token)
        audit.record(
            tx,
            org_id=org.id,
            actor=Actor(user.id, actor.ip, actor.user_agent),
            action="login",
            entity_type="session",
            entity_id=session.id,
        )

    transact(write)
    return _signed_in(user, org, member.role, session, refresh_token)


# --- refresh, logout, switch ---------------------------------------------------------------------------------


def _revoke_family(session: Session, *, actor: Actor, reason: str) -> None:
    def write(tx) -> None:
        tx.update(session, actions=[Session.revoked_at.set(utcnow())], condition=Session.revoked_at.does_not_exist())
        tx.delete(RefreshToken(*RefreshToken.keys(session.refresh_digest)))
        audit.record(tx, org_id=session.org_id, actor=actor, action=reason, entity_type="session", entity_id=session.id)

    with suppress(TransactionCancelled):  # already revoked by a concurrent request: the outcome is the same
        transact(write)


def _rotate(session: Session, *, org_id: str, actor: Actor, old_digest: str | None) -> str:
    """Issue the session's next refresh token (and move it to `org_id`); the previous one becomes reusable-never."""
    token = new_secret("stint_rt_")

    def write(tx) -> None:
        if old_digest:
            tx.update(
                RefreshToken(*RefreshToken.keys(old_digest)),
                actions=[RefreshToken.status.set("rotated")],
                condition=RefreshToken.status == "active",
            )
        tx.save(_refresh_item(token, session), condition=RefreshToken.PK.does_not_exist())
        tx.update(
            session,
            actions=[
                Session.refresh_digest.set(digest(token)),
                Session.org_id.set(org_id),
                Session.last_used_at.set(utcnow()),
                Session.ip_address.set(actor.ip or ""),
            ],
            condition=(Session.refresh_digest == session.refresh_digest) & Session.revoked_at.does_not_exist(),
        )

    try:
        transact(write, attempts=1)
    except TransactionCancelled as error:
        raise Unauthorized(_INVALID_TOKEN) from error
    return token


def refresh(*, body: RefreshRequest, actor: Actor) -> SignedIn:
    """A new access token and a new refresh token; the presented one stops working. Reuse ends the family."""
    old_digest = digest(body.refresh_token)
    stored = RefreshToken.get_or_none(*RefreshToken.keys(old_digest), consistent=True)
    if stored is None or stored.expires_at < epoch_seconds(utcnow()):
        raise Unauthorized(_INVALID_TOKEN)
    session = Session.get_or_none(*Session.keys(stored.user_id, stored.session_id), consistent=True)
    if stored.status != "active":
        if session is not None:
            _revoke_family(
                session, actor=Actor(stored.user_id, actor.ip, actor.user_agent), reason="refresh_token_reused"
            )
        raise Unauthorized(_INVALID_TOKEN)
    user = users.get(user_id=stored.user_id)
    if not _session_is_live(session, user):
        raise Unauthorized(_INVALID_TOKEN)
    member = orgs.membership(org_id=session.org_id, user_id=user.id) or orgs.default_membership(user_id=user.id)
    if member is None:
        raise Unauthorized("This account no longer belongs to any organization.")
    token = _rotate(session, org_id=member.org_id, actor=actor, old_digest=old_digest)
    return _signed_in(user, orgs.get_active(org_id=member.org_id), member.role, session, token)


def logout(*, principal: Principal, body: RefreshRequest) -> None:
    """End the session the refresh token belongs to (it must be the caller's)."""
    stored = RefreshToken.get_or_none(*RefreshToken.keys(digest(body.refresh_token)), consistent=True)
    if stored is None or stored.user_id != principal.user_id:
        raise Unauthorized(_INVALID_TOKEN)
    session = Session.get_or_none(*Session.keys(stored.user_id, stored.session_id), consistent=True)
    if session is not None and session.revoked_at is None:
        _revoke_family(session, actor=Actor.of(principal), reason="logout")


def logout_current(*, principal: Principal) -> None:
    """End the session the caller's access token belongs to (a personal API token has none: 400)."""
    if principal.session_id is None:
        raise ValidationFailed.field("refresh_token", "is required to sign out with an API token")
    session = Session.get_or_none(*Session.keys(principal.user_id, principal.session_id), consistent=True)
    if session is not None and session.revoked_at is None:
        _revoke_family(session, actor=Actor.of(principal), reason="logout")


def switch_organization(*, principal: Principal, org_id: str, actor: Actor) -> SignedIn:
    """Tokens for another org the caller belongs to, continuing the same session."""
    org, role = orgs.get(principal=principal, org_id=org_id)
    user = users.get(user_id=principal.user_id)
    if principal.session_id is None:
        raise ValidationFailed("Switching organizations needs a signed-in session, not an API token.")
    session = Session.get_or_none(*Session.keys(user.id, principal.session_id), consistent=True)
    if not _session_is_live(session, user):
        raise Unauthorized(_INVALID_TOKEN)
    token = _rotate(session, org_id=org.id, actor=actor, old_digest=session.refresh_digest)
    return _signed_in(user, org, role, session, token)


def list_sessions(*, principal: Principal) -> list[Session]:
    """The caller's live sessions, newest first."""
    user = users.get(user_id=principal.user_id)
    sessions = Session.query(f"USER#{user.id}", Session.SK.startswith(Session.SK_PREFIX), scan_index_forward=False)
    return [s for s in sessions if _session_is_live(s, user)]


def revoke_session(*, principal: Principal, session_id: str) -> None:
    """End one of the caller's live sessions; one that is unknown or already ended (revoked, expired, or cut
    off by a password change or reset) is a 404, as `GET /auth/sessions` no longer lists it."""
    session = Session.get_or_none(*Session.keys(principal.user_id, session_id)) if is_id(session_id, "ses") else None
    if session is None or not _session_is_live(session, users.get(user_id=principal.user_id)):
        raise NotFound("Session not found.")
    _revoke_family(session, actor=Actor.of(principal), reason="session_revoked")


def revoke_other_sessions(*, principal: Principal) -> int:
    """End every session of the caller except the current one; returns how many."""
    others = [s for s in list_sessions(principal=principal) if s.id != principal.session_id]
    for session in others:
        _revoke_family(session, actor=Actor.of(principal), reason="session_revoked")
    return len(others)


# --- passwords and emailed tokens ----------------------------------------------------------------------------


def _issue_one_time_token(*, purpose: str, user_id: str, lifetime: timedelta) -> str:
    token = new_secret()
    pk, sk = OneTimeToken.keys(digest(token))
    now = utcnow()
    OneTimeToken(
        PK=pk, SK=sk, purpose=purpose, user_id=user_id, issued_at=now, expires_at=epoch_seconds(now + lifetime)
    ).save()
    return token


def _use_one_time_token(token: str, purpose: str) -> OneTimeToken:
    stored = OneTimeToken.get_or_none(*OneTimeToken.keys(digest(token)), consistent=True)
    if stored is None or stored.purpose != purpose or stored.expires_at < epoch_seconds(utcnow()):
        raise ValidationFailed.field("token", "is invalid or has expired")
    return stored


def forgot_password(*, body: ForgotPassword, actor: Actor) -> None:
    """Queue a reset email; the answer never says whether the account exists."""
    ratelimit.ensure_below({f"forgot:ip:{actor.ip}": FORGOT_PASSWORD_LIMIT_PER_IP}, window_seconds=900)
    ratelimit.count(f"forgot:ip:{actor.ip}", window_seconds=900)
    jobs.enqueue(RESET_PASSWORD_JOB, {"email": users.normalize_email(body.email)})


def reset_password(*, body: ResetPassword) -> None:
    """Set a new password with an emailed token (single use); every session of the account ends."""
    stored = _use_one_time_token(body.token, "reset_password")
    user = users.get(user_id=stored.user_id)
    if user.sessions_valid_after is not None and stored.issued_at < user.sessions_valid_after:
        # Sent before the password last changed (a reset or a change): that link is stale, like the old sessions.
        raise ValidationFailed.field("token", "is invalid or has expired")
    _require_new_password(body.password, "password")
    password_hash = hash_password(body.password)

    def write(tx) -> None:
        tx.delete(stored, condition=OneTimeToken.PK.exists())
        users.set_password(tx, user=user, password_hash=password_hash, sessions_valid_after=utcnow())

    try:
        transact(write)
    except TransactionCancelled as error:
        raise ValidationFailed.field("token", "is invalid or has expired") from error


def verify_email(*, body: VerifyEmail) -> None:
    """Mark the account's email verified with the emailed token (single use)."""
    stored = _use_one_time_token(body.token, "verify_email")
    try:
        transact(lambda tx: tx.delete(stored, condition=OneTimeToken.PK.exists()), attempts=1)
    except TransactionCancelled as error:
        raise ValidationFailed.field("token", "is invalid or has expired") from error
    users.mark_email_verified(user_id=stored.user_id)


def change_password(*, principal: Principal, body: PasswordChange) -> None:
    """Change the caller's password; their other sessions end, this one stays. Wrong guesses are throttled."""
    checks = f"password_check:user:{principal.user_id}"
    ratelimit.ensure_below({checks: PASSWORD_CHECK_LIMIT}, window_seconds=LOGIN_WINDOW_SECONDS)
    user = users.get(user_id=principal.user_id)
    if not verify_password(user.password_hash, body.current_password):
        ratelimit.count(checks, window_seconds=LOGIN_WINDOW_SECONDS)
        raise ValidationFailed.field("current_password", "is incorrect")
    _require_new_password(body.new_password, "new_password")
    now = utcnow()
    password_hash = hash_password(body.new_password)

    def write(tx) -> None:
        users.set_password(tx, user=user, password_hash=password_hash, sessions_valid_after=now)
        if principal.session_id:
            tx.update(
                Session(*Session.keys(user.id, principal.session_id)),
                actions=[Session.authenticated_at.set(now)],
                condition=Session.PK.exists(),
            )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="password_changed",
            entity_type="user",
            entity_id=user.id,
        )

    transact(write)


def _link(path: str, token: str) -> str:
    return f"{get_settings().public_base_url}{path}?token={token}"


@jobs.job(VERIFY_EMAIL_JOB)
def _send_verification_email(payload: dict) -> None:
    user = users.get(user_id=payload["user_id"])
    if user.email_verified_at is not None:
        return
    token = _issue_one_time_token(purpose="verify_email", user_id=user.id, lifetime=timedelta(hours=VERIFY_EMAIL_HOURS))
    link = _link("/verify-email", token)
    mail.send_email(
        to=[user.email],
        subject="Verify your email for Stint",
        text=f"Hi {user.name},\n\nConfirm your email address: {link}\n\nToken: {token}\n",
        html=f'<p>Hi {escape(user.name)},</p><p><a href="{escape(link)}">Confirm your email address</a></p>',
    )


@jobs.job(RESET_PASSWORD_JOB)
def _send_password_reset(payload: dict) -> None:
    user = users.find_by_email(email=payload["email"])
    if user is None or not user.password_hash:
        return
    token = _issue_one_time_token(
        purpose="reset_password", user_id=user.id, lifetime=timedelta(minutes=RESET_PASSWORD_MINUTES)
    )
    link = _link("/reset-password", token)
    mail.send_email(
        to=[user.email],
        subject="Reset your Stint password",
        text=f"Hi {user.name},\n\nReset your password within the hour: {link}\n\nToken: {token}\n",
        html=f'<p>Hi {escape(user.name)},</p><p><a href="{escape(link)}">Reset your password</a> within the hour.</p>',
    )


# --- invitations ---------------------------------------------------------------------------------------------


def accept_invitation(*, token: str, name: str | None, password: str | None, actor: Actor) -> SignedIn:
    """Join an org with an invitation; signs the user in to that org.

    The invitation was emailed to the address, so accepting proves it is owned: an account that has no password,
    or whose password was set by someone who never proved the address (unverified), sets a new one here, and
    every earlier session of that account ends — a squatter's password never survives the real owner.
    """
    invite_item, member = orgs.invitation(token=token)
    user = users.get(user_id=member.user_id)
    replaces_password = bool(user.password_hash) and user.email_verified_at is None
    password_hash = None
    if not user.password_hash or replaces_password:
        if password is None:
            raise ValidationFailed.field("password", "is required to set your account's password")
        _require_new_password(password, "password")
        password_hash = hash_password(password)
    session, refresh_token = _new_session(user_id=user.id, org_id=member.org_id, actor=actor)
    member_actor = Actor(user.id, actor.ip, actor.user_agent)

    def write(tx) -> None:
        if replaces_password:
            users.set_password(
                tx, user=user, password_hash=password_hash, sessions_valid_after=session.authenticated_at
            )
        elif password_hash:
            users.claim_pending(tx, user=user, name=name or user.name, password_hash=password_hash)
        orgs.accept(tx, invite_item=invite_item, member=member, actor=member_actor)
        _open_session(tx, session, refresh_token)

    try:
        transact(write)
    except TransactionCancelled as error:
        billing.raise_if_over_limit(error, org_id=member.org_id, resource="members")
        raise NotFound("This invitation is invalid or has expired.") from error
    users.mark_email_verified(user_id=user.id)
    return _signed_in(
        users.get(user_id=user.id), orgs.get_active(org_id=member.org_id), member.role, session, refresh_token
    )


# --- personal API tokens -------------------------------------------------------------------------------------


def create_api_token(*, principal: Principal, body: ApiTokenCreate) -> tuple[ApiToken, str]:
    """A personal API token for the caller in the current org; the secret is returned once, never stored."""
    if body.expires_at is not None and body.expires_at <= utcnow():
        raise ValidationFailed.field("expires_at", "must be in the future")
    scopes = _granted_scopes(principal, body)
    existing = list(ApiToken.gsi1.query(ApiToken.owner_partition(principal.org_id, principal.user_id)))
    if len(existing) >= MAX_API_TOKENS:
        raise Conflict(f"A user may hold at most {MAX_API_TOKENS} API tokens per organization.")
    org_ulid, user_ulid = principal.org_id.split("_", 1)[1], principal.user_id.split("_", 1)[1]
    secret = new_secret(f"{PAT_PREFIX}{org_ulid}{user_ulid}")
    pk, sk = ApiToken.keys(digest(secret))
    token = ApiToken(
        PK=pk,
        SK=sk,
        id=new_id("pat"),
        user_id=principal.user_id,
        org_id=principal.org_id,
        name=body.name,
        prefix=secret[: len(PAT_PREFIX) + 6],
        access=body.access,
        scopes=scopes,
        created_at=utcnow(),
        expires_at=epoch_seconds(body.expires_at) if body.expires_at else None,
    )
    token.GSI1PK, token.GSI1SK = ApiToken.owner_partition(principal.org_id, principal.user_id), token.id

    def write(tx) -> None:
        tx.save(token, condition=ApiToken.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="api_token",
            entity_id=token.id,
            changes={
                "name": {"from": None, "to": token.name},
                "access": {"from": None, "to": token.access},
                **({"scopes": {"from": None, "to": scopes}} if scopes else {}),
            },
        )

    transact(write)
    return token, secret


def _granted_scopes(principal: Principal, body: ApiTokenCreate) -> list[str]:
    """The new token's scopes, in catalogue order (empty: every resource); never wider than a calling token's."""
    wanted = [scope for scope in SCOPES if scope in (body.scopes or ())]
    if principal.scopes is None:  # a session, or an unscoped token
        return wanted
    if not wanted:
        return list(principal.scopes)
    beyond = [scope for scope in wanted if scope not in principal.scopes]
    if beyond:
        raise Forbidden(
            f"This API token cannot grant scopes it does not have: {', '.join(beyond)}.",
            details=[{"field": "scopes", "message": f"includes {', '.join(beyond)}, beyond the calling token's"}],
        )
    return wanted


def list_api_tokens(*, principal: Principal) -> list[ApiToken]:
    """The caller's API tokens in the current org (no secrets)."""
    return list(ApiToken.gsi1.query(ApiToken.owner_partition(principal.org_id, principal.user_id)))


def revoke_api_token(*, principal: Principal, token_id: str) -> None:
    """Delete one of the caller's API tokens."""
    token = None
    if is_id(token_id, "pat"):
        partition = ApiToken.owner_partition(principal.org_id, principal.user_id)
        token = next(iter(ApiToken.gsi1.query(partition, token_id == ApiToken.GSI1SK)), None)
    if token is None:
        raise NotFound("API token not found.")

    def write(tx) -> None:
        tx.delete(token, condition=ApiToken.PK.exists())
        audit.record(
            tx, org_id=principal.org_id, actor=principal, action="revoked", entity_type="api_token", entity_id=token.id
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("API token not found.") from error


# --- authentication ------------------------------------------------------------------------------------------


def _bearer(authorization: str | None) -> str:
    scheme, _, credential = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthorized("Missing or invalid bearer token.")
    return credential.strip()


def _touch_api_token(token: ApiToken, now: datetime) -> None:
    """Record a use; a token revoked since it was read stays deleted (the update must not recreate it)."""
    try:
        token.update(actions=[ApiToken.last_used_at.set(now)], condition=ApiToken.PK.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Unauthorized("Missing or invalid bearer token.") from error
        raise


Prefetch = Callable[[str, str], list[tuple[str, str]]]  # (org_id, user_id) → keys


def _metered(
    credential: str, principal_of, *keys: tuple[str, str], org_id: str, user_id: str, prefetch: Prefetch | None
) -> Principal:
    """Read `keys`, the credential's rate counter and what the route will read in one BatchGetItem.

    The route's items (`prefetch(org_id, user_id)`, in the credential's org) are kept for the request only once the
    credential resolves to a principal.
    """
    window = ratelimit.requests_per_credential.window(credential)
    ahead = prefetch(org_id, user_id) if prefetch else []
    found = db.batch_read([*keys, window.keys, *ahead])
    items, counter = [found[key] for key in keys], found[window.keys]
    principal = principal_of(*items)
    db.remember({key: found[key] for key in ahead})
    usage = ratelimit.requests_per_credential.record(
        window, stored=int(counter.count) if counter else 0, limit=get_settings().api_rate_limit_per_minute
    )
    add_response_headers(usage.headers())
    return principal


def _api_token_principal(secret: str, actor: Actor, prefetch: Prefetch | None) -> Principal:
    ids = secret[len(PAT_PREFIX) :]
    if len(ids) <= 2 * _ULID_LENGTH:
        raise Unauthorized("Missing or invalid bearer token.")
    org_id, user_id = f"org_{ids[:_ULID_LENGTH]}", f"usr_{ids[_ULID_LENGTH : 2 * _ULID_LENGTH]}"
    secret_digest = digest(secret)
    return _metered(
        f"pat:{secret_digest}",
        lambda token, member: _api_token_checked(token, member, org_id, user_id, actor),
        ApiToken.keys(secret_digest),
        orgs.membership_keys(org_id=org_id, user_id=user_id),
        org_id=org_id,
        user_id=user_id,
        prefetch=prefetch,
    )


def _api_token_checked(token, member, org_id: str, user_id: str, actor: Actor) -> Principal:
    now = utcnow()
    if (
        token is None
        or token.org_id != org_id
        or token.user_id != user_id
        or (token.expires_at is not None and token.expires_at < epoch_seconds(now))
    ):
        raise Unauthorized("Missing or invalid bearer token.")
    # A token older than the membership was issued under an earlier one, ended by removal: it stays dead.
    if member is None or member.status != "active" or member.created_at > token.created_at:
        raise Unauthorized("This token's user is no longer a member of the organization.")
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > PAT_TOUCH_SECONDS:
        _touch_api_token(token, now)
    return Principal(
        user_id=user_id,
        org_id=org_id,
        role=member.role,
        token_id=token.id,
        ip=actor.ip,
        user_agent=actor.user_agent,
        access=token.access or READ_WRITE,  # a token made before decision 94 has neither: read_write, every scope
        scopes=tuple(token.scopes) if token.scopes else None,
    )


def _access_token_principal(token: str, actor: Actor, prefetch: Prefetch | None) -> Principal:
    claims = read_access_token(token)
    user_id, org_id, session_id = claims["sub"], claims["org"], claims["sid"]
    return _metered(
        f"session:{session_id}",
        lambda member, session, user: _session_checked(member, session, user, claims, actor),
        orgs.membership_keys(org_id=org_id, user_id=user_id),
        Session.keys(user_id, session_id),
        users.record_keys(user_id=user_id),
        org_id=org_id,
        user_id=user_id,
        prefetch=prefetch,
    )


def _session_checked(member, session, user, claims: dict, actor: Actor) -> Principal:
    user_id, org_id, session_id = claims["sub"], claims["org"], claims["sid"]
    if user is None or not _session_is_live(session, user):
        raise Unauthorized("The session has ended; sign in again.")
    if member is None or member.status != "active":
        raise Unauthorized("You are no longer a member of this organization.")
    return Principal(
        user_id=user_id,
        org_id=org_id,
        role=member.role,
        session_id=session_id,
        ip=actor.ip,
        user_agent=actor.user_agent,
    )


def api_token_alias(secret: str) -> str:
    """A personal API token as the TataTrack surface shows it (`tt_live_…`); the same credential."""
    return PAT_ALIAS_PREFIX + secret.removeprefix(PAT_PREFIX)


def authenticate(*, authorization: str | None, actor: Actor, prefetch: Prefetch | None = None) -> Principal:
    """The principal behind an `Authorization: Bearer …` header (access JWT or API token), or 401.

    `prefetch(org_id, user_id)` names items of the caller's org the route is about to read: they come in the same
    BatchGetItem as the credential (core.db prefetch).
    """
    credential = _bearer(authorization)
    if credential.startswith(PAT_ALIAS_PREFIX):
        credential = PAT_PREFIX + credential.removeprefix(PAT_ALIAS_PREFIX)
    if credential.startswith(PAT_PREFIX):
        return _api_token_principal(credential, actor, prefetch)
    return _access_token_principal(credential, actor, prefetch)
