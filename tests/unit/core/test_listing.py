from pynamodb.attributes import NumberAttribute

from chalicelib.core.db import Item
from chalicelib.core.listing import query_page


class Numbered(Item, discriminator="LISTING_PROBE"):
    n = NumberAttribute()


def _numbers(count: int) -> None:
    with Numbered.batch_write() as batch:
        for n in range(count):
            batch.save(Numbered(PK="LIST#probe", SK=f"N#{n:04d}", n=n))


def test_a_deep_page_number_is_served_even_past_the_read_budget(table):
    # GIVEN 230 items (more than one DynamoDB page of 200) and a budget of 5 items read per request
    _numbers(230)
    # WHEN items 210..213 are asked for by page number, oldest first
    page = query_page(Numbered, "LIST#probe", scope="t", limit=4, offset=210, newest_first=False, scan_budget=5)
    # THEN the skipped items do not count against the budget: the page is full, with more to come
    assert [int(item.n) for item in page.items] == [210, 211, 212, 213]
    assert page.next_cursor is not None


def test_a_rare_filter_stops_at_the_budget_with_a_cursor_to_continue(table):
    _numbers(30)
    page = query_page(
        Numbered,
        "LIST#probe",
        scope="t",
        limit=4,
        filter_condition=Numbered.n == 29,
        newest_first=False,
        scan_budget=5,
    )
    assert page.items == [] and page.next_cursor is not None
