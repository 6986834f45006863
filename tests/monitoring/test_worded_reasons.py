"""Every sentence a status composes keeps the message id it was written from: the English
sentence is that id filled with its values, so a page in another language shows the same
decision with the same figures (issues 16 and 17). Synthetic scores only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.i18n import default_catalogue
from attunement.monitoring import (
    RedRule,
    Series,
    SessionPoint,
    Status,
    Trend,
    Worded,
    assess_episode,
    decide_alert,
    english_figure,
)

_scores = st.floats(min_value=0, max_value=27, allow_nan=False).map(lambda v: round(v, 1))


def _english(sentence: Worded) -> str:
    """The sentence written again from its message id, values (numbers with their format
    specs), parts and profile facts."""
    if sentence.template is None:
        return sentence.text
    filled = {k: english_figure(v, sentence.formats.get(k, "")) for k, v in sentence.values.items()}
    filled.update({k: _english(p) for k, p in sentence.parts.items()})
    filled.update({k: p.text for k, p in sentence.profile.items()})
    return default_catalogue().translate(sentence.template, "en", **filled)


def _spanish_differs(sentence: Worded) -> bool:
    assert sentence.template is not None
    return default_catalogue().translate(sentence.template, "es") != sentence.template


@settings(max_examples=150, deadline=None)
@given(
    intake=_scores,
    latest=_scores,
    at_intake=st.booleans(),
    edge=_scores,
    outer=_scores,
    trend=st.none() | st.tuples(_scores, _scores, _scores),
    previous=st.none() | _scores,
)
def test_every_outcome_reason_is_its_message_id_filled_and_has_a_spanish_translation(
    intake: float,
    latest: float,
    at_intake: bool,
    edge: float,
    outer: float,
    trend: tuple[float, float, float] | None,
    previous: float | None,
) -> None:
    decision = decide_alert(
        intake=intake,
        latest=latest,
        at_intake=at_intake,
        direction="higher_is_worse",
        cutoff=10.0,
        reliable_change=6.0,
        band_worse_edge=edge,
        outer_limit=outer,
        trend=None
        if trend is None
        else Trend(intake=trend[0], now=trend[1], edge=trend[2], scores=3),
        red=RedRule(threshold=6.93, at_once=9.11, previous_deterioration=previous),
    )
    assert decision.reason == decision.worded.text == _english(decision.worded)
    assert _spanish_differs(decision.worded)


def _phq9(*values: float | None) -> Series:
    points = tuple(SessionPoint(session=i, value=v) for i, v in enumerate(values, start=1))
    return Series(instrument="phq9", scale="total", points=points)


def _sentences(status: Status) -> list[Worded]:
    found = [status.alert_reason_worded, *status.notes_worded]
    found += [f for p in status.support_prompts for f in p.because_worded]
    found += [f for d in status.dropout_risks for f in d.facts_worded]
    if status.expected is not None:
        found.append(status.expected.basis_worded)
    return [s for s in found if s is not None]


def test_a_status_keeps_each_reason_note_fact_and_basis_beside_its_english_text() -> None:
    status = assess_episode(
        _phq9(None, 8, 20, None),  # intake and latest session unscored, reliably worse
        alliance=Series(
            instrument="wai_sr",
            scale="total",
            points=(SessionPoint(session=1, value=4.5), SessionPoint(session=3, value=2.5)),
        ),
    )
    sentences = _sentences(status)
    assert status.alert_reason == sentences[0].text
    assert status.notes == tuple(n.text for n in status.notes_worded)
    assert len(sentences) >= 6
    for sentence in sentences:
        if sentence.template is not None:
            assert sentence.text == _english(sentence)
            assert _spanish_differs(sentence)
