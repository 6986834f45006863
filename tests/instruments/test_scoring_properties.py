"""Properties of the engine over random answers: keying, ranges, batch equals single."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attunement.instruments import (
    ImportedText,
    InstrumentDefinition,
    InvalidAdministration,
    list_instruments,
    load_instrument,
    score,
    score_batch,
    with_imported_text,
)

INSTRUMENTS = [d.id for d in list_instruments()]


def _trs_with_key() -> InstrumentDefinition:
    trs = load_instrument("trs")
    imported = ImportedText(
        instrument="trs",
        version=trs.version,
        languages=("en",),
        items={item: {"en": f"text of {item}"} for item in trs.item_ids},
        key={"total": ("trs_2", "trs_5", "trs_11")},  # a test key, not the published one
    )
    return with_imported_text(trs, imported)


def _definition(instrument_id: str) -> InstrumentDefinition:
    return _trs_with_key() if instrument_id == "trs_keyed" else load_instrument(instrument_id)


@st.composite
def administrations(
    draw: st.DrawFn, definition: InstrumentDefinition, missing: float = 0.15
) -> list[int | None]:
    answers: list[int | None] = []
    for item in definition.item_ids:
        if draw(st.floats(0, 1)) < missing:
            answers.append(None)
        else:
            answers.append(draw(st.sampled_from(definition.allowed_values(item))))
    return answers


def _flip(definition: InstrumentDefinition, item: str, value: int) -> int:
    allowed = definition.allowed_values(item)
    return min(allowed) + max(allowed) - value


@pytest.mark.parametrize("instrument_id", ["core10", "ecr_r"])
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_reverse_keying_twice_is_identity(instrument_id: str, data: st.DataObject) -> None:
    """Reversing an answer twice gives it back; scoring reversed items equals scoring the
    flipped answers with the reversal removed from the key."""
    definition = load_instrument(instrument_id)
    answers = data.draw(administrations(definition, missing=0.0))
    reversed_items = {item for scale in definition.scales for item in scale.reverse}
    for item, value in zip(definition.item_ids, answers, strict=True):
        assert value is not None
        assert _flip(definition, item, _flip(definition, item, value)) == value
    flipped = [
        _flip(definition, item, v) if item in reversed_items and v is not None else v
        for item, v in zip(definition.item_ids, answers, strict=True)
    ]
    unkeyed = definition.model_copy(
        update={"scales": tuple(s.model_copy(update={"reverse": ()}) for s in definition.scales)}
    )
    assert score(definition, answers).scales == score(unkeyed, flipped).scales


@pytest.mark.parametrize("instrument_id", [*INSTRUMENTS, "trs_keyed"])
@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_prorated_scores_stay_inside_the_scale_range(
    instrument_id: str, data: st.DataObject
) -> None:
    definition = _definition(instrument_id)
    answers = data.draw(administrations(definition))
    result = score(definition, answers)
    for scale in definition.scales:
        got = result.scales[scale.id]
        if got.scorable:
            assert got.value is not None
            assert scale.range[0] <= got.value <= scale.range[1], (scale.id, got)
        else:
            assert got.value is None
            assert got.reason


@pytest.mark.parametrize("instrument_id", [*INSTRUMENTS, "trs_keyed"])
@given(data=st.data())
@settings(max_examples=25, deadline=None)
def test_batch_equals_single_on_random_inputs(instrument_id: str, data: st.DataObject) -> None:
    definition = _definition(instrument_id)
    missing = data.draw(st.sampled_from([0.0, 0.05, 0.3]))
    rows = data.draw(st.lists(administrations(definition, missing), min_size=1, max_size=12))
    matrix = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)
    batch = score_batch(definition, matrix)
    for index, row in enumerate(rows):
        assert batch.row(index) == score(definition, row)


def test_batch_flags_mask_marks_every_phq9_item9_endorsement() -> None:
    phq9 = load_instrument("phq9")
    x = np.array([[0] * 8 + [1], [3] * 9, [0] * 9, [1] * 8 + [np.nan]], dtype=float)
    batch = score_batch(phq9, x)
    assert batch.flags["phq9_item9_risk"].tolist() == [True, True, False, False]
    assert batch.flags["phq9_item9_risk_unanswered"].tolist() == [False, False, False, True]


def test_batch_columns_are_numpy_arrays_with_band_codes() -> None:
    phq9 = load_instrument("phq9")
    x = np.array([[1] * 9, [3] * 9, [0] * 6 + [np.nan] * 3], dtype=float)
    total = score_batch(phq9, x).scales["total"]
    assert total.value[:2].tolist() == [9.0, 27.0]
    assert math.isnan(total.value[2])
    assert [total.band_labels[c] for c in total.band_code[:2]] == ["mild", "severe"]
    assert total.band_code[2] == -1
    assert total.scorable.tolist() == [True, True, False]


def test_batch_names_the_first_bad_administration_and_item() -> None:
    phq9 = load_instrument("phq9")
    x = np.zeros((5, 9))
    x[3, 4] = 7
    x[4, 0] = 0.5
    with pytest.raises(InvalidAdministration) as error:
        score_batch(phq9, x)
    assert error.value.row == 3
    assert error.value.item == "phq9_5"
    assert "administration 4, item phq9_5: 7 is not allowed; allowed: 0, 1, 2, 3" in str(
        error.value
    )


def test_batch_refuses_a_wrong_number_of_columns() -> None:
    with pytest.raises(Exception, match=r"an \(n x 9\) array"):
        score_batch(load_instrument("phq9"), np.zeros((2, 8)))
