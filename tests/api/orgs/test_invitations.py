"""Inviting people by email, and accepting, resending and expiring invitations."""

from datetime import timedelta

import pytest

from chalicelib.orgs import service as orgs_service
from tests.api.orgs import expect
from tests.support import factories

NEW_PASSWORD = "a long and unusual secret"


def _accept(api, token: str, **extra):
    return api.post("/api/v1/invitations/accept", json={"token": token, **extra})


def _emails(account) -> set[str]:
    return {m["email"] for m in account.api.get("/api/v1/members").json_body["data"]}


# --- invite --------------------------------------------------------------------------------------------------


def test_admin_invites_someone_who_is_then_listed_as_invited(owner, admin):
    # WHEN an admin invites a new address as an admin
    response = admin.api.post("/api/v1/members/invite", json={"email": "newcomer@example.com", "role": "admin"})
    # THEN the answer is 201 with a pending membership of that role
    assert response.status_code == 201
    body = response.json_body
    assert body["id"].startswith("mem_")
    assert (body["email"], body["role"], body["status"]) == ("newcomer@example.com", "admin", "invited")


def test_invite_answer_does_not_reveal_the_invitation_token(owner):
    # WHEN the owner invites someone and the email goes out
    response = owner.api.post("/api/v1/members/invite", json={"email": "secret@example.com"})
    factories.drain_jobs()
    # THEN only the invitee's mailbox holds the token, not the API answer
    assert factories.emailed_token("secret@example.com") not in response.body.decode()


def test_invite_without_a_role_invites_a_member(owner):
    # WHEN the owner invites an address without naming a role
    response = owner.api.post("/api/v1/members/invite", json={"email": "plain@example.com"})
    # THEN the invitee is to be a plain member
    assert response.status_code == 201
    assert response.json_body["role"] == "member"


def test_member_cannot_invite(owner, member):
    # WHEN a plain member invites someone
    response = member.api.post("/api/v1/members/invite", json={"email": "friend@example.com"})
    # THEN it is forbidden and nobody was invited
    expect.error(response, 403, "forbidden")
    assert "friend@example.com" not in _emails(owner)


def test_inviting_an_address_already_invited_is_409(owner):
    # GIVEN an address with a pending invitation
    factories.invite(owner, email_address="twice@example.com")
    # WHEN the owner invites it again
    response = owner.api.post("/api/v1/members/invite", json={"email": "twice@example.com"})
    # THEN it is a conflict
    expect.error(response, 409, "conflict")


def test_inviting_an_address_already_invited_in_other_letter_case_is_409(owner):
    # GIVEN an address with a pending invitation
    factories.invite(owner, email_address="casey@example.com")
    # WHEN the owner invites the same address in capitals
    response = owner.api.post("/api/v1/members/invite", json={"email": "Casey@EXAMPLE.com"})
    # THEN it is a conflict, and the address is listed once
    expect.error(response, 409, "conflict")
    assert [e for e in _emails(owner) if e.lower() == "casey@example.com"] == ["casey@example.com"]


def test_inviting_an_active_member_is_409(owner, member):
    # WHEN the owner invites someone who already belongs to the org
    response = owner.api.post("/api/v1/members/invite", json={"email": member.email.upper()})
    # THEN it is a conflict
    expect.error(response, 409, "conflict")


def test_invite_with_an_invalid_email_is_400_naming_email_and_invites_nobody(owner):
    # GIVEN the org's members
    before = _emails(owner)
    # WHEN the owner invites something that is not an email address
    response = owner.api.post("/api/v1/members/invite", json={"email": "not-an-email"})
    # THEN it is refused, naming the field, and nobody was added
    expect.field_error(response, "email")
    assert _emails(owner) == before


@pytest.mark.parametrize("role", ["owner", "superuser"])
def test_invite_with_a_role_other_than_admin_or_member_is_400_naming_role(owner, role):
    # WHEN the owner invites someone straight into a role that cannot be given
    response = owner.api.post("/api/v1/members/invite", json={"email": "boss@example.com", "role": role})
    # THEN it is refused, naming the field, and nobody was invited
    expect.field_error(response, "role")
    assert "boss@example.com" not in _emails(owner)


def test_invitation_email_is_sent_by_the_background_job(owner):
    # GIVEN an invitation just made
    owner.api.post("/api/v1/members/invite", json={"email": "mailme@example.com"})
    assert not [m for m in factories.sent_emails() if "mailme@example.com" in m["To"]]
    # WHEN the background jobs run
    factories.drain_jobs()
    # THEN the invitee has an email naming the org, with a link carrying the token
    message = factories.last_email_to("mailme@example.com")
    org_name = owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["name"]
    assert org_name in message["Subject"]
    assert factories.emailed_token("mailme@example.com").startswith("inv_")


# --- accept --------------------------------------------------------------------------------------------------


def test_new_account_accepts_with_a_password_and_is_signed_in_to_the_org(api, owner):
    # GIVEN an invitation to an address with no account
    invitation = factories.invite(owner)
    # WHEN the invitee accepts it, choosing a password
    response = _accept(api, invitation.token, password=NEW_PASSWORD, name="Nina New")
    # THEN they are signed in to the org as a member, and can sign in later with that password
    assert response.status_code == 200
    assert (response.json_body["organization"]["id"], response.json_body["organization"]["role"]) == (
        owner.org_id,
        "member",
    )
    assert factories.login(api, invitation.email, NEW_PASSWORD).org_id == owner.org_id


def test_accepted_invitee_is_listed_as_active(api, owner):
    # GIVEN an invitation the invitee accepted
    invitation = factories.invite(owner)
    _accept(api, invitation.token, password=NEW_PASSWORD)
    # WHEN the owner lists members
    listed = {m["id"]: m["status"] for m in owner.api.get("/api/v1/members").json_body["data"]}
    # THEN the membership is active
    assert listed[invitation.member_id] == "active"


def test_new_account_accepting_without_a_password_is_400_and_the_invitation_stays_usable(api, owner):
    # GIVEN an invitation to an address with no account
    invitation = factories.invite(owner)
    # WHEN the invitee accepts without choosing a password
    response = _accept(api, invitation.token)
    # THEN it is refused, naming password, and nothing was used up
    expect.field_error(response, "password")
    assert _accept(api, invitation.token, password=NEW_PASSWORD).status_code == 200


def test_new_account_accepting_with_a_common_password_is_400(api, owner):
    # GIVEN an invitation to an address with no account
    invitation = factories.invite(owner)
    # WHEN the invitee chooses a very common password
    response = _accept(api, invitation.token, password="password123")
    # THEN it is refused, naming password
    expect.field_error(response, "password")


def test_existing_account_accepts_without_a_password_and_then_has_both_orgs(api, owner):
    # GIVEN a registered user who verified their email, invited into the owner's org
    user = factories.register(api)
    factories.verify_email(api, user)
    invitation = factories.invite(owner, email_address=user.email)
    # WHEN they accept without a password
    response = _accept(api, invitation.token)
    # THEN they are signed in to the owner's org, and their orgs are their own and the owner's
    assert response.status_code == 200
    assert response.json_body["organization"]["id"] == owner.org_id
    signed_in = api.as_token(response.json_body["access_token"])
    assert {o["id"] for o in signed_in.get("/api/v1/organizations").json_body["data"]} == {user.org_id, owner.org_id}


def test_existing_account_keeps_its_password_when_accepting(api, owner):
    # GIVEN a registered user who verified their email, invited into the owner's org
    user = factories.register(api)
    factories.verify_email(api, user)
    invitation = factories.invite(owner, email_address=user.email)
    # WHEN they accept while also sending a (different) password
    _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN their original password still signs them in
    assert factories.login(api, user.email).user_id == user.user_id


def test_an_invitation_token_works_once(api, owner):
    # GIVEN an invitation already accepted
    invitation = factories.invite(owner)
    assert _accept(api, invitation.token, password=NEW_PASSWORD).status_code == 200
    # WHEN the same token is used again
    response = _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_an_expired_invitation_is_404(api, owner, monkeypatch):
    # GIVEN an invitation, and a clock moved past its 7 days
    invitation = factories.invite(owner)
    later = orgs_service.utcnow() + timedelta(days=orgs_service.INVITATION_DAYS, minutes=1)
    monkeypatch.setattr(orgs_service, "utcnow", lambda: later)
    # WHEN the invitee accepts
    response = _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN it is not found, and they did not join
    expect.error(response, 404, "not_found")
    monkeypatch.undo()
    statuses = {m["id"]: m["status"] for m in owner.api.get("/api/v1/members").json_body["data"]}
    assert statuses[invitation.member_id] == "invited"


def test_an_invitation_is_still_good_just_before_it_expires(api, owner, monkeypatch):
    # GIVEN an invitation, and a clock moved to shortly before its 7 days are up
    invitation = factories.invite(owner)
    later = orgs_service.utcnow() + timedelta(days=orgs_service.INVITATION_DAYS, minutes=-1)
    monkeypatch.setattr(orgs_service, "utcnow", lambda: later)
    # WHEN the invitee accepts
    response = _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN they join
    assert response.status_code == 200


def test_an_unknown_token_is_404(api, owner):
    # WHEN someone accepts with a token that was never issued
    response = _accept(api, "inv_made-up-token", password=NEW_PASSWORD)
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_an_invitation_into_a_deleted_org_is_404(api, owner):
    # GIVEN an invitation into an org its owner then deleted
    invitation = factories.invite(owner)
    owner.api.delete(f"/api/v1/organizations/{owner.org_id}")
    # WHEN the invitee accepts
    response = _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN it is not found
    expect.error(response, 404, "not_found")


# --- resend --------------------------------------------------------------------------------------------------


def test_resend_emails_a_new_token_that_works(api, owner):
    # GIVEN a pending invitation
    invitation = factories.invite(owner)
    # WHEN an admin resends it and the email goes out
    response = owner.api.post(f"/api/v1/members/{invitation.member_id}/resend-invite")
    factories.drain_jobs()
    # THEN a new token was emailed, and it lets the invitee join
    assert response.status_code == 200
    new_token = factories.emailed_token(invitation.email)
    assert new_token != invitation.token
    assert _accept(api, new_token, password=NEW_PASSWORD).status_code == 200


def test_resend_voids_the_previous_token(api, owner):
    # GIVEN a pending invitation whose link was resent
    invitation = factories.invite(owner)
    owner.api.post(f"/api/v1/members/{invitation.member_id}/resend-invite")
    factories.drain_jobs()
    # WHEN the invitee uses the first link
    response = _accept(api, invitation.token, password=NEW_PASSWORD)
    # THEN it is not found
    expect.error(response, 404, "not_found")


def test_resend_gives_an_expired_invitation_a_fresh_week(api, owner, monkeypatch):
    # GIVEN an invitation whose week has passed, resent now
    invitation = factories.invite(owner)
    later = orgs_service.utcnow() + timedelta(days=orgs_service.INVITATION_DAYS, minutes=1)
    monkeypatch.setattr(orgs_service, "utcnow", lambda: later)
    owner.api.post(f"/api/v1/members/{invitation.member_id}/resend-invite")
    factories.drain_jobs()
    # WHEN the invitee accepts with the new link
    response = _accept(api, factories.emailed_token(invitation.email), password=NEW_PASSWORD)
    # THEN they join
    assert response.status_code == 200


def test_resend_to_someone_who_already_joined_is_409(owner, member):
    # WHEN the owner resends an invitation to an active member
    response = owner.api.post(f"/api/v1/members/{member.member_id}/resend-invite")
    # THEN it is a conflict
    expect.error(response, 409, "conflict")


def test_member_cannot_resend_an_invitation(owner, member):
    # GIVEN a pending invitation
    invitation = factories.invite(owner)
    # WHEN a plain member resends it
    response = member.api.post(f"/api/v1/members/{invitation.member_id}/resend-invite")
    # THEN it is forbidden and the original token still works
    expect.error(response, 403, "forbidden")
    assert _accept(member.api.as_token(None), invitation.token, password=NEW_PASSWORD).status_code == 200


def test_unverified_existing_account_must_set_a_new_password_to_accept(api, owner):
    # GIVEN a registered user who never verified their email, invited into the owner's org
    user = factories.register(api)
    invitation = factories.invite(owner, email_address=user.email)
    # WHEN they accept without a password THEN it is refused, naming the password
    expect.field_error(_accept(api, invitation.token), "password")
    # AND with a new password they join, and the old password no longer signs in
    assert _accept(api, invitation.token, password=NEW_PASSWORD).status_code == 200
    assert api.post("/api/v1/auth/login", json={"email": user.email, "password": factories.PASSWORD}).status_code == 401
