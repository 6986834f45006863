"""The outcome card writes its figures as the clinic's language writes numbers (issue 16):
a Spanish clinic's card gives the latest score, the change, the expected value and its band
with a decimal comma, as the sentences of the status do; the English card as before.
Synthetic figures only."""

from __future__ import annotations

from attunement.cds_hooks import (
    CardContext,
    CdsExpectedBand,
    OutcomeSignal,
    PatientSignals,
    build_cards,
)

YELLOW = OutcomeSignal(
    alert="yellow",
    instrument="phq9",
    scale="total",
    session=3,
    intake=18,
    latest=18.5,
    change=0.5,
    category="unchanged",
    expected=CdsExpectedBand(value=14.5, low=13.1, high=15.8, method="rational"),
)


def _card(language: str) -> tuple[str, str]:
    context = CardContext(
        hook_instance="h",
        patient_page_url="https://attunement.example/patients/7",
        source_url="https://attunement.example/about",
        language=language,
    )
    (card,) = build_cards(PatientSignals(outcome=YELLOW), context)
    return card.summary, card.detail or ""


def test_a_spanish_outcome_card_writes_its_figures_with_a_decimal_comma() -> None:
    summary, detail = _card("es")
    assert "18,5" in summary
    assert "(esperado 14,5)" in summary
    assert ": +0,5 (sin cambios)" in detail
    assert ": 14,5 (intervalo 13,1–15,8, método racional)" in detail
    for english in ("18.5", "0.5", "14.5", "13.1", "15.8"):
        assert english not in summary + detail


def test_an_english_outcome_card_writes_its_figures_as_before() -> None:
    summary, detail = _card("en")
    assert "18.5" in summary
    assert "(expected 14.5)" in summary
    assert ": 14.5 (band 13.1–15.8, rational method)" in detail
