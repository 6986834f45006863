"""The sex and age band selects: their choices in the page's language and their labels.

The values and their labels are decided once (:mod:`attunement.profile`,
:mod:`attunement.wording`); the registration form and the intake page's form both use
these.
"""

from __future__ import annotations

from attunement.i18n import translate
from attunement.wording import AGE_BAND_LABELS, SEX_LABELS

__all__ = ["DEMOGRAPHIC_LABELS", "age_band_choices", "sex_choices"]

#: The form's labels of the two fields (refusals name the field by them).
DEMOGRAPHIC_LABELS = {"sex": "Sex", "age_band": "Age band"}


def sex_choices(lang: str) -> list[tuple[str, str]]:
    """The sex select's options: each stored value with its label in ``lang``."""
    return [(value, translate(label, lang)) for value, label in SEX_LABELS.items()]


def age_band_choices(lang: str) -> list[tuple[str, str]]:
    """The age band select's options: each stored value with its label in ``lang``."""
    return [(value, translate(label, lang)) for value, label in AGE_BAND_LABELS.items()]
