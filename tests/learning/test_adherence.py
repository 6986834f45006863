"""Whether the plan was followed: the one rule (clinician records, rupture repair derived)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attunement.errors import InputError
from attunement.learning import (
    RUPTURE_REPAIR,
    AdherenceRecord,
    AlliancePromptMark,
    adherence_dimensions,
    plan_followed,
    rupture_repaired,
)
from attunement.profile import age_band_at, sex_of_fhir_gender


def test_without_an_alliance_alert_rupture_repair_does_not_apply() -> None:
    assert rupture_repaired(flagged_session=None, alliance_marks=()) is None
    assert RUPTURE_REPAIR not in plan_followed([])


def test_an_alert_without_the_prompt_discussed_is_not_repaired() -> None:
    assert rupture_repaired(flagged_session=4, alliance_marks=()) is False


def test_the_alliance_prompt_discussed_after_the_alert_is_a_repair() -> None:
    marks = [AlliancePromptMark(4, True)]
    assert rupture_repaired(flagged_session=4, alliance_marks=marks) is True
    # a mark proves the alert even when the stored status no longer shows it
    assert rupture_repaired(flagged_session=None, alliance_marks=marks) is True


def test_an_undone_mark_is_no_repair() -> None:
    marks = [AlliancePromptMark(4, True), AlliancePromptMark(4, False)]
    assert rupture_repaired(flagged_session=None, alliance_marks=marks) is False


def test_the_latest_record_counts_and_a_clinicians_record_wins_over_the_derived_repair() -> None:
    records = [
        AdherenceRecord("reactance", True),
        AdherenceRecord("reactance", False),
        AdherenceRecord(RUPTURE_REPAIR, True),
    ]
    followed = plan_followed(records, flagged_session=3, alliance_marks=())
    assert followed == {"reactance": False, RUPTURE_REPAIR: True}


def test_rupture_repair_is_recordable_only_after_an_alliance_alert() -> None:
    plan = ["reactance", "preferences", "reactance"]
    assert adherence_dimensions(plan, alliance_flagged=False) == ["reactance", "preferences"]
    assert adherence_dimensions(plan, alliance_flagged=True)[-1] == RUPTURE_REPAIR


@given(st.lists(st.tuples(st.sampled_from(["reactance", "culture"]), st.booleans()), max_size=8))
def test_every_dimension_follows_its_latest_record(pairs: list[tuple[str, bool]]) -> None:
    followed = plan_followed([AdherenceRecord(d, f) for d, f in pairs])
    assert followed == dict(pairs)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (dt.date(2008, 3, 2), "18-25"),  # 18 on the day
        (dt.date(2008, 3, 3), "under-18"),  # 18 tomorrow
        (dt.date(2000, 1, 1), "26-40"),
        (dt.date(1985, 3, 2), "41-65"),
        (dt.date(1960, 3, 2), "66+"),
    ],
)
def test_the_age_band_is_the_age_in_completed_years(born: dt.date, band: str) -> None:
    assert age_band_at(born, dt.date(2026, 3, 2)) == band


def test_a_birth_date_after_the_day_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError, match="birth_date"):
        age_band_at(dt.date(2030, 1, 1), dt.date(2026, 1, 1))


def test_fhir_gender_maps_to_the_recorded_sex() -> None:
    assert [sex_of_fhir_gender(g) for g in ("female", "male", "other", "unknown", None)] == [
        "female",
        "male",
        "another",
        None,
        None,
    ]
    with pytest.raises(InputError, match="gender"):
        sex_of_fhir_gender("f")
