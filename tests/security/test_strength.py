"""Secret and password strength is estimated from guessable patterns, not from length."""

from __future__ import annotations

import base64
import math
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.security import estimated_entropy_bits, password_problem, secret_problem
from attunement.security._strength import _alphabet


@pytest.mark.parametrize(
    "value",
    [
        "password12345678",  # accepted in production before issue 18
        "s" * 40,
        "changeme" * 4,
        "abcdefghijklmnopqrstuvwxyz012345",
        "qwertyuiop1234567890asdfghjkl",
        "attunement-secret-0123456789",
    ],
)
def test_guessable_secrets_are_refused_however_long(value: str) -> None:
    assert secret_problem(value) is not None


def test_random_256_bit_keys_in_every_usual_encoding_pass() -> None:
    for _ in range(500):
        raw = secrets.token_bytes(32)
        for key in (
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
            base64.b64encode(raw).decode(),
            raw.hex(),
        ):
            assert secret_problem(key) is None, key


@given(st.text(min_size=1, max_size=60))
def test_the_estimate_never_exceeds_the_character_set_bound(value: str) -> None:
    bound = len(value) * math.log2(_alphabet(value))
    assert 0 <= estimated_entropy_bits(value) <= bound + 1e-9


@given(st.text(min_size=1, max_size=12), st.integers(min_value=2, max_value=8))
def test_repeating_a_value_adds_at_most_the_bits_of_the_count(block: str, times: int) -> None:
    once = estimated_entropy_bits(block)
    assert estimated_entropy_bits(block * times) <= once + math.log2(times) + 1e-9


def test_the_password_rule_names_length_then_guessability_and_never_quotes() -> None:
    assert password_problem("short", min_length=12, max_length=128) == "12 to 128 characters"
    problem = password_problem("password12345678", min_length=12, max_length=128)
    assert problem is not None
    assert "guessable" in problem
    assert "password12345678" not in problem
    assert password_problem("violet tractor mango cellar", min_length=12, max_length=128) is None
