"""A profile scored from answers never hides an endorsed risk item, even when refused."""

from __future__ import annotations

import pytest

from attunement.errors import InvalidProfile
from attunement.profile import parse_profile


def test_unscorable_phq9_with_item9_endorsed_names_the_risk_in_the_error() -> None:
    answers = [None, None, None, 1, 1, 1, 1, 1, 3]  # three missing: PHQ-9 is not scorable
    with pytest.raises(InvalidProfile, match="RISK") as refused:
        parse_profile({"distress": {"instrument": "phq9", "answers": answers}})
    assert "suicide risk" in str(refused.value)
