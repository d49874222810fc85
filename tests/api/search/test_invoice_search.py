"""GET /search?type=invoice: TRCR's unified search finds invoices by number, client and notes — for admins."""

from tests.api.invoices.helpers import create_client, create_invoice
from tests.support import factories


def _hits(account, query: str) -> list[tuple[str, str]]:
    response = account.api.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.json_body
    return [(hit["type"], hit["id"]) for hit in response.json_body["data"]]


def test_an_invoice_is_found_by_its_number_its_client_and_its_notes(api):
    # GIVEN a draft invoice to Zephyr Labs with a note
    owner = factories.register(api)
    client = create_client(owner, name="Zephyr Labs")
    invoice = create_invoice(owner, client["id"], notes="Retainer for the spring campaign")
    factories.drain_jobs()
    found = [("invoice", invoice["id"])]
    # THEN it is found by its number, its client's name and a word of its notes
    assert _hits(owner, f"q={invoice['number']}&type=invoice") == found
    assert _hits(owner, "q=zephyr&type=invoice") == found
    assert _hits(owner, "q=retainer&type=invoice") == found
    # AND the unified search lists it beside the client
    assert ("invoice", invoice["id"]) in _hits(owner, "q=zephyr")


def test_members_and_other_orgs_never_find_invoices(api):
    owner = factories.register(api)
    member = factories.join(api, owner)
    create_invoice(owner, create_client(owner, name="Zephyr Labs")["id"])
    factories.drain_jobs()
    assert _hits(member, "q=zephyr&type=invoice") == []
    assert _hits(factories.register(api), "q=zephyr&type=invoice") == []


def test_edited_notes_are_searched_and_a_deleted_draft_is_gone(api):
    owner = factories.register(api)
    invoice = create_invoice(owner, create_client(owner, name="Zephyr Labs")["id"], notes="Spring retainer")
    factories.drain_jobs()
    changed = owner.api.put(f"/api/v1/invoices/{invoice['id']}", json={"notes": "Autumn workshop"})
    assert changed.status_code == 200, changed.json_body
    factories.drain_jobs()
    assert _hits(owner, "q=retainer&type=invoice") == []
    assert _hits(owner, "q=workshop&type=invoice") == [("invoice", invoice["id"])]
    assert owner.api.delete(f"/api/v1/invoices/{invoice['id']}").status_code == 204
    factories.drain_jobs()
    assert _hits(owner, "q=workshop&type=invoice") == []
