import pytest

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.pagination import decode_cursor, encode_cursor

POSITION = {"PK": "ORG#org_1", "SK": "TASK#tsk_9"}


def test_cursor_round_trips_its_position():
    cursor = encode_cursor(POSITION, scope="org_1:tasks")
    assert decode_cursor(cursor, scope="org_1:tasks") == POSITION


def test_cursor_does_not_show_its_keys_in_clear_text_form():
    cursor = encode_cursor(POSITION, scope="org_1:tasks")
    assert "ORG#" not in cursor


@pytest.mark.parametrize("forged", ["", "abc", "abc.def", "!!!.???"])
def test_garbage_cursor_is_400(forged):
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor(forged, scope="org_1:tasks")
    assert caught.value.status == 400


def test_altered_cursor_is_400():
    from chalicelib.core.pagination import _b64

    cursor = encode_cursor(POSITION, scope="org_1:tasks")
    _, signature = cursor.split(".")
    forged_body = _b64(b'{"PK":"ORG#org_2","SK":"TASK#tsk_9"}')
    with pytest.raises(ValidationFailed):
        decode_cursor(f"{forged_body}.{signature}", scope="org_1:tasks")


def test_cursor_from_another_org_is_400():
    cursor = encode_cursor(POSITION, scope="org_1:tasks")
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, scope="org_2:tasks")
