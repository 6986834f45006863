"""parse_episode: the episode file of ``attune status``, and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from attunement.errors import InvalidEpisode, InvalidProfile
from attunement.monitoring import parse_episode

EXAMPLE: dict[str, Any] = {
    "outcome": {
        "instrument": "phq9",
        "sessions": [
            {"session": 1, "score": 18},
            {"session": 2, "answers": [2, 1, 3, 1, 2, 1, 1, 0, 0]},
            {"session": 3, "attended": False},
            {"session": 4, "score": 12, "held_on": "2024-03-04", "rupture_markers": ["deferring"]},
        ],
    },
    "alliance": {"instrument": "wai_sr", "sessions": [{"session": 1, "score": 4.1}]},
    "profile": {"stage_of_change": "contemplation"},
}


def test_the_documented_example_parses() -> None:
    episode = parse_episode(EXAMPLE)
    assert episode.outcome.scale == "total"
    assert [p.value for p in episode.outcome.points] == [18, 11, None, 12]
    assert episode.outcome.points[2].attended is False
    assert episode.alliance is not None
    assert episode.alliance.scale == "total"
    assert episode.rupture_markers == {4: ("deferring",)}
    assert episode.profile is not None


def test_a_score_without_answers_notes_that_the_risk_item_was_not_checked() -> None:
    notes = parse_episode(EXAMPLE).notes
    assert any("session 1" in n and "phq9_9" in n for n in notes)


def test_answers_raise_the_item9_flag() -> None:
    data = {"outcome": {"instrument": "phq9", "sessions": [{"session": 1, "answers": [1] * 9}]}}
    point = parse_episode(data).outcome.points[0]
    assert [f.id for f in point.flags] == ["phq9_item9_risk"]


@pytest.mark.parametrize(
    ("session", "match"),
    [
        ({"session": 2, "score": 30}, r"outcome.sessions\[session 2\].score"),
        ({"session": 2, "score": "high"}, r"outcome.sessions\[session 2\].score"),
        ({"session": 2, "answers": [4] * 9}, r"outcome.sessions\[session 2\].answers"),
        ({"session": 2}, r"outcome.sessions\[session 2\]"),
        ({"session": 2, "score": 5, "answers": [0] * 9}, r"outcome.sessions\[session 2\]"),
        ({"session": 0, "score": 5}, r"outcome.sessions\[1\].session"),
        ({"session": 2, "score": 5, "mood": "ok"}, r"outcome.sessions\[session 2\].mood"),
        ({"session": 2, "held_on": "yesterday", "score": 5}, r"session 2\].held_on"),
        ({"session": 2, "attended": False, "score": 5}, r"session 2\].attended"),
        ({"session": 2, "score": 5, "rupture_markers": ["sulking"]}, r"session 2.rupture_markers"),
    ],
)
def test_invalid_sessions_name_the_session_and_field(session: dict[str, Any], match: str) -> None:
    data = {"outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 18}, session]}}
    with pytest.raises(InvalidEpisode, match=match):
        parse_episode(data)


def test_sessions_out_of_order_are_refused() -> None:
    data = {
        "outcome": {
            "instrument": "phq9",
            "sessions": [{"session": 2, "score": 1}, {"session": 1, "score": 2}],
        }
    }
    with pytest.raises(InvalidEpisode, match="session 1"):
        parse_episode(data)


def test_unknown_instrument_and_scale_are_named() -> None:
    with pytest.raises(InvalidEpisode, match=r"outcome.instrument.*phq9"):
        parse_episode({"outcome": {"instrument": "bdi", "sessions": [{"session": 1, "score": 1}]}})
    with pytest.raises(InvalidEpisode, match=r"alliance\.scale"):
        parse_episode(
            {
                "outcome": {"instrument": "phq9", "sessions": [{"session": 1, "score": 1}]},
                "alliance": {
                    "instrument": "wai_sr",
                    "scale": "trust",
                    "sessions": [{"session": 1, "score": 4}],
                },
            }
        )


def test_missing_outcome_and_unknown_top_level_keys_are_refused() -> None:
    with pytest.raises(InvalidEpisode, match="outcome"):
        parse_episode({"alliance": EXAMPLE["alliance"]})
    with pytest.raises(InvalidEpisode, match=r"episode\.patient"):
        parse_episode({**EXAMPLE, "patient": "x"})


def test_a_bad_profile_raises_invalid_profile() -> None:
    with pytest.raises(InvalidProfile, match="reactance"):
        parse_episode({**EXAMPLE, "profile": {"reactance": "extreme"}})
