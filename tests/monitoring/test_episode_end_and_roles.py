"""Issue 12: the end-reason vocabulary is data with a validating loader; episode files take
outcome and alliance measures only from instruments that declare the role."""

from __future__ import annotations

import pytest

from attunement.errors import DefinitionError, InputError, InvalidEpisode
from attunement.instruments import instruments_with_role, load_instrument
from attunement.knowledge import validate_knowledge
from attunement.monitoring import EndReasons, check_end_reason, load_end_reasons, parse_episode


def test_the_packaged_reasons_have_labels_and_definitions() -> None:
    reasons = load_end_reasons().reasons
    assert list(reasons) == ["planned_end", "dropout", "referral", "other"]
    assert all(r.label and len(r.definition) > 40 for r in reasons.values())
    assert reasons["other"].note_required


def test_a_reason_without_a_definition_is_refused_naming_file_line_and_field() -> None:
    text = (
        'version: "1"\n'
        "reasons:\n"
        "  planned_end:\n"
        "    label: Planned end\n"
        "  dropout: {label: Dropout, definition: stopped attending without an agreed end}\n"
    )
    with pytest.raises(
        DefinitionError, match=r"end_reasons\.yaml:3: reasons\.planned_end\.definition"
    ):
        validate_knowledge(EndReasons, text, "end_reasons.yaml")


def test_an_unknown_reason_and_other_without_a_note_are_refused() -> None:
    with pytest.raises(InputError, match="end_reason: 'cured' is not allowed; allowed: planned"):
        check_end_reason("cured", None)
    with pytest.raises(InputError, match="note"):
        check_end_reason("other", "  ")
    assert check_end_reason("other", "moved abroad").label == "Other"


def test_every_instrument_declares_its_roles() -> None:
    assert [d.id for d in instruments_with_role("outcome")] == ["phq9", "gad7", "k10", "core10"]
    assert [d.id for d in instruments_with_role("alliance")] == ["wai_sr"]
    assert "outcome" not in load_instrument("durel").roles


@pytest.mark.parametrize(
    ("series", "instrument", "allowed"),
    [("outcome", "durel", "outcome role: phq9, gad7"), ("alliance", "phq9", "alliance role: wai")],
)
def test_an_episode_file_refuses_a_measure_without_the_role(
    series: str, instrument: str, allowed: str
) -> None:
    episode = {"outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 12}]}}
    episode[series] = {"instrument": instrument, "sessions": [{"session": 1, "score": 3}]}
    with pytest.raises(InvalidEpisode) as refused:
        parse_episode(episode)
    assert refused.value.field == f"{series}.instrument"
    assert refused.value.value == instrument
    assert allowed in refused.value.allowed
