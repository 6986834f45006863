"""One citation layout and APA effect sizes (issue 17)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attunement.evidence import load_evidence
from attunement.wording import MINUS, format_citation, format_effect, format_effect_value

correlations = st.floats(min_value=-0.999, max_value=0.999, allow_nan=False)


@given(correlations)
def test_r_has_no_leading_zero(value: float) -> None:
    text = format_effect_value("r", value)
    assert not text.lstrip(MINUS).startswith("0")
    assert text.lstrip(MINUS).startswith(".")


@given(st.floats(min_value=-5, max_value=5, allow_nan=False), st.sampled_from(["d", "g"]))
def test_d_and_g_keep_their_leading_zero(value: float, metric: str) -> None:
    text = format_effect_value(metric, value)
    assert text.lstrip(MINUS)[0].isdigit()


@given(correlations)
def test_the_sign_of_an_effect_round_trips(value: float) -> None:
    text = format_effect_value("r", value)
    shown = float(text.replace(MINUS, "-"))
    assert (shown < 0) == text.startswith(MINUS)
    assert abs(shown - value) < 0.0051


def test_published_precision_is_kept() -> None:
    assert format_effect("r", 0.28) == "r = .28"
    assert format_effect("r", 0.278) == "r = .278"
    assert format_effect("d", 0.79) == "d = 0.79"
    assert format_effect("r", -0.5) == f"r = {MINUS}.50"
    assert format_effect(None, 0.3) == ""


def test_every_finding_of_the_evidence_base_is_cited_in_the_one_layout() -> None:
    for element in load_evidence().elements:
        for finding in element.findings:
            text = format_citation(finding)
            assert text.startswith(f"{finding.authors} ({finding.year}")
            assert format_effect(finding.metric, finding.value) in text
            assert "0." not in text.split(": ", 1)[1] or finding.metric != "r"
