"""People in two organizations, a project with a task, and a loopback server that receives webhook copies."""

import pytest

from tests.support.receiver import serving
from tests.support.task_setup import project, task


@pytest.fixture
def project_id(owner) -> str:
    return project(owner, name="Website")


@pytest.fixture
def login_task(owner, project_id) -> dict:
    return task(owner, project_id, title="Login page")


@pytest.fixture
def receiver():
    with serving("/hooks/git") as state:
        yield state
