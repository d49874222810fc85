"""Page-number paging reaches the first 10,000 items of a list; deeper pages are reached by the cursor."""

from tests.support import factories


def test_a_page_beyond_ten_thousand_items_is_400_naming_page(api):
    owner = factories.register(api)
    # WHEN a client asks for items 10,001+ by page number, on the TRCR and the TrackingTabs paging
    trcr = owner.api.get("/api/v1/projects?page=102&per_page=100")
    trackingtabs = owner.api.get("/api/v1/entries?offset=10001")
    # THEN both are refused, saying which parameter and what to do instead
    assert trcr.status_code == 400, trcr.json_body
    assert trcr.json_body["error"]["details"] == [
        {"field": "page", "message": "page numbers reach the first 10000 items; follow next_cursor for later ones"}
    ]
    assert trackingtabs.status_code == 400, trackingtabs.json_body
    assert trackingtabs.json_body["error"]["details"][0]["field"] == "offset"


def test_the_last_page_within_reach_is_served(api):
    owner = factories.register(api)
    response = owner.api.get("/api/v1/projects?page=101&per_page=100")
    assert response.status_code == 200, response.json_body
    assert response.json_body["data"] == [] and response.json_body["page"] == 101
