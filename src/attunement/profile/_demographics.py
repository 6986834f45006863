"""Sex and age band: the two demographic facts the practice-based learning reads (issue 15).

Both are optional (``None`` is "not recorded") and both are kept as coarse categories on
the patient record. The age band is stored, never the birth date or birth year: a band is
all the learning uses (calibration and neighbours by age group), and keeping the least data
that serves the purpose is what data minimisation asks (GDPR Art. 5(1)(c)). A clinic that
knows a birth date (a FHIR ``Patient.birthDate`` on import) has it turned into the band at
the start of the episode and the date itself is not kept.

The bands are those of the synthetic hidden-truth clinic (:mod:`attunement.simulate`) with
a band for minors added; they are a grouping, not a clinical cut-off, and carry no figure
from the literature. Labels a person reads come from :mod:`attunement.wording`.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal, get_args

from attunement.errors import InputError

__all__ = [
    "AGE_BANDS",
    "SEXES",
    "AgeBand",
    "Sex",
    "age_band_at",
    "sex_of_fhir_gender",
]

#: Sex as recorded by the clinic; ``None`` (not recorded) is the default.
Sex = Literal["female", "male", "another"]
SEXES: Final[tuple[Sex, ...]] = get_args(Sex)

#: Age at the start of the episode, in bands (lower and upper age included).
AgeBand = Literal["under-18", "18-25", "26-40", "41-65", "66+"]
AGE_BANDS: Final[tuple[AgeBand, ...]] = get_args(AgeBand)
_LOWEST_AGE: Final[dict[AgeBand, int]] = {
    "under-18": 0,
    "18-25": 18,
    "26-40": 26,
    "41-65": 41,
    "66+": 66,
}
#: FHIR R4 AdministrativeGender (http://hl7.org/fhir/R4/valueset-administrative-gender.html)
#: to the recorded sex; ``unknown`` is "not recorded".
_FHIR_GENDER: Final[dict[str, Sex | None]] = {
    "female": "female",
    "male": "male",
    "other": "another",
    "unknown": None,
}


def age_band_at(birth_date: dt.date, on: dt.date) -> AgeBand:
    """The age band of someone born on ``birth_date`` on the day ``on`` (completed years).

    Raises InputError naming ``birth_date`` when it lies after ``on``.
    """
    if birth_date > on:
        raise InputError("birth_date", birth_date.isoformat(), f"a date on or before {on}")
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next(band for band in reversed(AGE_BANDS) if age >= _LOWEST_AGE[band])


def sex_of_fhir_gender(gender: str | None) -> Sex | None:
    """FHIR ``Patient.gender`` as the recorded sex (absent or ``unknown``: not recorded).

    Raises InputError naming ``gender`` for a code outside FHIR's AdministrativeGender.
    """
    if gender is None:
        return None
    if gender not in _FHIR_GENDER:
        raise InputError("gender", gender, list(_FHIR_GENDER))
    return _FHIR_GENDER[gender]
