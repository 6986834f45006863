"""The words for the recorded sex and age band (issue 15), once for every adapter.

Which values exist is decided in :mod:`attunement.profile` (``SEXES``, ``AGE_BANDS``); this
module only names them. The labels are gettext message ids: an adapter shows them through
:func:`attunement.i18n.translate` in the reader's language.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.profile import AGE_BANDS, SEXES

__all__ = ["AGE_BAND_LABELS", "NOT_RECORDED_LABEL", "SEX_LABELS", "age_band_label", "sex_label"]

SEX_LABELS: Final[dict[str, str]] = {
    "female": N_("Female"),
    "male": N_("Male"),
    "another": N_("Another sex"),
}
AGE_BAND_LABELS: Final[dict[str, str]] = {
    "under-18": N_("Under 18"),
    "18-25": N_("18 to 25 years"),
    "26-40": N_("26 to 40 years"),
    "41-65": N_("41 to 65 years"),
    "66+": N_("66 years or older"),
}
NOT_RECORDED_LABEL: Final = N_("Not recorded")

if set(SEX_LABELS) != set(SEXES) or set(AGE_BAND_LABELS) != set(AGE_BANDS):  # pragma: no cover
    raise RuntimeError("every recorded sex and age band needs its label here")


def sex_label(value: str | None) -> str:
    """A recorded sex in words (message id); None or unknown: "Not recorded"."""
    return SEX_LABELS.get(value or "", NOT_RECORDED_LABEL)


def age_band_label(value: str | None) -> str:
    """A recorded age band in words (message id); None or unknown: "Not recorded"."""
    return AGE_BAND_LABELS.get(value or "", NOT_RECORDED_LABEL)
