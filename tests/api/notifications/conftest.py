"""An org with an owner (who reports tasks), a member and an admin; another org's owner."""

import pytest

from tests.support import factories, task_setup
from tests.support.factories import Account
from tests.support.outbox import deliver_events


def _welcomed(account: Account) -> Account:
    """A member who has found (and read) the welcome their invitation left in the app."""
    deliver_events()
    response = account.api.post("/api/v1/notifications/mark-read")
    assert response.status_code == 200, response.json_body
    return account


@pytest.fixture
def member(api, owner):
    return _welcomed(factories.join(api, owner, role="member", name="Sam Member"))


@pytest.fixture
def admin(api, owner):
    return _welcomed(factories.join(api, owner, role="admin", name="Ada Admin"))


@pytest.fixture
def project_id(owner):
    return task_setup.project(owner)
