"""``batched``: consecutive lists, none longer than asked, nothing lost or reordered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement._batched import batched


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=7))
def test_batches_rebuild_the_items_in_order(items: list[int], size: int) -> None:
    chunks = list(batched(iter(items), size))
    assert [item for chunk in chunks for item in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in chunks)
    assert all(len(chunk) == size for chunk in chunks[:-1])


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1, got 0"):
        list(batched([1], 0))
