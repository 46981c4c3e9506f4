"""US_BANK_NUMBER: ABA routing checksum and account numbers, in context or side by side."""

from __future__ import annotations

import pytest

VALID = [
    ("routing 021000021", ["021000021"]),
    ("ABA: 011000015", ["011000015"]),
    ("Routing 021000021 account 123456789012", ["021000021", "123456789012"]),
    ("checking account 00123456789", ["00123456789"]),
    ("acct #4455667788", ["4455667788"]),
    ("As discussed:\nJane Roe\n021000021\n60354247\n", ["021000021", "60354247"]),
    ('{"account_number": "000123456789"}', ["000123456789"]),
    ('{"routing_number": "021000021"}', ["021000021"]),
]

INVALID = [
    "routing 021000022",  # ABA checksum fails
    "routing 991000021",  # no Federal Reserve district 99
    "021000021",  # valid checksum, no context, nothing beside it
    "order 123456789012",
    "account 11111111",  # placeholder
    "account_id 8000869",
]


@pytest.mark.parametrize(("text", "values"), VALID)
def test_bank_numbers(find, text: str, values: list[str]) -> None:
    found = [v for t, v in find(text, ner=False) if t == "US_BANK_NUMBER"]
    assert found == values


@pytest.mark.parametrize("text", INVALID)
def test_not_bank_numbers(find, text: str) -> None:
    assert all(t != "US_BANK_NUMBER" for t, _ in find(text, ner=False))


@pytest.mark.parametrize("key", ["account_number", "bank_account", "acct_no", "routing_number",
                                 "Counterparty account"])
def test_bank_keys(find, key: str) -> None:
    assert find("123456789012", key=key, ner=False) == [("US_BANK_NUMBER", "123456789012")]


def test_account_id_key_is_not_a_bank_account(find) -> None:
    assert find("8000869", key="account_id", ner=False) == []
