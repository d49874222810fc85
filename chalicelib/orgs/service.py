"""Organizations, memberships and invitations."""

import re
import secrets
from datetime import timedelta
from functools import reduce
from html import escape
from operator import and_

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.billing import service as billing
from chalicelib.core import events, jobs, mail, sync
from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import Item, TransactionCancelled, transaction
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.security import digest, new_secret
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import epoch_seconds, utcnow
from chalicelib.orgs.models import Invitation, Membership, Organization, SlugClaim
from chalicelib.orgs.schemas import MemberFilters, MemberInvite, MemberUpdate, OrgCreate, OrgUpdate
from chalicelib.users import service as users

INVITATION_DAYS = 7
DELETE_ORG_JOB = "delete_organization"
INVITATION_EMAIL_JOB = "send_invitation_email"


# --- organizations -------------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """A URL-friendly slug from a name (`Acme Corp!` → `acme-corp`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return slug if len(slug) >= 3 else f"org-{slug}".strip("-")


def _available_slug(name: str) -> str:
    base = slugify(name)
    if SlugClaim.get_or_none(*SlugClaim.keys(base)) is None:
        return base
    return f"{base}-{secrets.token_hex(3)}"


def build(*, name: str, slug: str, owner_id: str) -> Organization:
    """A new, unsaved organization."""
    org_id, now = new_id("org"), utcnow()
    pk, sk = Organization.keys(org_id)
    return Organization(
        PK=pk, SK=sk, id=org_id, name=name, slug=slug, owner_id=owner_id, settings={}, created_at=now, updated_at=now
    )


def build_membership(
    *, org_id: str, user, role: str, status: str, invite_digest: str | None = None, invited_by: str | None = None
) -> Membership:
    """A new, unsaved membership of `user` in the org."""
    now = utcnow()
    pk, sk = Membership.keys(org_id, user.id)
    member = Membership(
        PK=pk,
        SK=sk,
        id=new_id("mem"),
        org_id=org_id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=role,
        status=status,
        invite_digest=invite_digest,
        invited_by=invited_by,
        created_at=now,
        updated_at=now,
    )
    member.index()
    return member


def add(tx, *, org: Organization, owner, actor: Actor) -> None:
    """Save a new org, its slug and its owner's membership in `tx`."""
    tx.save(org, condition=Organization.PK.does_not_exist())
    slug_pk, slug_sk = SlugClaim.keys(org.slug)
    tx.save(SlugClaim(PK=slug_pk, SK=slug_sk, org_id=org.id), condition=SlugClaim.PK.does_not_exist())
    tx.save(build_membership(org_id=org.id, user=owner, role="owner", status="active"))
    billing.open_account(tx, org_id=org.id)
    audit.record(
        tx,
        org_id=org.id,
        actor=actor,
        action="created",
        entity_type="organization",
        entity_id=org.id,
        changes={"name": {"from": None, "to": org.name}, "slug": {"from": None, "to": org.slug}},
    )


def new_org_for(*, owner, name: str, slug: str | None = None) -> Organization:
    """An unsaved org for `owner`, with the requested slug or a free one derived from the name."""
    return build(name=name, slug=slug or _available_slug(name), owner_id=owner.id)


def create(*, principal: Principal, body: OrgCreate) -> Organization:
    """A new organization owned by the caller."""
    owner = users.get(user_id=principal.user_id)
    org = new_org_for(owner=owner, name=body.name, slug=body.slug)
    try:
        with transaction() as tx:
            add(tx, org=org, owner=owner, actor=Actor.of(principal))
    except TransactionCancelled as error:
        raise Conflict(f"The slug '{org.slug}' is already taken.") from error
    return org


def membership(*, org_id: str, user_id: str) -> Membership | None:
    """The user's active membership of the org, or None."""
    member = Membership.get_or_none(*Membership.keys(org_id, user_id))
    return member if member is not None and member.status == "active" else None


def membership_keys(*, org_id: str, user_id: str) -> tuple[str, str]:
    """Where a membership is stored (for callers that batch their reads)."""
    return Membership.keys(org_id, user_id)


def default_membership(*, user_id: str) -> Membership | None:
    """The user's oldest active membership: the org they land in after login."""
    for member in Membership.gsi1.query(Membership.user_partition(user_id)):
        if member.status == "active":
            return member
    return None


def _active_org(org_id: str, *, consistent: bool = False) -> Organization:
    org = Organization.get_or_none(*Organization.keys(org_id), consistent=consistent) if is_id(org_id, "org") else None
    if org is None or org.status != "active":
        raise NotFound("Organization not found.")
    return org


def _visible(principal: Principal, org_id: str) -> bool:
    """Whether the credential may see this org at all: a personal API token sees only the org it was made in."""
    return is_id(org_id, "org") and (principal.token_id is None or org_id == principal.org_id)


def _org_for_member(principal: Principal, org_id: str) -> tuple[Organization, Membership]:
    member = membership(org_id=org_id, user_id=principal.user_id) if _visible(principal, org_id) else None
    if member is None:
        raise NotFound("Organization not found.")
    return _active_org(org_id), member


def get(*, principal: Principal, org_id: str) -> tuple[Organization, str]:
    """An org the caller belongs to, with the caller's role in it."""
    org, member = _org_for_member(principal, org_id)
    return org, member.role


def get_active(*, org_id: str) -> Organization:
    """An active organization by id (for other domains), or 404."""
    return _active_org(org_id)


def set_logo(tx, *, org: Organization, key: str | None, url: str | None) -> None:
    """Point the org at a new logo image (or none) in `tx`, guarded by the org's version."""
    if key:
        actions = [Organization.logo_key.set(key), Organization.logo_url.set(url)]
    else:
        actions = [Organization.logo_key.remove(), Organization.logo_url.remove()]
    tx.update(org, actions=[*actions, Organization.updated_at.set(utcnow())], condition=Organization.status == "active")


def list_for_user(*, user_id: str) -> list[tuple[Organization, str]]:
    """Every active org the user belongs to, oldest first, with their role."""
    members = [m for m in Membership.gsi1.query(Membership.user_partition(user_id)) if m.status == "active"]
    orgs = {org.id: org for org in Item.batch_get([Organization.keys(m.org_id) for m in members])}
    return [(orgs[m.org_id], m.role) for m in members if m.org_id in orgs and orgs[m.org_id].status == "active"]


def list_visible(*, principal: Principal) -> list[tuple[Organization, str]]:
    """The orgs the caller's credential may see, with their role: all of the user's, or an API token's one."""
    if principal.token_id is not None:
        return [get(principal=principal, org_id=principal.org_id)]
    return list_for_user(user_id=principal.user_id)


def update(*, principal: Principal, org_id: str, changes: OrgUpdate) -> tuple[Organization, str]:
    """Rename, re-slug or change settings (admins); the org as it now is, with the caller's role."""
    org, member = _org_for_member(principal, org_id)
    if member.role not in ("owner", "admin"):
        raise Forbidden("This action requires the admin or owner role.")
    fields = changes.model_dump(exclude_unset=True, exclude_none=True)
    before = {"name": org.name, "slug": org.slug, "settings": org.settings}
    after = dict(before)
    if "name" in fields:
        after["name"] = fields["name"]
    if "slug" in fields:
        after["slug"] = fields["slug"]
    if "settings" in fields:
        settings = {**(org.settings or {}), **changes.settings.model_dump(exclude_unset=True)}
        after["settings"] = {key: value for key, value in settings.items() if value is not None}  # null clears
    changed = audit.diff(before, after)
    if not changed:
        return org, member.role
    actor = Actor(principal.user_id, principal.ip, principal.user_agent)
    try:
        with transaction() as tx:
            tx.update(
                org,
                actions=[
                    Organization.name.set(after["name"]),
                    Organization.slug.set(after["slug"]),
                    Organization.settings.set(after["settings"]),
                    Organization.updated_at.set(utcnow()),
                ],
            )
            if "slug" in changed:
                new_pk, new_sk = SlugClaim.keys(after["slug"])
                tx.save(SlugClaim(PK=new_pk, SK=new_sk, org_id=org.id), condition=SlugClaim.PK.does_not_exist())
                tx.delete(SlugClaim(*SlugClaim.keys(org.slug)))
            audit.record(
                tx,
                org_id=org.id,
                actor=actor,
                action="updated",
                entity_type="organization",
                entity_id=org.id,
                changes=changed,
            )
    except TransactionCancelled as error:
        if "slug" in changed and error.failed(*SlugClaim.keys(after["slug"])):
            raise Conflict(f"The slug '{after['slug']}' is already taken.") from error
        raise Conflict("The organization was changed by someone else; retry.") from error
    return _active_org(org_id, consistent=True), member.role  # read-after-write: the new values


def delete(*, principal: Principal, org_id: str) -> None:
    """Start deleting an org and all its data (owner only); the data goes in a background job."""
    org, member = _org_for_member(principal, org_id)
    if member.role != "owner":
        raise Forbidden("This action requires the owner role.")
    with transaction() as tx:
        tx.update(
            org,
            actions=[Organization.status.set("deleting"), Organization.updated_at.set(utcnow())],
            condition=Organization.status == "active",
        )
        tx.delete(SlugClaim(*SlugClaim.keys(org.slug)))
    jobs.enqueue(DELETE_ORG_JOB, {"org_id": org.id})


@jobs.job(DELETE_ORG_JOB)
def _delete_organization_data(payload: dict) -> None:
    """Delete every item in the org's partition (a Query, page by page), then the org itself."""
    org_id = payload["org_id"]
    billing.end_subscription_of_deleted_org(org_id=org_id)  # before its account item goes with the partition
    org_pk, org_sk = Organization.keys(org_id)
    # No sync tombstones: no credential reaches a deleted org, so no client could ever read them (docs/sync.md).
    with Item.batch_write(companions=False) as batch:
        for item in Item.query(org_pk):
            if isinstance(item, Membership):
                _delete_member_extras(batch, item)
            if org_sk != item.SK:
                batch.delete(item)
    org = Organization.get_or_none(org_pk, org_sk)
    if org is not None:
        org.delete()


def _delete_member_extras(batch, member: Membership) -> None:
    if member.invite_digest:
        batch.delete(Invitation(*Invitation.keys(member.invite_digest)))
    # The batch writes no org tombstones; the member's own clients still learn the org is gone (docs/sync.md).
    batch.save(sync.lost_organization(user_id=member.user_id, org_id=member.org_id))


def transfer_ownership(*, principal: Principal, org_id: str, user_id: str) -> Organization:
    """Make another active member the owner; the current owner becomes an admin."""
    org, member = _org_for_member(principal, org_id)
    if member.role != "owner":
        raise Forbidden("This action requires the owner role.")
    target = membership(org_id=org_id, user_id=user_id) if is_id(user_id, "usr") else None
    if target is None:
        raise ValidationFailed.field("user_id", "must be an active member of the organization")
    if target.user_id == principal.user_id:
        raise ValidationFailed.field("user_id", "is already the owner")
    now = utcnow()
    try:
        with transaction() as tx:
            tx.update(
                org,
                actions=[Organization.owner_id.set(target.user_id), Organization.updated_at.set(now)],
                condition=Organization.owner_id == principal.user_id,
            )
            tx.update(
                member,
                actions=[Membership.role.set("admin"), Membership.updated_at.set(now)],
                condition=Membership.role == "owner",
            )
            tx.update(
                target,
                actions=[Membership.role.set("owner"), Membership.updated_at.set(now)],
                condition=Membership.status == "active",
            )
            audit.record(
                tx,
                org_id=org.id,
                actor=principal,
                action="ownership_transferred",
                entity_type="organization",
                entity_id=org.id,
                changes={"owner_id": {"from": principal.user_id, "to": target.user_id}},
            )
    except TransactionCancelled as error:
        raise Conflict("Ownership changed concurrently; retry.") from error
    return _active_org(org_id, consistent=True)


# --- members -------------------------------------------------------------------------------------------------


def _member_or_404(principal: Principal, member_id: str) -> Membership:
    found = None
    if is_id(member_id, "mem"):
        found = next(iter(Membership.gsi2.query(Membership.id_partition(member_id), limit=1)), None)
    if found is None or found.org_id != principal.org_id:
        raise NotFound("Member not found.")
    member = Membership.get_or_none(found.PK, found.SK, consistent=True)
    if member is None:
        raise NotFound("Member not found.")
    return member


def member_for_user(*, principal: Principal, user_id: str) -> Membership:
    """The caller's org's membership (active or invited) of a user, by user id, or 404."""
    member = Membership.get_or_none(*Membership.keys(principal.org_id, user_id)) if is_id(user_id, "usr") else None
    if member is None:
        raise NotFound("Member not found.")
    return member


def memberships(*, org_id: str, user_ids: set[str]) -> dict[str, Membership]:
    """The org's memberships of these users, by user id (one BatchGet per 100; non-members are left out)."""
    keys = [Membership.keys(org_id, user_id) for user_id in sorted(user_ids) if is_id(user_id, "usr")]
    found: dict[str, Membership] = {}
    for start in range(0, len(keys), 100):
        for item in Item.batch_get(keys[start : start + 100]):
            if isinstance(item, Membership):
                found[item.user_id] = item
    return found


def list_members(
    *, principal: Principal, filters: MemberFilters, limit: int, cursor: str | None = None, offset: int = 0
) -> Page:
    """The org's members (active and invited), oldest first."""
    term = filters.search.lower() if filters.search else None
    condition = all_of(
        [
            Membership.role == filters.role if filters.role else None,
            Membership.email.contains(term) | Membership.name_lower.contains(term) if term else None,
            changed_since(Membership, filters.updated_since),
        ]
    )
    pk = Membership.keys(principal.org_id, "")[0]
    return query_page(
        Membership,
        pk,
        range_key_condition=Membership.SK.startswith(Membership.SK_PREFIX),
        filter_condition=condition,
        limit=limit,
        cursor=cursor,
        offset=offset,
        newest_first=False,
        scope=f"{principal.org_id}:members",
    )


def _new_invitation(member: Membership) -> tuple[str, Invitation]:
    token = new_secret("inv_")
    expires = epoch_seconds(utcnow() + timedelta(days=INVITATION_DAYS))
    pk, sk = Invitation.keys(digest(token))
    return token, Invitation(
        PK=pk,
        SK=sk,
        org_id=member.org_id,
        user_id=member.user_id,
        email=member.email,
        role=member.role,
        expires_at=expires,
    )


def invite(*, principal: Principal, body: MemberInvite) -> Membership:
    """Invite someone by email (admins); they get an email with a single-use link valid for 7 days."""
    principal.require_admin()
    org = _active_org(principal.org_id)
    user = users.find_by_email(email=body.email)
    new_user = user is None
    if new_user:
        name = body.name or body.email.split("@")[0]
        user = users.build(user_id=new_id("usr"), email=body.email, name=name, password_hash=None)
    member = build_membership(org_id=org.id, user=user, role=body.role, status="invited", invited_by=principal.user_id)
    token, invitation = _new_invitation(member)
    member.invite_digest = digest(token)
    try:
        with transaction() as tx:
            if new_user:
                users.add(tx, user=user)
            tx.save(member, condition=Membership.PK.does_not_exist())
            billing.consume(tx, org_id=org.id, resource="members")  # invitations take a seat
            tx.save(invitation)
            audit.record(
                tx,
                org_id=org.id,
                actor=principal,
                action="invited",
                entity_type="member",
                entity_id=member.id,
                changes={"email": {"from": None, "to": member.email}, "role": {"from": None, "to": member.role}},
            )
            # The welcome the invitee finds in the app; the email with the secret link is the job below.
            events.emit(
                tx,
                org_id=org.id,
                type="member_invited",
                actor_id=principal.user_id,
                recipients=[member.user_id],
                data={"member_id": member.id, "org_name": org.name, "role": member.role},
            )
    except TransactionCancelled as error:
        billing.raise_if_over_limit(error, org_id=org.id, resource="members")
        raise Conflict(f"{body.email} is already a member or has a pending invitation.") from error
    _send_invitation(org, member, token, principal)
    return member


def _send_invitation(org: Organization, member: Membership, token: str, principal: Principal) -> None:
    jobs.enqueue(
        INVITATION_EMAIL_JOB,
        {"email": member.email, "org_name": org.name, "token": token, "inviter_id": principal.user_id},
    )


@jobs.job(INVITATION_EMAIL_JOB)
def _send_invitation_email(payload: dict) -> None:
    inviter = users.get(user_id=payload["inviter_id"])
    link = f"{get_settings().public_base_url}/accept-invite?token={payload['token']}"
    org_name = payload["org_name"]
    mail.send_email(
        to=[payload["email"]],
        subject=f"{inviter.name} invited you to {org_name} on Stint",
        text=f"{inviter.name} invited you to join {org_name} on Stint.\n\nAccept within {INVITATION_DAYS} days: "
        f"{link}\n",
        html=f"<p>{escape(inviter.name)} invited you to join <b>{escape(org_name)}</b> on Stint.</p>"
        f'<p><a href="{escape(link)}">Accept the invitation</a> within {INVITATION_DAYS} days.</p>',
    )


def resend_invite(*, principal: Principal, member_id: str) -> Membership:
    """A fresh invitation link for a pending member; the previous link stops working."""
    principal.require_admin()
    member = _member_or_404(principal, member_id)
    if member.status != "invited":
        raise Conflict("This member has already joined.")
    token, invitation = _new_invitation(member)
    try:
        with transaction() as tx:
            tx.update(
                member,
                actions=[Membership.invite_digest.set(digest(token)), Membership.updated_at.set(utcnow())],
                condition=Membership.invite_digest == member.invite_digest,
            )
            tx.save(invitation)
            if member.invite_digest:
                tx.delete(Invitation(*Invitation.keys(member.invite_digest)))
            audit.record(
                tx,
                org_id=member.org_id,
                actor=principal,
                action="invite_resent",
                entity_type="member",
                entity_id=member.id,
            )
    except TransactionCancelled as error:
        raise Conflict("The invitation changed concurrently; retry.") from error
    _send_invitation(_active_org(member.org_id), member, token, principal)
    return member


_MEMBER_RATES = ("hourly_rate", "cost_rate")


def _unchanged_since_read(member: Membership, names) -> object:
    """A condition that the named attributes still hold what was read (None: still absent)."""
    clauses = []
    for name in names:
        attribute, value = getattr(Membership, name), getattr(member, name)
        clauses.append(attribute.does_not_exist() if value is None else attribute == value)
    return reduce(and_, clauses)


def update_member(*, principal: Principal, member_id: str, body: MemberUpdate) -> Membership:
    """Change a member's role (admin or member) and/or billing and cost rates (admins).

    The owner's role only changes by transfer; the owner's rates may be set like anyone's.
    """
    principal.require_admin()
    member = _member_or_404(principal, member_id)
    wanted = body.model_dump(exclude_unset=True)
    if "role" in wanted and member.role == "owner" and wanted["role"] != "owner":
        raise Conflict("The owner's role cannot be changed; transfer ownership instead.")
    before = {name: getattr(member, name) for name in wanted}
    before.update({name: int(before[name]) for name in _MEMBER_RATES if before.get(name) is not None})
    changed = audit.diff(before, wanted)
    if not changed:
        return member
    actions = [
        getattr(Membership, name).set(wanted[name]) if wanted[name] is not None else getattr(Membership, name).remove()
        for name in changed
    ]
    rate_changes = []
    if set(_MEMBER_RATES) & changed.keys():  # with a dated rate history, a new rate from today (docs/rates.md)
        from chalicelib.rates import service as rate_history  # it reads members: imported when needed

        rate_changes = [
            rate_history.direct_change(
                org_id=member.org_id,
                holder_type="member",
                holder_id=member.user_id,
                field=name,
                rate=wanted[name],
                user_id=principal.user_id,
            )
            for name in _MEMBER_RATES
            if name in changed
        ]
    try:
        with transaction() as tx:
            tx.update(
                member,
                actions=[*actions, Membership.updated_at.set(utcnow())],
                condition=_unchanged_since_read(member, changed),
            )
            for rate_change in rate_changes:
                rate_history.save(tx, rate_change)
            for action, names in (("role_changed", ("role",)), ("rates_changed", _MEMBER_RATES)):
                entry_changes = {name: change for name, change in changed.items() if name in names}
                if entry_changes:
                    audit.record(
                        tx,
                        org_id=member.org_id,
                        actor=principal,
                        action=action,
                        entity_type="member",
                        entity_id=member.id,
                        changes=entry_changes,
                    )
    except TransactionCancelled as error:
        raise Conflict("The member changed concurrently; retry.") from error
    for name in changed:
        setattr(member, name, wanted[name])
    return member


change_role = update_member  # the TRCR name of the same action


def remove(*, principal: Principal, member_id: str) -> None:
    """Remove someone from the org (admins); never the owner."""
    principal.require_admin()
    member = _member_or_404(principal, member_id)
    if member.role == "owner":
        raise Conflict("The owner cannot be removed; transfer ownership first.")
    try:
        with transaction() as tx:
            tx.delete(member, condition=Membership.role != "owner")
            billing.release(tx, org_id=member.org_id, resource="members")
            if member.invite_digest:
                tx.delete(Invitation(*Invitation.keys(member.invite_digest)))
            audit.record(
                tx,
                org_id=member.org_id,
                actor=principal,
                action="removed",
                entity_type="member",
                entity_id=member.id,
                changes={"email": {"from": member.email, "to": None}},
            )
    except TransactionCancelled as error:
        raise Conflict("The member changed concurrently; retry.") from error


def invitation(*, token: str) -> tuple[Invitation, Membership]:
    """A live invitation and its pending membership, or 404 (unknown, used or expired token)."""
    invite_item = Invitation.get_or_none(*Invitation.keys(digest(token)))
    if invite_item is None or invite_item.expires_at < epoch_seconds(utcnow()):
        raise NotFound("This invitation is invalid or has expired.")
    _active_org(invite_item.org_id)
    member = Membership.get_or_none(*Membership.keys(invite_item.org_id, invite_item.user_id))
    if member is None or member.status != "invited" or member.invite_digest != invite_item.PK.split("#", 1)[1]:
        raise NotFound("This invitation is invalid or has expired.")
    return invite_item, member


def accept(tx, *, invite_item: Invitation, member: Membership, actor: Actor) -> None:
    """Join the org in `tx`: the invitation is used up and the membership becomes active."""
    tx.delete(invite_item, condition=Invitation.PK.exists())
    billing.require_within(tx, org_id=member.org_id, resource="members")  # a downgrade may have cut the seats
    tx.update(
        member,
        actions=[
            Membership.status.set("active"),
            Membership.invite_digest.remove(),
            Membership.updated_at.set(utcnow()),
        ],
        condition=Membership.invite_digest == member.invite_digest,
    )
    audit.record(tx, org_id=member.org_id, actor=actor, action="joined", entity_type="member", entity_id=member.id)


def active_members(*, org_id: str) -> list[Membership]:
    """Every active member of the org (reports; bounded by the org's size)."""
    pk = Membership.keys(org_id, "")[0]
    members = Membership.query(pk, Membership.SK.startswith(Membership.SK_PREFIX))
    return [member for member in members if member.status == "active"]


def find_member(*, principal: Principal, member_id: str) -> Membership:
    """The caller's org's member with this id (404 otherwise), for domains that act on a member."""
    return _member_or_404(principal, member_id)


def set_current_rate(tx, *, member: Membership, field: str, value: int | None) -> None:
    """In `tx`: the member's `hourly_rate` or `cost_rate` shows the rate now in force (the rates domain)."""
    attribute = {"hourly_rate": Membership.hourly_rate, "cost_rate": Membership.cost_rate}[field]
    rate = attribute.set(value) if value is not None else attribute.remove()
    unchanged = _unchanged_since_read(member, [field])
    tx.update(member, actions=[rate, Membership.updated_at.set(utcnow())], condition=unchanged)
