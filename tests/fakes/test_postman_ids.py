"""The fake Postman API tells an item's id from its uid as the API's ids are written."""

from __future__ import annotations

from tests.fakes.postman import _item_id

ALL_DIGITS_FIRST = "12345678-90ab-4cde-8f01-234567890abc"  # one UUID in 43 starts so


def test_an_id_whose_first_group_is_all_digits_is_an_id() -> None:
    assert _item_id(ALL_DIGITS_FIRST) == ALL_DIGITS_FIRST


def test_a_uid_is_the_owner_a_hyphen_and_the_id() -> None:
    assert _item_id(f"1234567-{ALL_DIGITS_FIRST}") == ALL_DIGITS_FIRST
    assert _item_id("1234567-not-a-uuid") == "1234567-not-a-uuid"
