from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db import Item, TimestampAttribute
from chalicelib.core.timeutil import to_sortable


def repository_partition(repository_id: str) -> str:
    """GSI1PK holding a repository and its webhooks: what an inbound delivery (which names no org) looks up."""
    return f"GITREPO#{repository_id}"


class GitRepository(Item, discriminator="GIT_REPOSITORY"):
    """A connected GitHub/GitLab repository; `webhook_count` bounds its webhooks (kept in their transactions)."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    provider = UnicodeAttribute()  # github | gitlab
    repo_url = UnicodeAttribute()
    full_name = UnicodeAttribute()  # owner/name (GitLab: group/…/project), as the URL spells it
    project_id = UnicodeAttribute(null=True)
    webhook_count = NumberAttribute(default=0)
    connected_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "GITREPO#"
    GSI1SK_VALUE = "REPOSITORY"

    @classmethod
    def keys(cls, org_id: str, repository_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{repository_id}"

    def index(self) -> None:
        self.GSI1PK, self.GSI1SK = repository_partition(self.id), self.GSI1SK_VALUE


class GitRepositoryClaim(Item, discriminator="GIT_REPOSITORY_CLAIM"):
    """One connection per repository and org: `<provider>#<lower(full_name)>` taken by condition."""

    repository_id = UnicodeAttribute()

    @staticmethod
    def keys(org_id: str, provider: str, full_name: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"GITREPOURL#{provider}#{full_name.lower()}"


class GitWebhook(Item, discriminator="GIT_WEBHOOK"):
    """A registered webhook: its secret verifies inbound deliveries and signs the copies sent to `url`."""

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    repository_id = UnicodeAttribute()
    provider = UnicodeAttribute()  # the repository's, for the receiver URL shown with the webhook
    events = ListAttribute(of=UnicodeAttribute)
    url = UnicodeAttribute()
    sealed_secret = UnicodeAttribute()  # sealing.seal(secret, bound_to=id)
    created_by = UnicodeAttribute()
    created_at = TimestampAttribute()
    updated_at = TimestampAttribute()

    SK_PREFIX = "GITHOOK#"

    @classmethod
    def keys(cls, org_id: str, webhook_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{webhook_id}"

    def index(self) -> None:
        self.GSI1PK, self.GSI1SK = repository_partition(self.repository_id), f"WEBHOOK#{self.id}"


class GitDelivery(Item, discriminator="GIT_DELIVERY"):
    """A provider delivery id already accepted for a repository: a replay finds it and is not processed again."""

    repository_id = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    event = UnicodeAttribute()
    received_at = TimestampAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def keys(org_id: str, repository_id: str, delivery_id: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"GITDELIVERY#{repository_id}#{delivery_id}"


class GitActivity(Item, discriminator="GIT_ACTIVITY"):
    """A commit, pull request or branch that mentions a task; newest first per task on GSI1.

    The sort key is derived from what it records (repository, kind, sha / PR number and state / branch), so
    the same commit arriving in two deliveries is linked once (a conditional put).
    """

    id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    repository_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    kind = UnicodeAttribute()  # commit | pull_request | branch
    sha = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    author = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    branch = UnicodeAttribute(null=True)
    number = NumberAttribute(null=True)
    title = UnicodeAttribute(null=True)
    action = UnicodeAttribute(null=True)
    delivery_id = UnicodeAttribute()
    created_at = TimestampAttribute()

    SK_PREFIX = "GITACT#"

    @classmethod
    def keys(cls, org_id: str, task_id: str, ref: str) -> tuple[str, str]:
        return f"ORG#{org_id}", f"{cls.SK_PREFIX}{task_id}#{ref}"

    @staticmethod
    def task_partition(org_id: str, task_id: str) -> str:
        """GSI1PK: a task's git activity."""
        return f"ORG#{org_id}#TASK#{task_id}#GIT"

    def index(self) -> None:
        self.GSI1PK, self.GSI1SK = (
            self.task_partition(self.org_id, self.task_id),
            f"{to_sortable(self.created_at)}#{self.id}",
        )
