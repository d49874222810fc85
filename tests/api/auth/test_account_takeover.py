"""Pre-account hijacking: a password set by someone who never proved they own the address must not survive
the real owner proving it (here, by accepting an invitation sent to that address).

Accepting an invitation proves the address is owned, so an account whose email was never verified sets a new
password there, and every earlier session of it ends.
"""

from tests.api.auth.helpers import login
from tests.support import factories

ATTACKER_PASSWORD = "the attacker knows this one"
OWNER_PASSWORD = "the real owner's own passphrase"


# Set-up steps raise SetupFailed, not AssertionError, so that only the final assertion can be the expected failure.
class SetupFailed(Exception):
    pass


def _expect(response, status: int) -> None:
    if response.status_code != status:
        raise SetupFailed(f"{response.status_code}: {response.json_body}")


def _invite(owner: factories.Account, address: str) -> str:
    _expect(owner.api.post("/api/v1/members/invite", json={"email": address, "role": "member"}), 201)
    factories.drain_jobs()
    try:
        return factories.invite_token(address)
    except AssertionError as error:
        raise SetupFailed("no invitation email") from error


def _register(api, address: str) -> None:
    _expect(api.post("/api/v1/auth/register", json={"email": address, "password": ATTACKER_PASSWORD, "name": "M"}), 201)


def _accept(api, token: str) -> None:
    _expect(api.post("/api/v1/invitations/accept", json={"token": token, "password": OWNER_PASSWORD}), 200)


def test_registering_an_invited_address_does_not_open_the_inviting_org_to_the_registrant(api):
    # GIVEN an invitation to an address, which a stranger registers before the invitee accepts
    owner = factories.register(api)
    victim = factories.unique_email("victim")
    token = _invite(owner, victim)
    _register(api, victim)
    # WHEN the real owner of the address accepts the invitation, and the stranger then signs in
    _accept(api, token)
    response = login(api, victim, ATTACKER_PASSWORD)
    # THEN the stranger's password no longer opens the account (and with it the inviting org)
    assert response.status_code == 401


def test_unverified_pre_registration_does_not_survive_the_owner_accepting_an_invitation(api):
    # GIVEN an address registered (never verified) by a stranger, later invited to an org
    owner = factories.register(api)
    victim = factories.unique_email("victim")
    _register(api, victim)
    token = _invite(owner, victim)
    # WHEN the real owner of the address accepts the invitation, and the stranger then signs in
    _accept(api, token)
    response = login(api, victim, ATTACKER_PASSWORD)
    # THEN the stranger's password no longer opens the account
    assert response.status_code == 401
