"""Articles in GET /search (type article): by their words, drafts only for their author and admins."""

from tests.api.kb.helpers import KB, article, category
from tests.support import factories


def _hits(account, query: str) -> list[dict]:
    response = account.api.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def test_an_article_is_found_by_its_content_with_its_category(owner, member):
    handbook = category(owner, "Handbook")
    written = article(member, "Expenses", content="Receipts go to **Finanzamt** scans", parent_id=handbook["id"])
    factories.drain_jobs()
    assert _hits(owner, "q=finanz&type=article") == [
        {"type": "article", "id": written["id"], "title": "Expenses", "project_id": None, "parent_id": handbook["id"]}
    ]


def test_a_draft_is_found_only_by_its_author_and_admins_until_published(owner, member, other_member):
    draft = article(member, "Reorg plan", content="Confidential restructuring", is_draft=True)
    factories.drain_jobs()
    assert [hit["id"] for hit in _hits(member, "q=restructuring")] == [draft["id"]]
    assert [hit["id"] for hit in _hits(owner, "q=restructuring")] == [draft["id"]]
    assert _hits(other_member, "q=restructuring") == []
    assert member.api.put(f"{KB}/{draft['id']}", json={"is_draft": False}).status_code == 200
    factories.drain_jobs()
    assert [hit["id"] for hit in _hits(other_member, "q=restructuring")] == [draft["id"]]


def test_edited_and_deleted_articles_leave_the_index(owner):
    written = article(owner, "Wifi", content="Password is swordfish")
    factories.drain_jobs()
    owner.api.put(f"{KB}/{written['id']}", json={"content": "Ask the office manager"})
    factories.drain_jobs()
    assert _hits(owner, "q=swordfish") == []
    assert [hit["id"] for hit in _hits(owner, "q=office&type=article")] == [written["id"]]
    assert owner.api.delete(f"{KB}/{written['id']}").status_code == 204
    factories.drain_jobs()
    assert _hits(owner, "q=office") == []


def test_another_organization_never_finds_the_articles(owner, outsider):
    article(owner, "Secret sauce", content="Paprika")
    factories.drain_jobs()
    assert _hits(outsider, "q=paprika") == []
