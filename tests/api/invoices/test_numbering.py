"""Invoice numbers: one org-wide sequence per issue year, no gaps and no duplicates under concurrency."""

from tests.api.invoices.helpers import at_once, create_client


def _create(account, client_id: str):
    body = {"client_id": client_id, "issue_date": "2026-04-01", "due_date": "2026-04-30"}
    return lambda: account.api.post("/api/v1/invoices", json=body)


def test_parallel_creates_get_consecutive_numbers_without_duplicates(owner, admin, client_id):
    # GIVEN two admins of one org
    # WHEN eight invoices are created at the same moment (the counter is read by all, then each write races)
    responses = at_once(*[_create(owner if i % 2 else admin, client_id) for i in range(8)])
    # THEN every one was created, numbered 1..8 exactly once
    assert [response.status_code for response in responses] == [201] * 8, [r.json_body for r in responses]
    numbers = sorted(response.json_body["number"] for response in responses)
    assert numbers == [f"INV-2026-{n:04d}" for n in range(1, 9)]
    # AND the list holds exactly those eight
    listed = owner.api.get("/api/v1/invoices?per_page=100").json_body["data"]
    assert sorted(item["number"] for item in listed) == numbers


def test_each_org_counts_on_its_own(owner, outsider, client_id):
    # GIVEN an invoice in the owner's org
    assert _create(owner, client_id)().json_body["number"] == "INV-2026-0001"
    # WHEN another org creates its first invoice
    foreign = create_client(outsider, name="Their client")["id"]
    # THEN it is number 1 there too
    assert _create(outsider, foreign)().json_body["number"] == "INV-2026-0001"
