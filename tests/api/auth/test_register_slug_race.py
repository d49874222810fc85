from chalicelib.orgs import service as orgs
from tests.support import factories


def test_same_name_registering_at_the_same_moment_still_gets_an_account(api, monkeypatch):
    # GIVEN someone called Jane Doe already holds the slug her workspace would get
    first = factories.register(api, name="Jane Doe")
    # AND a second Jane Doe whose slug check ran before the first one's registration committed
    monkeypatch.setattr(orgs, "_available_slug", orgs.slugify)
    # WHEN she registers with her own email
    second = factories.register(api, name="Jane Doe")
    # THEN she gets her own account and a workspace with a different slug
    assert second.user_id != first.user_id
    slugs = {
        account.api.get(f"/api/v1/organizations/{account.org_id}").json_body["slug"] for account in (first, second)
    }
    assert len(slugs) == 2
