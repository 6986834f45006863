"""A dimension whose model cannot be fitted is reported as not estimated, alone.

The responsiveness section estimates each tailoring dimension on its own; one that the
multilevel model cannot be fitted to (here: every episode it applied to is one therapist's,
so there is no between-therapist variance to model) must not take the other dimensions — or
the whole clinic report's learning section — down with it.
"""

from __future__ import annotations

from attunement.learning import LearningEpisode, responsiveness_report


def _episode(key: int, therapist: str, followed: dict[str, bool]) -> LearningEpisode:
    intake = 12.0 + key % 9
    final = intake - 4.0 - 2.0 * followed.get("preferences", False) + (key % 5) * 0.7
    return LearningEpisode(
        key=str(key),
        therapist=therapist,
        scores=(intake, (intake + final) / 2, final),
        dropped_out=key % 7 == 0,
        followed=followed,
    )


def test_a_dimension_the_model_cannot_fit_is_not_estimated_and_the_others_still_are() -> None:
    episodes = [
        _episode(k, f"therapist_{k % 3}", {"preferences": k % 2 == 0}) for k in range(60)
    ] + [_episode(100 + k, "therapist_0", {"reactance": k % 2 == 0}) for k in range(40)]

    report = responsiveness_report(episodes)

    by_name = {d.dimension: d for d in report.dimensions}
    assert by_name["preferences"].estimated
    assert by_name["preferences"].final_score is not None
    reactance = by_name["reactance"]
    assert not reactance.estimated
    assert reactance.episodes == 40
    assert reactance.final_score is None
    assert reactance.reason == "one_therapist"  # all 40 are therapist_0's
